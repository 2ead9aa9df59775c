"""Links from case records (issue 8, items 4 and 5): the people, places, vehicles, phones and
online handles that a CSE1, a strategy discussion or meeting, a CSE2 or a MACSE agenda item names,
recorded as entities (the same rows and rules as a report's: intelligence.services), mentioned by
the record and linked to the record's child, so that a car named at one child's strategy
discussion raises a "children linked" alert with the child a school's report named it for.

Who may record them: whoever may change the record under its own app's policy (MASH and EDT for a
CSE1 whose child is confirmed; for a strategy record, who records it, and a team manager or its
chair once held; for a CSE2, who completes one; for a MACSE item about a child, the administrator
and the chair, and only police-only users when the item is police-only). The caller reads the
record through the access mechanism first: ``may_record`` adds what changing it needs.

Malformed registrations, phone numbers and postcodes are kept as typed and flagged on the entity
(``valid``/``problem``), never refused. Recording is idempotent: naming the same plate, phone or
handle twice from one record makes one link, and a part plate or a person named again from the
same record is the one recorded before (each is otherwise a row of its own, linking.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from cse_framework import access
from intelligence import connections, normalise, selectors, services
from intelligence.alerts import child_link_and_alert
from intelligence.models import ChildLink, Person, Vehicle

NOTHING = "Enter at least one person, vehicle, phone number, online handle or place"
NO_CHILD = "This record is not about a confirmed child, so nothing can be linked to one"
LINK_TEXT = "People, places, vehicles and online handles named"
CONNECTIONS_TEXT = "Connections to other children"


def _referral_may(user, referral) -> bool:
    from referrals import policy
    from referrals.models import Referral

    return (
        referral.status != Referral.Status.DRAFT
        and referral.child_id is not None
        and access.has_role(user, policy.TRIAGE_ROLES)
    )


def _strategy_may(user, record) -> bool:
    from strategy import policy

    if access.has_role(user, policy.RECORD_ROLES):
        return True
    return (
        record.held_at is not None and access.is_verified(user) and policy.can_amend(user, record)
    )


def _assessment_may(user, assessment) -> bool:
    from shield import policy

    # The CSE2 was read through the access mechanism: what assessing needs besides is the role.
    return access.is_verified(user) and policy.may(user, policy.ASSESS)


def _item_may(user, item) -> bool:
    from macse import policy

    if item.child_id is None:
        return False
    if item.police_only and not policy.sees_police_only(user):
        return False
    return access.check(user, policy.DECIDE, item)


def _referral_texts(referral) -> list[tuple[str, str]]:
    """What the CSE1 says in free text of the people, places and vehicles it knows of: too loose
    to read into records, so shown beside the form for MASH to record."""
    texts = [
        ("People named in the CSE1", referral.known_people),
        ("Places named in the CSE1", referral.known_places),
        ("Vehicles named in the CSE1", referral.known_vehicles),
    ]
    return [(label, text) for label, text in texts if (text or "").strip()]


@dataclass(frozen=True)
class SourceKind:
    """A kind of case record that names entities: its slug in the links page's URL."""

    slug: str
    model_label: str  # "app_label.ModelName"
    label: str  # what the page calls it
    may: Callable  # (user, record) -> whether the user may record links from it
    related: tuple = ("child",)  # read with the record for the page
    police_only: Callable = field(default=lambda record: False)
    texts: Callable = field(default=lambda record: [])

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model_label)


KINDS = {
    kind.slug: kind
    for kind in (
        SourceKind(
            "cse1",
            "referrals.Referral",
            "CSE1 referral",
            _referral_may,
            texts=_referral_texts,
        ),
        SourceKind(
            "strategy-discussion",
            "strategy.StrategyDiscussion",
            "strategy discussion",
            _strategy_may,
            related=("child", "referral"),
        ),
        SourceKind(
            "strategy-meeting",
            "strategy.StrategyMeeting",
            "strategy meeting",
            _strategy_may,
            related=("child", "referral"),
        ),
        SourceKind("cse2", "shield.Assessment", "CSE2 assessment", _assessment_may),
        SourceKind(
            "macse-item",
            "macse.AgendaItem",
            "MACSE agenda item",
            _item_may,
            related=("child", "meeting"),
            # D12: an item drawn from police-only intelligence shows only to police-only users,
            # and so do the links it makes.
            police_only=lambda item: item.police_only,
        ),
    )
}


def kind_of(record) -> SourceKind | None:
    label = record._meta.label
    return next((kind for kind in KINDS.values() if kind.model_label == label), None)


def may_record(user, record) -> bool:
    """Whether ``user`` may record the entities ``record`` names and link them to its child. The
    caller has read ``record`` through the access mechanism (its scope is not asked again)."""
    kind = kind_of(record)
    return (
        kind is not None
        and getattr(record, "child_id", None) is not None
        and kind.may(user, record)
    )


