"""Links from referrals (issue 8, items 1, 4-5): the vehicles a CSE1 names in its free text
(``known_vehicles``) become vehicle records, and the referral's child is linked to each, so a car
a school reported for another child raises a "children linked" alert when MASH confirms who the
child is. A CSE1 started from intelligence (the form says a named child needs a referral) begins
with what the intelligence named, and its child is linked to every entity the intelligence
named."""

import re

from django.contrib.contenttypes.models import ContentType

from intelligence import linking, normalise, policy, selectors
from intelligence.alerts import alerts_notify
from intelligence.models import ChildLink, Location, OnlineHandle, Person, Phone, Report, Vehicle

_TOKEN = re.compile(r"[A-Za-z0-9?*]+")


def _plate(text: str) -> normalise.Normalised | None:
    """The registration ``text`` is, if normalise reads it as valid (full or partial) and it has
    a digit: a word alone ("red", "BMW") is a valid fragment of a plate, but not one."""
    result = normalise.registration(text)
    if result.valid and any(character.isdigit() for character in result.key):
        return result
    return None


def _joinable(first: str, second: str) -> bool:
    """Whether two words may be one plate: a lower-case word ("and", "men") only beside a word
    of letters and digits ("ab12 cde"), so "and 2" or "2 men" is not read as a plate."""

    def mixed(word: str) -> bool:
        return any(c.isalpha() for c in word) and any(c.isdigit() for c in word)

    for word, other in ((first, second), (second, first)):
        if word.isalpha() and word.islower() and not mixed(other):
            return False
    return True


def registrations_in(text: str) -> list[str]:
    """The registrations in free text, typed any way ("AB12 CDE", "ab12cde", "XR15 K??"): a word
    with the next one when together they are a plate, else the word alone. Keys, each once."""
    tokens = list(_TOKEN.finditer(text or ""))
    found: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        result = None
        if index + 1 < len(tokens):
            following = tokens[index + 1]
            if text[token.end() : following.start()] == " " and _joinable(
                token.group(), following.group()
            ):
                result = _plate(f"{token.group()} {following.group()}")
        if result is not None:
            index += 2
        else:
            result = _plate(token.group())
            index += 1
        if result is not None and result.key not in found:
            found.append(result.key)
    return found


def _report_links(referral, by) -> list:
    """Link the child to each entity the intelligence the referral was started from named. The
    source is the referral: its referrer wrote both, and the CSE1 carries them (not police-only)."""
    if referral.intelligence_report_id is None:
        return []
    alerts = []
    for _, entity in selectors.entities_of(referral.intelligence_report):
        alerts += linking.child_link(
            child=referral.child, entity=entity, source=referral, by=by, police_only=False
        )[1]
    return alerts


def link_referral(referral, by) -> list:
    """Link the referral's (confirmed) child to each entity the intelligence it was started from
    named, and to each vehicle its ``known_vehicles`` names, and notify the alerts raised.
    Idempotent: a partial plate already recorded from this referral is reused, so confirming
    again makes no second vehicle, link or alert. Returns the new alerts."""
    if referral.child_id is None:
        return []
    alerts = _report_links(referral, by)
    if referral.known_vehicles:
        alerts += _vehicle_links(referral, by)
    alerts_notify(alerts)
    return alerts


def _vehicle_links(referral, by) -> list:
    linked = ChildLink.objects.filter(
        source_type=ContentType.objects.get_for_model(referral),
        source_id=str(referral.pk),
        entity_type=ContentType.objects.get_for_model(Vehicle),
    ).values("entity_id")
    already = {
        vehicle.key: vehicle for vehicle in Vehicle.objects.filter(partial=True, pk__in=linked)
    }
    alerts = []
    for key in registrations_in(referral.known_vehicles):
        vehicle = already.get(key) or linking.vehicle_record(registration=key)
        alerts += linking.child_link(
            child=referral.child, entity=vehicle, source=referral, by=by, police_only=False
        )[1]
    return alerts


# --- A referral started from intelligence -----------------------------------------------------


def _described(entity) -> str:
    if isinstance(entity, Person):
        others = ", ".join(alias.name for alias in entity.aliases.all())
        details = "; ".join(
            part for part in (others, entity.approximate_age, entity.description) if part
        )
        return f"{entity.display} ({details})" if details else entity.display
    if isinstance(entity, Vehicle):
        details = " ".join(part for part in (entity.colour, entity.make, entity.model) if part)
        return f"{entity.display} {details}".strip()
    return entity.display


def report_for_referral(user, pk) -> Report | None:
    """The intelligence ``user`` may start a referral from: their own report (or any, for
    police-only users), else None."""
    report = Report.objects.filter(pk=pk).first()
    if report is None or policy.view_of(user, report) not in (policy.FULL, policy.OWN):
        return None
    return report


def referral_initial(report: Report) -> dict:
    """What a CSE1 started from ``report`` begins with: the concern's text with the reference,
    and the people, vehicles and places (phones and online handles among the places, as the
    CSE1's "places" include websites and apps) it named."""
    named: dict[str, list[str]] = {"known_people": [], "known_vehicles": [], "known_places": []}
    field = {
        Person: "known_people",
        Vehicle: "known_vehicles",
        Location: "known_places",
        Phone: "known_places",
        OnlineHandle: "known_places",
    }
    for _, entity in selectors.entities_of(report):
        named[field[type(entity)]].append(_described(entity))
    return {
        "circumstances": f"Intelligence {report.reference}: {report.what_happened}",
        **{name: "\n".join(lines) for name, lines in named.items() if lines},
    }
