"""A child's connections within two steps (issue 8, items 5 and 6; D12).

From a child to each entity it is linked to (a person, a place, a vehicle, a phone, an online
handle), and on to every other child linked to the same entity or to a likely-same one (a partial
plate that may be the full one, a person whose alias is this name). Read in a fixed number of
queries whatever the number of links (at most eight): the child's links, the entities, the
likely-same vehicles and people, and the other children's links.

D12: a connection resting on police-only intelligence is shown in full only to police-only users;
to the Shield team managers, service managers and the child's Shield worker it reads only
"Possible link - contact police"; other roles see nothing of a child's connections.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from intelligence import normalise
from intelligence.alerts import ENTITY_KINDS, POSSIBLE_LINK
from intelligence.entity_kinds import displays as entity_displays
from intelligence.linking import MIN_KNOWN_CHARACTERS
from intelligence.models import ENTITY_MODELS, ChildLink, Person, PersonAlias, Vehicle
from intelligence.policy import ALERT_MANAGER_ROLES, POLICE_ONLY_ROLES

SAME = "same"
LIKELY_SAME = "likely same"
HOW = {SAME: "The same", LIKELY_SAME: "Likely the same"}

# What a user may see of a child's connections.
FULL = "full"  # every connection, police-only ones too
PARTNER = "partner"  # police-only connections as "possible link - contact police"


@dataclass(frozen=True)
class Row:
    """One connection: the child's entity, the other child's (the same one, or a likely-same
    one) and the other child. A masked row has only ``masked`` and ``label``."""

    kind: str = ""  # "vehicle", "online handle"...
    entity_key: tuple = ()  # (content type id, entity id): a node of the network
    entity_display: str = ""
    matched_display: str = ""  # the other child's entity, if likely-same
    matched_key: tuple = ()  # (content type id, entity id) of that likely-same entity
    other_child: object = None
    how: str = ""
    police_only: bool = False
    masked: bool = False

    @property
    def label(self) -> str:
        return POSSIBLE_LINK if self.masked else HOW[self.how]


def view_of(user, child) -> str | None:
    """What ``user`` may see of ``child``'s connections: FULL, PARTNER or None (a 404)."""
    if not access.is_verified(user):
        return None
    if user.has_role(*POLICE_ONLY_ROLES):
        return FULL
    if user.has_role(*ALERT_MANAGER_ROLES):
        return PARTNER
    if user.has_role(RoleCode.SHIELD_WORKER):
        from shield.models import Allocation

        if Allocation.objects.filter(worker=user, child_id=child.pk).exists():
            return PARTNER
    return None


def _kind(model) -> str:
    return ENTITY_KINDS.get(model._meta.model_name, "record")


def _likely_vehicles(vehicles: dict) -> dict:
    """For the child's vehicles (id -> key, partial), the likely-same vehicles: entity id ->
    [(other id, display)]. One query."""
    condition = Q(pk__in=[])
    for key, partial in vehicles.values():
        if partial:
            if sum(1 for c in key if c != "?") >= MIN_KNOWN_CHARACTERS:
                pattern = normalise.registration_like_pattern(key)
                condition |= Q(partial=False, key__like=pattern)
        else:
            condition |= Q(partial=True, prefix__in=normalise.registration_prefixes(key))
    if not vehicles:
        return {}
    candidates = list(
        Vehicle.objects.filter(condition)
        .exclude(pk__in=vehicles)
        .values_list("pk", "key", "partial", "display")
    )
    found = defaultdict(list)
    for pk, (key, partial) in vehicles.items():
        for other, other_key, other_partial, display in candidates:
            if other_partial == partial:
                continue
            partial_key = other_key if other_partial else key
            if sum(1 for c in partial_key if c != "?") < MIN_KNOWN_CHARACTERS:
                continue
            if normalise.registration_matches(other_key, key):
                found[pk].append((other, display))
    return found


def _likely_people(ids) -> dict:
    """For the child's people of concern, the people who may be them (a name one has that the
    other has too, as a name or an alias): entity id -> [(other id, display)]. Two queries."""
    if not ids:
        return {}
    names = defaultdict(set)
    for pk, key, alias in Person.objects.filter(pk__in=ids).values_list(
        "pk", "key", "aliases__key"
    ):
        names[pk] |= {key} | ({alias} if alias else set())
    every = set().union(*names.values())
    others = defaultdict(set)
    displays = {}
    rows = (
        Person.objects.filter(Q(key__in=every) | Q(aliases__key__in=every))
        .exclude(pk__in=ids)
        .values_list("pk", "key", "display")
        .distinct()
    )
    for pk, key, display in rows:
        others[pk].add(key)
        displays[pk] = display
    for pk, alias in PersonAlias.objects.filter(person_id__in=list(others)).values_list(
        "person_id", "key"
    ):
        others[pk].add(alias)
    return {
        pk: [(other, displays[other]) for other, theirs in others.items() if theirs & own]
        for pk, own in names.items()
    }


