"""Possible matches on the register for a described child, tolerating misspelling.

Candidates come from the database by indexed keys, one small query each: the same date of birth;
the same Soundex key of the last name (and of the first name, when given) near that date; an alias
with that key; the postcode with the name key; and on PostgreSQL the most trigram-similar last
names near that date. They are then scored here, the same way on every database (Jaro-Winkler
similarity of names, from jellyfish). On PostgreSQL one query (the candidates' ids are a UNION
in it); elsewhere at most seven; whatever the register's size.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import jellyfish
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import OuterRef
from django.db.models.expressions import RawSQL

from referrals.matching_keys import name_key, normalise, normalise_postcode
from referrals.models import Child, ChildAlias

CANDIDATES = 200  # from each indexed key
SIMILAR_CANDIDATES = 50  # the most trigram-similar last names, best first
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


def _candidate_queries(description: Description):
    """One small indexed query per way a record can be the described child."""
    family_key = name_key(description.family_name)
    given_key = name_key(description.given_names)
    keys = {family_key} | {
        name_key(other.split()[-1]) for other in description.other_names.split(",") if other.strip()
    }
    keys.discard("")
    born = description.date_of_birth
    current = Child.objects.filter(merged_into__isnull=True).order_by()
    near = {"date_of_birth__range": (born - NEAR_BIRTH, born + NEAR_BIRTH)} if born else {}
    if born:
        yield current.filter(date_of_birth=born)
    if family_key:
        # The same sounding last name; with a first name, the same sounding first name too.
        same_name = current.filter(family_name_key=family_key, **near)
        if given_key:
            same_name = same_name.filter(given_name_key=given_key)
        yield same_name
    if keys:
        yield current.filter(aliases__name_key__in=keys, **near)
    if description.postcode and family_key:
        yield current.filter(
            postcode=normalise_postcode(description.postcode), family_name_key=family_key
        )
    if connection.vendor == "postgresql" and description.family_name:
        # Narrowed by the first name's key when there is one: a common last name is shared by
        # hundreds of children, and the best few of them by similarity alone may be the wrong ones.
        same_given = {"given_name_key": given_key} if given_key else {}
        similar = current.filter(
            family_name__trigram_similar=description.family_name, **near, **same_given
        ).order_by(TrigramSimilarity("family_name", description.family_name).desc())
        yield similar.values_list("pk", flat=True)[:SIMILAR_CANDIDATES]


def _bounded_queries(description: Description) -> list:
    """Every kind of candidate's ids, a bounded number from each."""
    return [
        query if query.query.is_sliced else query.values_list("pk", flat=True)[:CANDIDATES]
        for query in _candidate_queries(description)
    ]


def _candidates(description: Description, among=None) -> list[tuple[Child, list[str]]]:
    """The candidates (only those in ``among``, the children the caller may see, when given),
    each with its aliases' names. On PostgreSQL one query: the children whose ids are in the
    UNION of the small indexed queries, each with its aliases' names as an array; elsewhere one
    query for each kind of candidate, then the children, then their aliases."""
    queries = _bounded_queries(description)
    if not queries:
        return []
    children = (Child.objects.all() if among is None else among).order_by()
    if connection.vendor == "postgresql":
        # The UNION is compiled once and nested as SQL: nesting the queryset itself would copy
        # and re-alias every one of its queries first, the costliest step of building the query.
        union = RawSQL(*queries[0].union(*queries[1:]).query.sql_with_params())
        names = ChildAlias.objects.filter(child=OuterRef("pk")).values("name")
        found = children.filter(pk__in=union).annotate(alias_names=ArraySubquery(names))
        return [(child, child.alias_names) for child in found]
    found = list(children.filter(pk__in={pk for query in queries for pk in query}))
    aliases = defaultdict(list)
    names = ChildAlias.objects.filter(child_id__in=[child.pk for child in found])
    for child_id, name in names.values_list("child", "name"):
        aliases[child_id].append(name)
    return [(child, aliases[child.pk]) for child in found]


def _described_names(description: Description) -> tuple[list[str], bool]:
    """The names to compare, and whether only last names are compared: a search by last name
    alone compares last names (never at submission, where a twin with the same last name and
    birthday must not look like the same child)."""
    full = description.full_name if description.given_names.strip() else ""
    family = "" if full else normalise(description.family_name)
    others = [normalise(other) for other in description.other_names.split(",") if other.strip()]
    return [full or family, *others], bool(family)


def _name_similarity(described: tuple[list[str], bool], child: Child, aliases) -> float:
    names, family_only = described
    own = (
        normalise(child.family_name)
        if family_only
        else normalise(f"{child.given_names} {child.family_name}")
    )
    known = [own] + [normalise(alias) for alias in aliases]
    return max(
        (jellyfish.jaro_winkler_similarity(a, b) for a in names for b in known if a and b),
        default=0.0,
    )


def score(description: Description, child: Child, aliases=(), described=None) -> Match:
    """How closely ``child`` (with its aliases' names) is the described child, out of 100."""
    match = Match(child=child, score=0)
    described = described or _described_names(description)
    similarity = _name_similarity(described, child, aliases)
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


def find_matches(
    description: Description, *, threshold: int = MATCH_THRESHOLD, limit: int = 5, among=None
):
    """The best matches at or above ``threshold``, best first; only children in ``among`` (a
    queryset of those the caller may see) when given."""
    described = _described_names(description)
    scored = [
        score(description, child, aliases, described)
        for child, aliases in _candidates(description, among)
    ]
    found = [match for match in scored if match.score >= threshold]
    found.sort(key=lambda match: (-match.score, match.child.family_name, str(match.child.pk)))
    return found[:limit]
