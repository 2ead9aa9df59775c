"""Synthetic intelligence: reports, the entities they name and the links that join those entities
to children, at the scale issue 8 is measured at (3 entities and 10 links a child: 300,000
entities and 1,000,000 links for 100,000 children). Everything invented: plates, numbers and
handles are built from each entity's index, names from syllables, postcodes in the unused ZZ area.

Most entities are named for one to a few children; one in a hundred is a "hub" (a park, a
takeaway, a handle that contacts many children) that a twentieth of the links go to, so the
lookups are measured against entities with many links as well as few. A partial plate is made
from a full one, so likely-same lookups find real matches. No "children linked" alerts are made:
the benchmark raises them.
"""

import datetime as dt
import string

from django.contrib.contenttypes.models import ContentType

from cse_framework.accounts.roles import RoleCode
from cse_framework.synthetic import names
from cse_framework.synthetic.bulk import bulk_insert, changed
from intelligence import normalise
from intelligence.models import (
    ChildLink,
    Location,
    Mention,
    OnlineHandle,
    Person,
    Phone,
    Report,
    Vehicle,
)

ENTITIES_PER_CHILD = 3
LINKS_PER_CHILD = 10
REPORTS_PER_CHILD = 0.5
HUB_SHARE = 0.01  # of entities
HUB_LINKS = 0.05  # of links
PARTIAL_SHARE = 0.15  # of vehicles
# The share of each kind among the entities, in the order they are written.
KINDS = [(Vehicle, 0.30), (Phone, 0.25), (OnlineHandle, 0.25), (Person, 0.12), (Location, 0.08)]
PLATFORMS = ["snapchat", "instagram", "tiktok", "whatsapp", "facebook"]
LETTERS = string.ascii_uppercase
COUNTED = (
    "intelligence reports",
    *(f"intelligence {model._meta.verbose_name_plural}" for model, _ in KINDS),
    "intelligence mentions",
    "intelligence child links",
)
WHAT = "Synthetic intelligence: a car seen near young people after school."


def _user(plan, role: str):
    return next(u for u in plan.users if u.email.startswith(f"bench.{role}@"))


def plate(index: int) -> str:
    """A full plate key (two letters, two digits, three letters) unique to ``index``."""
    letters = []
    for _ in range(5):
        index, digit = divmod(index, 26)
        letters.append(LETTERS[digit])
    index, age = divmod(index, 100)
    return f"{letters[0]}{letters[1]}{age:02d}{letters[2]}{letters[3]}{letters[4]}"


def _vehicle(plan, index: int) -> Vehicle:
    key = plate(index)
    if index and plan.rng.random() < PARTIAL_SHARE:
        key = plate(index - 1)[:-2] + "??"  # the car before, its last two characters not seen
        return Vehicle(
            key=key,
            display=f"{key[:4]} {key[4:]}",
            partial=True,
            prefix=normalise.registration_known_prefix(key),
        )
    return Vehicle(key=key, display=f"{key[:4]} {key[4:]}", prefix=key, colour="Grey")


def _phone(plan, index: int) -> Phone:
    number = f"+4479{index:08d}"
    return Phone(key=number, display=f"0{number[3:7]} {number[7:]}")


def _handle(plan, index: int) -> OnlineHandle:
    platform = PLATFORMS[index % len(PLATFORMS)]
    name = f"{plan.rng.choice(names.FAMILY).lower()}{index}"
    return OnlineHandle(
        key=f"{platform}:{name}", display=f"@{name} ({platform})", platform=platform, handle=name
    )


def _person(plan, index: int) -> Person:
    name = f"{plan.rng.choice(names.FIRST)} {plan.rng.choice(names.FAMILY)}"
    return Person(
        key=normalise.person_name_key(name), display=name, name=name, approximate_age="20s"
    )


def _location(plan, index: int) -> Location:
    postcode = f"ZZ{index % 99 + 1} {index % 9 + 1}{LETTERS[index % 26]}{LETTERS[index // 26 % 26]}"
    premises = f"{plan.rng.choice(names.FAMILY)} {plan.rng.choice(['Park', 'Takeaway', 'Stores'])}"
    return Location(
        key=f"{postcode.replace(' ', '')}|{normalise.person_name_key(premises)}",
        display=f"{premises}, {postcode}",
        premises=premises,
        postcode=postcode,
    )


MAKE = {
    Vehicle: _vehicle,
    Phone: _phone,
    OnlineHandle: _handle,
    Person: _person,
    Location: _location,
}