def _own(child, model_of) -> tuple[dict, dict]:
    """The child's entities: (content type id, id) -> whether the child's link to it rests only
    on police-only intelligence; and model -> ids. One query."""
    own_police: dict = {}
    for type_id, entity_id, police_only in ChildLink.objects.filter(child_id=child.pk).values_list(
        "entity_type_id", "entity_id", "police_only"
    ):
        key = (type_id, entity_id)
        own_police[key] = own_police.get(key, True) and police_only
    ids_by_type = defaultdict(set)
    for type_id, entity_id in own_police:
        ids_by_type[model_of[type_id]].add(entity_id)
    return own_police, ids_by_type


def _targets(own_police, ids_by_type, types) -> dict:
    """The entities another child may be linked to: (content type id, id) -> [(the child's
    entity, SAME or LIKELY_SAME, the display and key of a likely-same one)]. Up to three
    queries."""
    targets = defaultdict(list)
    for key in own_police:
        targets[key].append((key, SAME, "", ()))
    likely = []
    vehicle_ids = ids_by_type.get(Vehicle)
    if vehicle_ids:
        vehicles = {
            pk: (key, partial)
            for pk, key, partial in Vehicle.objects.filter(pk__in=vehicle_ids).values_list(
                "pk", "key", "partial"
            )
        }
        likely.append((Vehicle, _likely_vehicles(vehicles)))
    likely.append((Person, _likely_people(ids_by_type.get(Person))))
    for model, found in likely:
        type_id = types[model].pk
        for pk, matches in found.items():
            for other, display in matches:
                targets[(type_id, other)].append(
                    ((type_id, pk), LIKELY_SAME, display, (type_id, other))
                )
    return targets


def _others(child, targets) -> tuple[dict, dict]:
    """The other children's links to the target entities: (the child's entity, how, display and
    key of a likely-same one, other child id) -> whether every path rests on police-only
    intelligence; and the other children by id. One query."""
    condition = Q(pk__in=[])
    by_type = defaultdict(set)
    for type_id, entity_id in targets:
        by_type[type_id].add(entity_id)
    for type_id, entity_ids in by_type.items():
        condition |= Q(entity_type_id=type_id, entity_id__in=entity_ids)
    links = (
        ChildLink.objects.filter(condition)
        .exclude(child_id=child.pk)
        .select_related("child")
        .only(
            "entity_type_id",
            "entity_id",
            "police_only",
            "child__id",
            "child__given_names",
            "child__family_name",
            "child__date_of_birth",
        )
    )
    found: dict = {}
    children = {}
    for link in links:
        children[link.child_id] = link.child
        for own_key, how, display, matched in targets[(link.entity_type_id, link.entity_id)]:
            key = (own_key, how, display, matched, link.child_id)
            found[key] = found.get(key, True) and link.police_only
    return found, children


def child_connections(child, user) -> list[Row]:
    """The other children and entities connected to ``child`` within two steps, as ``user`` may
    see them (``view_of``; nothing for a user who may not). Police-only connections are masked
    for partners (one "possible link" row however many there are). In a fixed number of
    queries whatever the number of links: at most eight."""
    view = view_of(user, child)
    if view is None:
        return []
    types = ContentType.objects.get_for_models(*ENTITY_MODELS)
    model_of = {ct.pk: model for model, ct in types.items()}
    own_police, ids_by_type = _own(child, model_of)
    if not own_police:
        return []
    displays = entity_displays(ids_by_type)
    found, children = _others(child, _targets(own_police, ids_by_type, types))
    rows = []
    masked = False
    for (own_key, how, display, matched, child_id), their_police_only in found.items():
        police_only = their_police_only or own_police[own_key]
        if police_only and view != FULL:
            masked = True
            continue
        rows.append(
            Row(
                kind=_kind(model_of[own_key[0]]),
                entity_key=own_key,
                entity_display=displays.get(own_key, ""),
                matched_display=display,
                matched_key=matched,
                other_child=children[child_id],
                how=how,
                police_only=police_only,
            )
        )
    rows.sort(key=lambda row: (row.kind, row.entity_display, str(row.other_child), row.how))
    if masked:
        rows.append(Row(masked=True, police_only=True))
    return rows


__all__ = ["FULL", "LIKELY_SAME", "PARTNER", "SAME", "Row", "child_connections", "view_of"]
