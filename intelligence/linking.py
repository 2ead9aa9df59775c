"""Entities and the links between children they reveal (issue 8, items 4 and 5).

Each entity is recorded once under its normalised key (intelligence/normalise.py): the same phone,
handle or full plate entered differently is the same row. A link joins a child to an entity by the
record that named it; each new link looks for every other child linked to the same entity, or to
a likely-same one (a partial plate that may be the full one, a person whose alias is this name),
and raises one "children linked" alert per new connection. Both are indexed lookups.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q

from intelligence import normalise
from intelligence.models import (
    ChildLink,
    LinkAlert,
    Location,
    OnlineHandle,
    Person,
    PersonAlias,
    Phone,
    Vehicle,
)


def _type(obj_or_model) -> ContentType:
    return ContentType.objects.get_for_model(obj_or_model)


# --- Recording entities -----------------------------------------------------------------------


def _fields(result: normalise.Normalised) -> dict:
    return {"display": result.display, "valid": result.valid, "problem": result.problem}


def vehicle_record(
    *, registration: str, make: str = "", model: str = "", colour: str = ""
) -> Vehicle:
    """The vehicle with this registration (a full plate is one row however it was typed; each
    partial plate is its own row, as two partials may be different cars)."""
    result = normalise.registration(registration)
    details = {"make": make, "model": model, "colour": colour}
    if not result.partial:
        vehicle, created = Vehicle.objects.get_or_create(
            key=result.key,
            partial=False,
            defaults={**_fields(result), **details, "prefix": result.key},
        )
        if not created:
            changed = {
                name: value
                for name, value in details.items()
                if value and not getattr(vehicle, name)
            }
            if changed:
                for name, value in changed.items():
                    setattr(vehicle, name, value)
                vehicle.save()
        return vehicle
    return Vehicle.objects.create(
        key=result.key,
        partial=True,
        prefix=normalise.registration_known_prefix(result.key),
        **_fields(result),
        **details,
    )


def phone_record(*, number: str) -> Phone:
    result = normalise.phone(number)
    return Phone.objects.get_or_create(key=result.key, defaults=_fields(result))[0]


def handle_record(*, platform: str, handle: str) -> OnlineHandle:
    result = normalise.handle(platform, handle)
    platform_code, _, name = result.key.partition(":")
    return OnlineHandle.objects.get_or_create(
        key=result.key,
        defaults={**_fields(result), "platform": platform_code, "handle": name},
    )[0]


def location_record(
    *, premises: str = "", address: str = "", postcode: str = "", kind: str = Location.Kind.OTHER
) -> Location:
    """A place: the same premises name at the same postcode is the same place."""
    code = normalise.postcode(postcode) if postcode else None
    name_key = normalise.person_name_key(premises or address)
    key = f"{code.key if code else ''}|{name_key}"
    display = ", ".join(part for part in (premises, address, code.display if code else "") if part)
    return Location.objects.get_or_create(
        key=key,
        defaults={
            "display": display or key,
            "valid": code.valid if code else True,
            "problem": code.problem if code else "",
            "kind": kind,
            "premises": premises,
            "address": address,
            "postcode": code.display if code else "",
        },
    )[0]


def person_record(
    *, name: str, aliases=(), nicknames=(), approximate_age: str = "", description: str = ""
) -> Person:
    """A person of concern as named in one record: people are not merged by name (two men called
    'Jay' are not one), but a name that is another person's alias makes them likely-same."""
    person = Person.objects.create(
        key=normalise.person_name_key(name),
        display=name.strip(),
        name=name.strip(),
        approximate_age=approximate_age,
        description=description,
    )
    PersonAlias.objects.bulk_create(
        [
            PersonAlias(
                person=person, kind=kind, name=other.strip(), key=normalise.person_name_key(other)
            )
            for kind, names in (
                (PersonAlias.Kind.ALIAS, aliases),
                (PersonAlias.Kind.NICKNAME, nicknames),
            )
            for other in names
            if other.strip()
        ]
    )
    return person


# --- Likely-same entities ---------------------------------------------------------------------

# A partial plate knowing fewer characters than this ("A", "AB?") would link a child to every car
# starting so: it is kept as intelligence, but raises no "children linked" alert.
MIN_KNOWN_CHARACTERS = 4


def _known(key: str) -> int:
    return sum(1 for character in key if character != "?")


