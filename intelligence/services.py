"""Passing on intelligence (issue 8, item 1): a report and the entities it names, in one
transaction. Malformed registrations, phone numbers and postcodes are kept as typed and flagged
on the entity (``valid``/``problem``), never refused: a partial plate is still intelligence."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from intelligence import entity_links, linking
from intelligence.models import Location, Mention, Report

FUTURE = "The time seen must be now or in the past"
WHAT_REQUIRED = "Enter what was seen or heard"
PROVENANCE_REQUIRED = "Select how you know this"


def _validate(*, observed_from, observed_to, what_happened, provenance) -> None:
    errors = {}
    now = timezone.now()
    if observed_from is None:
        errors["observed_from"] = "Enter when it was seen or heard"
    elif observed_from > now:
        errors["observed_from"] = FUTURE
    if observed_to is not None:
        if observed_to > now:
            errors["observed_to"] = FUTURE
        elif observed_from is not None and observed_to < observed_from:
            errors["observed_to"] = "The end must be after the start"
    if not (what_happened or "").strip():
        errors["what_happened"] = WHAT_REQUIRED
    if provenance not in Report.Provenance.values:
        errors["provenance"] = PROVENANCE_REQUIRED
    if errors:
        raise ValidationError(errors)


def _has_any(row: dict, *names: str) -> bool:
    return any(str(row.get(name) or "").strip() for name in names)


@transaction.atomic
def report_submit(
    *,
    by,
    observed_from: dt.datetime,
    what_happened: str,
    provenance: str,
    observed_to: dt.datetime | None = None,
    pattern: str = "",
    place: str = "",
    children_mentioned: str = "",
    first_hand: bool = False,
    who_else_knows: str = "",
    risk_to_source: str = "",
    people=(),
    vehicles=(),
    phones=(),
    handles=(),
    locations=(),
) -> Report:
    """A professional's report (the form of domain.md 4.2) with the people of concern, vehicles,
    phones, online handles and locations it names, each recorded under its normalised key
    (intelligence.linking) and mentioned by the report. A report's full content is police-only
    (D12), so are its mentions.

    ``people``: dicts of name, aliases (list), nicknames (list), approximate_age, description;
    ``vehicles``: registration, make, model, colour; ``phones``: numbers; ``handles``: platform,
    handle; ``locations``: premises, kind, address, postcode. Rows with nothing in them are
    skipped."""
    _validate(
        observed_from=observed_from,
        observed_to=observed_to,
        what_happened=what_happened,
        provenance=provenance,
    )
    report = Report.objects.create(
        channel=Report.Channel.FORM,
        submitted_by=by,
        observed_from=observed_from,
        observed_to=observed_to,
        pattern=pattern.strip(),
        place=place.strip(),
        what_happened=what_happened.strip(),
        children_mentioned=children_mentioned.strip(),
        provenance=provenance,
        first_hand=first_hand,
        who_else_knows=who_else_knows.strip(),
        risk_to_source=risk_to_source.strip(),
    )
    entities = entities_record(
        people=people, vehicles=vehicles, phones=phones, handles=handles, locations=locations
    )
    mentions_record(report, entities, police_only=True)
    # The entities one report names are linked to one another, police-only as its mentions are.
    entity_links.entities_link_together(entities=entities, source=report, by=by, police_only=True)
    return report


def entities_record(*, people=(), vehicles=(), phones=(), handles=(), locations=()) -> list:
    """The entities the rows name (as ``report_submit`` takes them), each recorded under its
    normalised key (intelligence.linking); rows with nothing in them are skipped. Shared with
    the links of a case record (intelligence.source_links)."""
    return [
        *_people(people),
        *_vehicles(vehicles),
        *(linking.phone_record(number=n) for n in phones if (n or "").strip()),
        *_handles(handles),
        *_locations(locations),
    ]


def _people(rows):
    return [
        linking.person_record(
            name=row["name"],
            aliases=row.get("aliases") or (),
            nicknames=row.get("nicknames") or (),
            approximate_age=(row.get("approximate_age") or "").strip(),
            description=(row.get("description") or "").strip(),
        )
        for row in rows
        if _has_any(row, "name")
    ]


def _vehicles(rows):
    return [
        linking.vehicle_record(
            registration=row["registration"],
            **{name: (row.get(name) or "").strip() for name in ("make", "model", "colour")},
        )
        for row in rows
        if _has_any(row, "registration")
    ]


def _handles(rows):
    return [
        linking.handle_record(platform=row.get("platform") or "", handle=row["handle"])
        for row in rows
        if _has_any(row, "handle")
    ]


def _locations(rows):
    return [
        linking.location_record(
            premises=(row.get("premises") or "").strip(),
            address=(row.get("address") or "").strip(),
            postcode=(row.get("postcode") or "").strip(),
            kind=row.get("kind") or Location.Kind.OTHER,
        )
        for row in rows
        if _has_any(row, "premises", "address", "postcode")
    ]


def mentions_record(source, entities, *, police_only: bool) -> None:
    """One mention per entity named by ``source`` (a report, or a case record): an entity named
    twice, or named again later by the same record, is mentioned once."""
    source_type = ContentType.objects.get_for_model(source)
    seen = set()
    mentions = []
    for entity in entities:
        entity_type = ContentType.objects.get_for_model(entity)
        if (entity_type.pk, entity.pk) in seen:
            continue
        seen.add((entity_type.pk, entity.pk))
        mentions.append(
            Mention(
                entity_type=entity_type,
                entity_id=entity.pk,
                source_type=source_type,
                source_id=str(source.pk),
                police_only=police_only,
            )
        )
    Mention.objects.bulk_create(mentions, ignore_conflicts=True)