def _reports(plan, count: int) -> list[Report]:
    """Reports over three years, each dated when submitted; most graded by police a day later
    (by the as-of time)."""
    referrer = _user(plan, RoleCode.REFERRER)
    officer = _user(plan, RoleCode.POLICE_INTELLIGENCE_OFFICER)
    now = dt.datetime.combine(plan.as_of, dt.time(12), tzinfo=dt.UTC)
    start = now - dt.timedelta(days=1095)
    rows = []
    for number in range(count):
        seen = start + dt.timedelta(minutes=plan.rng.randrange(0, 1095 * 24 * 60))
        graded = plan.rng.random() < 0.7 and seen + dt.timedelta(days=1) <= now
        rows.append(
            Report(
                submitted_by=referrer,
                submitted_at=seen + dt.timedelta(hours=2),
                observed_from=seen,
                place="Near the school gates",
                what_happened=WHAT,
                provenance=Report.Provenance.SAW,
                status=Report.Status.GRADED if graded else Report.Status.NEW,
                police_reference=f"SYN/{number:07d}" if graded else "",
                source_grade="2" if graded else "",
                intelligence_grade="B" if graded else "",
                handling="P" if graded else "",
                graded_by=officer if graded else None,
                graded_at=seen + dt.timedelta(days=1) if graded else None,
            )
        )
        if graded:
            changed(
                rows[-1],
                rows[-1].graded_at,
                status=Report.Status.NEW,
                police_reference="",
                source_grade="",
                intelligence_grade="",
                handling="",
                graded_by=None,
                graded_at=None,
            )
    plan.counts["intelligence reports"] = bulk_insert(
        Report, rows, dated=lambda report: report.submitted_at
    )
    return rows


def _entities(plan, count: int, reports: list[Report]) -> list[tuple[int, int, int]]:
    """Writes ``count`` entities of every kind, each made when the report that first named it
    was submitted; returns (content type id, id, that report's id) for each."""
    written = []
    first = 0
    for model, share in KINDS:
        number = round(count * share)
        make = MAKE[model]
        rows = []
        for index in range(first, first + number):
            entity = make(plan, index)
            entity._first_report = reports[plan.rng.randrange(len(reports))]
            entity.created_at = entity._first_report.submitted_at
            rows.append(entity)
        plan.counts[f"intelligence {model._meta.verbose_name_plural}"] = bulk_insert(
            model, rows, dated=lambda entity: entity.created_at
        )
        first += number
        type_id = ContentType.objects.get_for_model(model).pk
        written += [(type_id, entity.pk, entity._first_report.pk) for entity in rows]
    return written


def _links(plan, entities, reports: list[int], count: int):
    rng = plan.rng
    children = plan.child_ids
    hubs = max(1, int(len(entities) * HUB_SHARE))
    report_type = ContentType.objects.get_for_model(Report)
    by = _user(plan, RoleCode.POLICE_INTELLIGENCE_OFFICER)
    at = dt.datetime.combine(plan.as_of, dt.time(9), tzinfo=dt.UTC)
    seen = set()
    for _ in range(count):
        if rng.random() < HUB_LINKS:
            type_id, entity_id, _ = entities[rng.randrange(hubs)]
        else:
            type_id, entity_id, _ = entities[rng.randrange(len(entities))]
        child_id = children[rng.randrange(len(children))]
        report_id = reports[rng.randrange(len(reports))]
        if (child_id, type_id, entity_id, report_id) in seen:
            continue
        seen.add((child_id, type_id, entity_id, report_id))
        yield ChildLink(
            child_id=child_id,
            entity_type_id=type_id,
            entity_id=entity_id,
            source_type=report_type,
            source_id=str(report_id),
            police_only=True,
            created_by=by,
            created_at=at - dt.timedelta(days=rng.randrange(0, 1095)),
        )


def _mentions(plan, entities):
    """Each entity named by one report (the full report: police-only)."""
    report_type = ContentType.objects.get_for_model(Report)
    for type_id, entity_id, report_id in entities:
        yield Mention(
            entity_type_id=type_id,
            entity_id=entity_id,
            source_type=report_type,
            source_id=str(report_id),
            police_only=True,
        )


def generate(plan) -> None:
    children = len(plan.child_ids)
    if not children:
        return
    reports = _reports(plan, max(1, int(children * REPORTS_PER_CHILD)))
    entities = _entities(plan, children * ENTITIES_PER_CHILD, reports)
    plan.counts["intelligence mentions"] = bulk_insert(Mention, _mentions(plan, entities))
    report_ids = [report.pk for report in reports]
    plan.counts["intelligence child links"] = bulk_insert(
        ChildLink, _links(plan, entities, report_ids, children * LINKS_PER_CHILD)
    )