def likely_same(entity: models.Model) -> list[models.Model]:
    """Other entities that may be this one: for a plate, the partial plates it fits (or, for a
    partial, the full plates that fit it); for a person, those who have this name as an alias or
    whose name is one of this person's aliases. One indexed query."""
    if isinstance(entity, Vehicle):
        if entity.partial:
            if _known(entity.key) < MIN_KNOWN_CHARACTERS:
                return []
            pattern = normalise.registration_like_pattern(entity.key)
            return list(Vehicle.objects.filter(partial=False, key__like=pattern))
        # A partial fits a full plate only if the plate starts with what the partial knows.
        candidates = Vehicle.objects.filter(
            partial=True, prefix__in=normalise.registration_prefixes(entity.key)
        )
        return [
            partial
            for partial in candidates
            if _known(partial.key) >= MIN_KNOWN_CHARACTERS
            and normalise.registration_matches(partial.key, entity.key)
        ]
    if isinstance(entity, Person):
        names = {entity.key, *entity.aliases.values_list("key", flat=True)}
        return list(
            Person.objects.filter(Q(key__in=names) | Q(aliases__key__in=names))
            .exclude(pk=entity.pk)
            .distinct()
        )
    return []


# --- Links and alerts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Connection:
    other_child_id: object
    matched: models.Model  # the entity the other child is linked to (this one, or a likely-same)
    likely: bool
    police_only: bool


def connections(link: ChildLink, same: list | None = None) -> list[Connection]:
    """Every other child linked to the link's entity, or to a likely-same one (``same``: the
    entity and those likely the same, if already found): one query per kind of match, through
    the index of links by entity."""
    same = same if same is not None else _same(link.entity)
    found = []
    for index, matched in enumerate(same):
        rows = ChildLink.objects.filter(entity_type=_type(matched), entity_id=matched.pk).exclude(
            child_id=link.child_id
        )
        for row in rows.only("child_id", "police_only"):
            found.append(
                Connection(row.child_id, matched, index > 0, row.police_only or link.police_only)
            )
    return found


def _same(entity: models.Model) -> list[models.Model]:
    """The entity, then every entity likely the same (one car, as its full and partial plates)."""
    return [entity, *likely_same(entity)]


def _raised(child_id, others: set) -> set:
    """The connections already alerted between ``child_id`` and ``others``: (other child,
    content type id, entity id) for each entity (either end) an alert rests on. One query."""
    if not others:
        return set()
    rows = LinkAlert.objects.filter(
        Q(first_child_id=child_id, second_child_id__in=others)
        | Q(second_child_id=child_id, first_child_id__in=others)
    ).values_list(
        "first_child_id",
        "second_child_id",
        "entity_type",
        "entity_id",
        "matched_type",
        "matched_id",
    )
    raised = set()
    for first, second, entity_type, entity_id, matched_type, matched_id in rows:
        other = second if first == child_id else first
        raised |= {(other, entity_type, entity_id), (other, matched_type, matched_id)}
    return raised


@transaction.atomic
def child_link(
    *, child, entity: models.Model, source: models.Model, by, police_only: bool = False
) -> tuple[ChildLink, list[LinkAlert]]:
    """Join ``child`` to ``entity`` by ``source`` (idempotent), and raise a "children linked"
    alert for each new connection it makes (never a second one for the same connection: the
    same two children through this entity, or through the likely-same one it matched)."""
    link, created = ChildLink.objects.get_or_create(
        child=child,
        entity_type=_type(entity),
        entity_id=entity.pk,
        source_type=_type(source),
        source_id=str(source.pk),
        defaults={"police_only": police_only, "created_by": by},
    )
    if not created:
        return link, []
    # One connection is two children through one thing: this entity or any likely the same
    # (a car seen as its full plate and as a partial one), so an alert already raised through
    # any of them is not raised again.
    same = _same(entity)
    found = connections(link, same)
    raised = _raised(link.child_id, {connection.other_child_id for connection in found})
    group = {(_type(each).pk, each.pk) for each in same}
    alerts = []
    for connection in found:
        other = connection.other_child_id
        if any((other, *key) in raised for key in group):
            continue
        first, second = sorted([link.child_id, other], key=str)
        alert, new = LinkAlert.objects.get_or_create(
            first_child_id=first,
            second_child_id=second,
            entity_type=_type(entity),
            entity_id=entity.pk,
            defaults={
                "matched_type": _type(connection.matched),
                "matched_id": connection.matched.pk,
                "likely": connection.likely,
                "police_only": connection.police_only,
            },
        )
        if new:
            alerts.append(alert)
        raised |= {(other, *key) for key in group}
    return link, alerts
