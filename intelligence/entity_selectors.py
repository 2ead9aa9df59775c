"""Reads for the entity pages and the entity API (issue 8, items 4, 6 and 9; D12).

Finding an entity by what is typed: the text is normalised as the entity's key is
(intelligence/normalise.py) and looked up by key: a registration, a phone number, a handle (on a
platform, or on any), a name or alias, a postcode (with or without the premises name).

What a user sees of an entity (``view_of``), decided once for the pages and the API:
- police-only users (D12): everything;
- Shield team managers, service managers (policy.ALERT_MANAGER_ROLES) and a Shield worker
  allocated to a child linked to the entity: the entity only if some link or mention of it is
  not police-only, and anything resting on police-only intelligence only as "Possible link -
  contact police" (one row, however many lie behind it, so no count is given away);
- everyone else: nothing (a 404).

An entity's profile is read in a fixed number of queries whatever the number of its links."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Exists, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import entity_kinds, linking, normalise
from intelligence.alerts import POSSIBLE_LINK
from intelligence.connections import FULL, PARTNER
from intelligence.models import (
    ChildLink,
    EntityLink,
    Location,
    Mention,
    OnlineHandle,
    Person,
    PersonAlias,
    Phone,
    Report,
    Vehicle,
)
from intelligence.policy import ALERT_MANAGER_ROLES, POLICE_ONLY_ROLES
from referrals.models import Child

SHOWN = 100  # children or linked records shown on a page; more are said to exist
LINK_ROWS = 1000  # entity links read for one entity, newest first
RECENT = 10  # entities offered as "recently viewed" when linking by hand

LIKELY = "Likely the same"
CHILD = "Linked child"


# --- Finding an entity by what is typed ---------------------------------------------------------


def _vehicle(text: str, platform: str) -> Q | None:
    found = normalise.registration(text)
    if not found.key:
        return None
    condition = Q(key=found.key)
    known = sum(1 for character in found.key if character != normalise.UNKNOWN)
    if found.partial and known >= linking.MIN_KNOWN_CHARACTERS:
        # A part plate finds the full plates it may be (the key's pattern index).
        condition |= Q(partial=False, key__like=normalise.registration_like_pattern(found.key))
    return condition


def _phone(text: str, platform: str) -> Q | None:
    found = normalise.phone(text)
    return Q(key=found.key) if found.key else None


def _handle(text: str, platform: str) -> Q | None:
    found = normalise.handle(platform, text)
    code, _, name = found.key.partition(":")
    if not name:
        return None
    if platform.strip() or code != "other":  # the platform is known: the key itself
        return Q(key=found.key)
    keys = [f"{each}:{name}" for each in normalise.PLATFORMS]  # the name on any platform
    number = normalise.phone(name)
    if number.valid:
        keys.append(f"whatsapp:{number.key}")
    return Q(key__in=keys)


def _person(text: str, platform: str) -> Q | None:
    key = normalise.person_name_key(text)
    if not key:
        return None
    return Q(key=key) | Q(pk__in=PersonAlias.objects.filter(key=key).values("person_id"))


def _postcode_in(text: str) -> tuple[normalise.Normalised | None, str]:
    """A postcode at the end of what was typed (the whole of it, or its last one or two
    words), and what comes before it."""
    words = text.replace(",", " ").split()
    for size in (2, 1):
        if len(words) >= size:
            found = normalise.postcode(" ".join(words[-size:]))
            if found.valid:
                return found, " ".join(words[:-size])
    return None, text


def _place(text: str, platform: str) -> Q | None:
    """A postcode finds the places there (with a premises name before it, that place); a
    district or a malformed postcode finds places recorded with it as typed; a name alone finds
    places of that name (a scan of places' keys: the key starts with the postcode)."""
    code, rest = _postcode_in(text)
    if code is not None:
        name = normalise.person_name_key(rest)
        return Q(key=f"{code.key}|{name}") if name else Q(postcode=code.display)
    condition = Q(pk__in=[])
    typed = normalise.postcode(text)
    if typed.key:
        condition |= Q(postcode=typed.display)
    name = normalise.person_name_key(text)
    if name:
        condition |= Q(key=f"|{name}") | Q(key__endswith=f"|{name}")
    return condition


CONDITIONS = {
    Vehicle: _vehicle,
    Phone: _phone,
    OnlineHandle: _handle,
    Person: _person,
    Location: _place,
}


def find(model, text: str, *, platform: str = ""):
    """The entities of one kind that what was typed names, by normalised key (a queryset; none
    if the text names nothing of that kind)."""
    condition = CONDITIONS[model]((text or "").strip(), platform or "")
    return model.objects.filter(condition) if condition is not None else model.objects.none()


def search(text: str, *, kind: str | None = None):
    """Every entity (of ``kind``, a slug, or of every kind) that what was typed names: rows of
    (content type id, id, display, valid, problem), by display. One query (a UNION) for a page;
    Django's paginator counts it with one more."""
    types = entity_kinds.types()
    models = [entity_kinds.SLUGS[kind]] if kind in entity_kinds.SLUGS else list(CONDITIONS)
    queries = [
        find(model, text)
        .order_by()
        .annotate(type_id=Value(types[model].pk, output_field=IntegerField()))
        .values_list("type_id", "pk", "display", "valid", "problem")
        for model in models
    ]
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return union.order_by("display", "type_id", "pk")


class _Named:
    """What a row naming an entity (its ``model`` and ``pk``) offers a page: the kind in words,
    its reference and its page."""

    @property
    def kind(self) -> str:
        return entity_kinds.words(self.model)

    @property
    def ref(self) -> str:
        return entity_kinds.ref(self.model, self.pk)

    @property
    def url(self) -> str:
        return entity_kinds.url(self.model, self.pk)


@dataclass(frozen=True)
class Found(_Named):
    """One row of a search: an entity by its kind and id."""

    type_id: int
    pk: int
    display: str
    valid: bool
    problem: str
    note: str = ""  # why it is offered ("likely the same", "viewed recently")

    @property
    def model(self):
        return entity_kinds.model_of_type()[self.type_id]


# --- Who sees what of an entity ---------------------------------------------------------------


def _links_of(entity_type, pk) -> Q:
    return Q(first_type=entity_type, first_id=pk) | Q(second_type=entity_type, second_id=pk)


def _flags(user, entity) -> dict:
    """Whether some link or mention of ``entity`` is not police-only, and whether it is linked to
    a child allocated to ``user``. One query."""
    entity_type = ContentType.objects.get_for_model(entity)
    mine = ChildLink.objects.filter(entity_type=entity_type, entity_id=OuterRef("pk"))
    from shield.models import Allocation

    return (
        type(entity)
        .objects.filter(pk=entity.pk)
        .annotate(
            shared_child=Exists(mine.filter(police_only=False)),
            shared_link=Exists(
                EntityLink.objects.filter(_links_of(entity_type, OuterRef("pk")), police_only=False)
            ),
            shared_mention=Exists(
                Mention.objects.filter(
                    entity_type=entity_type, entity_id=OuterRef("pk"), police_only=False
                )
            ),
            allocated=Exists(
                mine.filter(child_id__in=Allocation.objects.filter(worker=user).values("child_id"))
            ),
        )
        .values("shared_child", "shared_link", "shared_mention", "allocated")
        .first()
        or {}
    )


def view_of(user, entity) -> str | None:
    """What ``user`` may see of ``entity``: FULL, PARTNER (police-only links as "possible
    link"), or None (a 404). No query for police-only users; one for the others."""
    if not access.is_verified(user):
        return None
    if user.has_role(*POLICE_ONLY_ROLES):
        return FULL
    manager = user.has_role(*ALERT_MANAGER_ROLES)
    if not (manager or user.has_role(RoleCode.SHIELD_WORKER)):
        return None
    flags = _flags(user, entity)
    if not (flags.get("shared_child") or flags.get("shared_link") or flags.get("shared_mention")):
        return None
    return PARTNER if manager or flags.get("allocated") else None


def entity_get(kind: str, pk: int):
    """The entity of this kind (a slug) and id, or None; a person with their other names."""
    model = entity_kinds.SLUGS.get(kind)
    if model is None:
        return None
    queryset = model.objects.filter(pk=pk)
    if model is Person:
        queryset = queryset.prefetch_related("aliases")
    return queryset.first()


# --- An entity's profile ----------------------------------------------------------------------


@dataclass(frozen=True)
class Other(_Named):
    """Another entity: linked to this one (``how``: the relations) or likely the same."""

    model: type
    pk: int
    display: str
    how: str
    police_only: bool = False
    likely: bool = False


@dataclass(frozen=True)
class LinkedChild:
    child: Child
    police_only: bool = False


@dataclass
class Profile:
    """What ``user`` may see of an entity's connections. A masked section has ``*_masked``:
    something there rests on police-only intelligence ("Possible link - contact police")."""

    entity: object
    view: str
    likely: list[Other] = field(default_factory=list)
    likely_masked: bool = False
    children: list[LinkedChild] = field(default_factory=list)
    children_masked: bool = False
    children_more: bool = False
    entities: list[Other] = field(default_factory=list)
    entities_masked: bool = False
    entities_more: bool = False

    @property
    def masked(self) -> bool:
        return self.likely_masked or self.children_masked or self.entities_masked

    @property
    def possible_link(self) -> str:
        return POSSIBLE_LINK if self.masked else ""

    @property
    def kind(self) -> str:
        return entity_kinds.words(type(self.entity))

    @property
    def slug(self) -> str:
        return entity_kinds.SLUG_OF[type(self.entity)]


def _shared_ids(model, ids) -> set:
    """Those of these entities of one kind with some link or mention not police-only: one
    query (a UNION), none for no ids."""
    if not ids:
        return set()
    entity_type = entity_kinds.types()[model]
    parts = [
        ChildLink.objects.filter(entity_type=entity_type, entity_id__in=ids).values_list(
            "entity_id"
        ),
        EntityLink.objects.filter(first_type=entity_type, first_id__in=ids).values_list("first_id"),
        EntityLink.objects.filter(second_type=entity_type, second_id__in=ids).values_list(
            "second_id"
        ),
        Mention.objects.filter(entity_type=entity_type, entity_id__in=ids).values_list("entity_id"),
    ]
    parts = [part.filter(police_only=False).order_by() for part in parts]
    return {pk for (pk,) in parts[0].union(*parts[1:])}


def _likely(entity, view) -> tuple[list[Other], bool]:
    """Likely-same entities (a part plate and the full one, a person and one with their name as
    an alias); for a partner only those with something not police-only, the rest masked."""
    found = linking.likely_same(entity)
    shown = [
        Other(type(other), other.pk, other.display, LIKELY, likely=True)
        for other in sorted(found, key=lambda other: (other.display, other.pk))
    ]
    if view == FULL or not shown:
        return shown, False
    shared = _shared_ids(type(entity), [other.pk for other in shown])
    visible = [other for other in shown if other.pk in shared]
    return visible, len(visible) < len(shown)


def _children(entity_type, pk, view) -> tuple[list[LinkedChild], bool, bool]:
    """The children linked to the entity, by name; for a partner only those linked by something
    not police-only, the rest masked. One query; a second for a partner."""
    links = ChildLink.objects.filter(entity_type=entity_type, entity_id=pk)
    open_links = links.filter(police_only=False)
    children = Child.objects.filter(pk__in=links.values("child_id")).annotate(
        shared=Exists(open_links.filter(child_id=OuterRef("pk")))
    )
    masked = False
    if view != FULL:
        children = children.filter(shared=True)
        masked = (
            links.filter(police_only=True)
            .exclude(child_id__in=open_links.values("child_id"))
            .exists()
        )
    rows = list(children.order_by("family_name", "given_names", "pk")[: SHOWN + 1])
    shown = [LinkedChild(child, police_only=not child.shared) for child in rows[:SHOWN]]
    return shown, masked, len(rows) > SHOWN


def _entities(entity_type, pk, view) -> tuple[list[Other], bool, bool]:
    """The entities linked to this one, each with its relations, police-only if every link to it
    is; for a partner only the others, the rest masked. Two queries: the links (the newest
    ``LINK_ROWS``), and the other ends' displays."""
    rows = (
        EntityLink.objects.filter(_links_of(entity_type, pk))
        .order_by("-created_at", "-id")
        .values_list(
            "first_type_id", "first_id", "second_type_id", "second_id", "relation", "police_only"
        )[:LINK_ROWS]
    )
    relations: dict = defaultdict(list)
    police: dict = {}
    for first_type, first_id, second_type, second_id, relation, police_only in rows:
        other = (
            (second_type, second_id)
            if (first_type, first_id) == (entity_type.pk, pk)
            else (first_type, first_id)
        )
        label = EntityLink.Relation(relation).label
        if label not in relations[other]:
            relations[other].append(label)
        police[other] = police.get(other, True) and police_only
    visible = [other for other in relations if view == FULL or not police[other]]
    masked = len(visible) < len(relations)
    model_of = entity_kinds.model_of_type()
    ids = defaultdict(set)
    for type_id, other_id in visible:
        ids[model_of[type_id]].add(other_id)
    displays = entity_kinds.displays(ids)
    shown = sorted(
        (
            Other(
                model_of[key[0]],
                key[1],
                displays.get(key, ""),
                ", ".join(relations[key]),
                police_only=police[key],
            )
            for key in visible
            if key in displays
        ),
        key=lambda other: (other.kind, other.display, other.pk),
    )
    return shown[:SHOWN], masked, len(shown) > SHOWN


def profile(entity, view: str) -> Profile:
    """The entity's likely-same entities, the children and the entities linked to it, as a
    user with ``view`` may see them. A fixed number of queries whatever the number of links."""
    entity_type = ContentType.objects.get_for_model(entity)
    likely, likely_masked = _likely(entity, view)
    children, children_masked, children_more = _children(entity_type, entity.pk, view)
    entities, entities_masked, entities_more = _entities(entity_type, entity.pk, view)
    return Profile(
        entity=entity,
        view=view,
        likely=likely,
        likely_masked=likely_masked,
        children=children,
        children_masked=children_masked,
        children_more=children_more,
        entities=entities,
        entities_masked=entities_masked,
        entities_more=entities_more,
    )


# --- The reports naming an entity -------------------------------------------------------------


def reports_naming(entity, user, view: str):
    """The reports that name ``entity``, newest first, as ``user`` may see them, and whether
    others are hidden from them (masked: "possible link"). A police-only user sees every one; a
    partner the ones they submitted and those police shared with partners whose naming of the
    entity is not police-only: never a police-only report. The queryset, and one query for a
    partner."""
    mentions = Mention.objects.filter(
        entity_type=ContentType.objects.get_for_model(entity),
        entity_id=entity.pk,
        source_type=ContentType.objects.get_for_model(Report),
    )

    def report_ids(rows):
        return rows.annotate(report_id=Cast("source_id", BigIntegerField())).values("report_id")

    reports = Report.objects.filter(pk__in=report_ids(mentions)).order_by("-submitted_at", "-id")
    if view == FULL:
        return reports, False
    visible = Q(submitted_by=user) | Q(
        shared_with_partners_at__isnull=False,
        pk__in=report_ids(mentions.filter(police_only=False)),
    )
    return reports.filter(visible), reports.exclude(visible).exists()


# --- Linking by hand: the entities offered ------------------------------------------------------


def recently_viewed(user, *, exclude) -> list[Found]:
    """The entities ``user`` opened most recently (from the access log), newest first, without
    ``exclude``: two queries."""
    labels = {model._meta.label_lower: model for model in entity_kinds.SLUGS.values()}
    events = (
        AccessEvent.objects.filter(
            user=user, action=AccessEvent.Action.VIEW, object_type__in=list(labels)
        )
        .order_by("-id")
        .values_list("object_type", "object_id")[: RECENT * 5]
    )
    seen: list = []
    for label, object_id in events:
        key = (labels[label], int(object_id))
        if key not in seen and key != (type(exclude), exclude.pk):
            seen.append(key)
    seen = seen[:RECENT]
    ids = defaultdict(set)
    for model, pk in seen:
        ids[model].add(pk)
    types = entity_kinds.types()
    displays = entity_kinds.displays(ids)
    return [
        Found(types[model].pk, pk, displays[(types[model].pk, pk)], True, "", "viewed recently")
        for model, pk in seen
        if (types[model].pk, pk) in displays
    ]


def link_offers(entity, user) -> list[Found]:
    """The entities offered when linking ``entity`` by hand: those likely the same as it, then
    those ``user`` viewed most recently. Police-only users only (they see every entity)."""
    types = entity_kinds.types()
    likely = [
        Found(types[type(other)].pk, other.pk, other.display, other.valid, other.problem, LIKELY)
        for other in linking.likely_same(entity)
    ]
    known = {(found.type_id, found.pk) for found in likely}
    recent = recently_viewed(user, exclude=entity)
    return [*likely, *(found for found in recent if (found.type_id, found.pk) not in known)]