def links_url(record) -> str:
    return reverse(
        "intelligence:source-links", kwargs={"source": kind_of(record).slug, "pk": record.pk}
    )


# --- Reading what a record has linked ---------------------------------------------------------


def _links_of(record) -> models.QuerySet:
    return ChildLink.objects.filter(
        source_type=ContentType.objects.get_for_model(record), source_id=str(record.pk)
    )


def linked(record) -> list[tuple[str, models.Model]]:
    """The entities ``record`` has linked to its child (from this page, or the vehicles of a
    CSE1 linked when MASH confirmed the child), each with the name of its kind, people first:
    the links, then one query per kind linked."""
    return selectors.entities_named(_links_of(record).values_list("entity_type_id", "entity_id"))


def linked_count(model: type[models.Model]) -> Subquery:
    """How many entities a record of ``model`` has linked, as an annotation on a query of such
    records (so a page reads it with the record, not in a query of its own). For a model whose
    key is an integer: the link stores the record's key as text."""
    links = (
        ChildLink.objects.filter(
            source_type__app_label=model._meta.app_label,
            source_type__model=model._meta.model_name,
            source_id=Cast(OuterRef("pk"), CharField()),
        )
        .order_by()
        .values("source_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(links), 0)


def page_link(user, record, *, count: int | None = None) -> dict | None:
    """The link to the record's links page, with how many entities it has linked, for a user who
    may record them (None for anyone else). ``count``: already read (``linked_count``), else one
    query."""
    if not may_record(user, record):
        return None
    if count is None:
        count = _links_of(record).count()
    return {"url": links_url(record), "count": count, "text": LINK_TEXT}


def connections_url(user, child) -> str:
    """The child's connections page, for a user intelligence.connections lets see it, else ""."""
    if child is None or connections.view_of(user, child) is None:
        return ""
    return reverse("intelligence:child-connections", kwargs={"pk": child.pk})


# --- Recording --------------------------------------------------------------------------------


def _already(record) -> dict:
    """The part plates and the people ``record`` has linked, by (model, key): named again from
    the same record, each is the one recorded before, not a new row."""
    links = _links_of(record)
    found = {}
    for model, condition in ((Vehicle, {"partial": True}), (Person, {})):
        ids = links.filter(entity_type=ContentType.objects.get_for_model(model)).values("entity_id")
        for entity in model.objects.filter(pk__in=ids, **condition):
            found.setdefault((model, entity.key), entity)
    return found


def _part_plate_key(row: dict) -> str | None:
    text = (row.get("registration") or "").strip()
    result = normalise.registration(text) if text else None
    return result.key if result is not None and result.partial else None


def _person_key(row: dict) -> str | None:
    return normalise.person_name_key(row.get("name") or "") or None


def _split(rows, model, key_of, already: dict) -> tuple[list[dict], list[models.Model]]:
    """The rows to record, and the entities already recorded from the record that the others
    name; a row naming the same part plate or person as an earlier row is left out (the earlier
    row records it)."""
    fresh, known, seen = [], [], set()
    for row in rows:
        key = key_of(row)
        if key is None:
            fresh.append(row)
        elif (model, key) in already:
            known.append(already[(model, key)])
        elif key not in seen:
            seen.add(key)
            fresh.append(row)
    return fresh, known


@transaction.atomic
def links_record(
    *, record, by, people=(), vehicles=(), phones=(), handles=(), locations=()
) -> list[models.Model]:
    """Record the entities ``record`` names (the rows as intelligence.services.entities_record
    takes them), mention each by the record, and link each to the record's child
    (intelligence.alerts.child_link_and_alert: a "children linked" alert, and its notices, once
    per new connection). The caller has checked ``may_record``. Returns the entities named."""
    kind = kind_of(record)
    if kind is None or getattr(record, "child_id", None) is None:
        raise ValidationError(NO_CHILD)
    already = _already(record)
    people, known_people = _split(people, Person, _person_key, already)
    vehicles, known_vehicles = _split(vehicles, Vehicle, _part_plate_key, already)
    entities = [
        *known_people,
        *known_vehicles,
        *services.entities_record(
            people=people, vehicles=vehicles, phones=phones, handles=handles, locations=locations
        ),
    ]
    if not entities:
        raise ValidationError(NOTHING)
    police_only = bool(kind.police_only(record))
    services.mentions_record(record, entities, police_only=police_only)
    seen = set()
    for entity in entities:
        if (type(entity), entity.pk) in seen:
            continue
        seen.add((type(entity), entity.pk))
        child_link_and_alert(
            child=record.child, entity=entity, source=record, by=by, police_only=police_only
        )
    return list({(type(entity), entity.pk): entity for entity in entities}.values())
