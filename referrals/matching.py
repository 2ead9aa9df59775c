"""Possible matches on the register for a described child, tolerating misspelling.

Candidates come from the database by indexed keys: the date of birth, the Soundex key of the
family name or an alias near that date, the postcode with the name key, and on PostgreSQL trigram
similarity of the family name as well. They are then scored here, the same way on every database
(Jaro-Winkler similarity of names, from jellyfish). Two queries, whatever the register's size.
"""

import datetime as dt
from dataclasses import dataclass, field

import jellyfish
from django.db import connection
from django.db.models import Q

from referrals.matching_keys import name_key, normalise, normalise_postcode
from referrals.models import Child

CANDIDATES = 200
MATCH_THRESHOLD = 55  # stored as a possible match for MASH at triage
SEARCH_THRESHOLD = 35  # shown in MASH's own search
NEAR_BIRTH = dt.timedelta(days=400)


@dataclass(frozen=True)
class Description:
    given_names: str = ""
    family_name: str = ""
    other_names: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""

    @property
    def full_name(self) -> str:
        return normalise(f"{self.given_names} {self.family_name}")


@dataclass
class Match:
    child: Child
    score: int
    reasons: list[str] = field(default_factory=list)


def _candidates(description: Description):
    keys = {name_key(description.family_name)} | {
        name_key(other.split()[-1]) for other in description.other_names.split(",") if other.strip()
    }
    keys.discard("")
    born = description.date_of_birth
    near = Q(date_of_birth__range=(born - NEAR_BIRTH, born + NEAR_BIRTH)) if born else Q()
    wanted = Q(family_name_key__in=keys) & near | Q(aliases__name_key__in=keys) & near
    if born:
        wanted |= Q(date_of_birth=born)
    if description.postcode:
        wanted |= Q(postcode=normalise_postcode(description.postcode), family_name_key__in=keys)
    if connection.vendor == "postgresql" and description.family_name:
        wanted |= Q(family_name__trigram_similar=description.family_name) & near
    ids = (
        Child.objects.filter(merged_into__isnull=True)
        .filter(wanted)
        .values_list("pk", flat=True)
        .distinct()[:CANDIDATES]
    )
    return Child.objects.filter(pk__in=list(ids)).prefetch_related("aliases")


def _name_similarity(description: Description, child: Child) -> float:
    # A search by last name alone compares last names (never at submission, where a twin with
    # the same last name and birthday must not look like the same child).
    full = description.full_name if description.given_names.strip() else ""
    family = "" if full else normalise(description.family_name)
    described = [full or family] + [
        normalise(other) for other in description.other_names.split(",") if other.strip()
    ]
    own = (
        normalise(child.family_name)
        if family
        else normalise(f"{child.given_names} {child.family_name}")
    )
    known = [own] + [normalise(alias.name) for alias in child.aliases.all()]
    return max(
        (jellyfish.jaro_winkler_similarity(a, b) for a in described for b in known if a and b),
        default=0.0,
    )


def score(description: Description, child: Child) -> Match:
    match = Match(child=child, score=0)
    similarity = _name_similarity(description, child)
    if similarity >= 0.7:
        match.score += round(min(1.0, (similarity - 0.7) / 0.25) * 50)
        match.reasons.append("Name the same" if similarity > 0.99 else "Name similar")
    born = description.date_of_birth
    if born:
        if child.date_of_birth == born:
            match.score += 30
            match.reasons.append("Date of birth the same")
        elif abs(child.date_of_birth - born) <= NEAR_BIRTH:
            match.score += 10
            match.reasons.append("Date of birth within a year")
    if description.postcode and child.postcode:
        if normalise_postcode(description.postcode) == child.postcode:
            match.score += 20
            match.reasons.append("Postcode the same")
        elif normalise_postcode(description.postcode).split()[0] == child.postcode.split()[0]:
            match.score += 8
            match.reasons.append("Same postcode district")
    return match


def find_matches(description: Description, *, threshold: int = MATCH_THRESHOLD, limit: int = 5):
    """The best matches at or above ``threshold``, best first."""
    scored = [score(description, child) for child in _candidates(description)]
    found = [match for match in scored if match.score >= threshold]
    found.sort(key=lambda match: (-match.score, match.child.family_name, str(match.child.pk)))
    return found[:limit]
