"""What disposal erases, declared once: for each model about a child (or an intelligence report),
the fields that hold personal data or free text, and what they become.

Rules (docs/ig/retention.md):

- names, addresses, postcodes, phones, e-mails, schools, identifiers and every free-text
  narrative become "[erased]" (blank stays blank, so "was anything recorded" still counts: the
  quarterly return counts a child "placed by another authority" by a non-blank field);
- phonetic name keys and e-mail addresses become blank;
- a date of birth becomes the first day of its month: a child's age at every month's end is
  unchanged, so the quarterly return's age bands for past quarters are unchanged;
- coded fields (sex, ethnicity, disability, statuses, decisions, scores, bands) and dates are
  kept, so every aggregate still counts the record;
- the django-simple-history rows of every model are erased the same way (they are full copies),
  and kept as rows, so the returns that read the records "as they stood" still count them;
- links that exist only to connect (possible matches, child-entity links and alerts, mentions
  made by the erased record) are deleted; an entity (person, place, vehicle...) left with no
  mention at all is erased;
- the access log (``audit.AccessEvent``) is never touched: it holds ids and no content.

A completed CSE2 and a completed case note are protected by database triggers; the erasure runs
inside an ``ErasureGate`` (models.py, migration 0003), the one way past them, and saves rows with
``Model.save`` itself, past the models' own refusal to change them. Nothing else may do either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Q, Value, When

from cse_framework.timescales.models import Deadline
from governance.breakglass.models import Grant
from governance.subject_access.models import Redaction, SubjectAccessPack, SubjectAccessRequest
from intelligence.models import (
    ChildLink,
    EntityLink,
    LinkAlert,
    Location,
    Mention,
    OnlineHandle,
    Person,
    PersonAlias,
    Phone,
    Report,
    Vehicle,
)
from macse.models import Action, ActionProgress, AgendaItem, CohortEntry, Plan, PlanVersion
from referrals.models import (
    Child,
    ChildAlias,
    ChildIdentifier,
    ChildMatch,
    ChildMerge,
    IndicatorResponse,
    Marf,
    MarfPerson,
    ParentCarer,
    PlacingAuthorityContact,
    Referral,
)
from shield.models import (
    Allocation,
    Assessment,
    AssessmentAttendee,
    BandOverride,
    CaseNote,
    CategoryScore,
    Flag,
    Incident,
    MissingEpisode,
    MonitoringRecord,
    ShieldCase,
)
from strategy.models import AgreedAction, Amendment, StrategyDiscussion, StrategyMeeting

ERASED = "[erased]"
CHANGE_REASON = "Erased under the retention schedule"


@dataclass(frozen=True)
class Part:
    """One model's share of a record: which rows (``where``, given the record's ids) and what
    becomes of their fields."""

    model: type[models.Model]
    where: object  # callable(ids) -> Q
    erase: tuple[str, ...] = ()  # "[erased]" where not blank
    blank: tuple[str, ...] = ()  # ""
    nulls: tuple[str, ...] = ()  # None
    values: dict = field(default_factory=dict)  # field -> the value it becomes
    coarsen: tuple[str, ...] = ()  # a date -> the first of its month
    unique: tuple[str, ...] = ()  # "[erased <pk>]" (a unique column); "[erased]" in history

    @property
    def names(self) -> tuple[str, ...]:
        return (
            *self.erase,
            *self.blank,
            *self.nulls,
            *self.values,
            *self.coarsen,
            *self.unique,
        )


def _by(path: str):
    return lambda ids: Q(**{f"{path}__in": ids})


def _either(*paths: str):
    def where(ids):
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path}__in": ids})
        return condition

    return where


CHILD_PARTS: tuple[Part, ...] = (
    Part(
        Child,
        _by("pk"),
        erase=(
            "given_names",
            "family_name",
            "disability_details",
            "address",
            "postcode",
            "school",
            "placing_authority",
        ),
        blank=("family_name_key", "given_name_key"),
        coarsen=("date_of_birth",),
    ),
    Part(ChildAlias, _by("child"), erase=("name",), blank=("name_key",)),
    Part(ParentCarer, _by("child"), erase=("name", "relationship", "phone", "address")),
    Part(ChildIdentifier, _by("child"), unique=("value",)),
    Part(
        Referral,
        _by("child"),
        erase=(
            "child_given_names",
            "child_family_name",
            "child_other_names",
            "child_address",
            "child_postcode",
            "child_school",
            "child_disability",
            "child_social_worker_name",
            "child_placing_authority",
            "referrer_name",
            "referrer_job_title",
            "referrer_phone",
            "circumstances",
            "observations",
            "known_people",
            "known_vehicles",
            "known_places",
            "consent_override_reason",
            "parents_not_told_reason",
            "decision_rationale",
            "returned_reason",
        ),
        blank=("referrer_email",),
        coarsen=("child_date_of_birth",),
    ),
    Part(
        Marf,
        _by("referral__child"),
        erase=(
            "referrer_relationship",
            "spoken_to_worker",
            "consent_explanation",
            "current_concerns",
            "child_views",
            "parents_views",
            "strengths",
            "help_tried",
            "key_professionals",
            "communication_needs",
            "keep_from_family",
        ),
    ),
    Part(
        MarfPerson,
        _by("marf__referral__child"),
        erase=("name", "relationship", "contact", "school"),
        nulls=("date_of_birth",),
    ),
    Part(
        PlacingAuthorityContact,
        _by("referral__child"),
        erase=("contact_name", "information_shared", "next_steps"),
    ),
    Part(IndicatorResponse, _by("referral__child"), erase=("note",)),
    Part(ChildMerge, _either("kept", "merged"), erase=("reason",)),
    Part(
        StrategyDiscussion,
        _either("child", "referral__child"),
        erase=("not_compliant_reason", "information_considered", "risk_to_others", "rationale"),
    ),
    Part(
        StrategyMeeting,
        _either("child", "referral__child"),
        erase=("not_compliant_reason", "minutes", "rationale"),
    ),
    Part(AgreedAction, _either("discussion__child", "meeting__child"), erase=("description",)),
    Part(
        Amendment,
        _either("discussion__child", "meeting__child"),
        erase=("reason",),
        values={"changes": {}},
    ),
    Part(
        Assessment,
        _by("child"),
        erase=(
            "reason",
            "judgement_rationale",
            "young_person_views",
            "young_person_understanding",
            "views_not_sought_reason",
            "score_changed_after_views",
            "floor_reason",
        ),
    ),
    Part(CategoryScore, _by("assessment__child"), erase=("evidence",)),
    Part(
        MonitoringRecord,
        _by("assessment__child"),
        erase=("sexual_identity", "nationality", "first_language", "placing_authority"),
    ),
    Part(BandOverride, _by("assessment__child"), erase=("reason",)),
    Part(ShieldCase, _by("child"), erase=("closure_reason",)),
    Part(Allocation, _by("child"), erase=("reason",)),
    Part(CaseNote, _by("child"), erase=("text",)),
    Part(Incident, _either("child", "referral__child"), erase=("description",)),
    Part(MissingEpisode, _by("child"), erase=("notes", "interview_by")),
    Part(Flag, _by("child"), erase=("rationale", "removal_reason")),
    Part(CohortEntry, _by("child"), erase=("kept_open_past_18_reason",)),
    Part(
        AgendaItem,
        _either("child", "referral__child"),
        erase=(
            "title",
            "details",
            "parents_not_told_reason",
            "deferred_reason",
            "minutes",
            "decision_rationale",
        ),
    ),
    Part(Plan, _by("child"), erase=("young_person_views",)),
    Part(PlanVersion, _by("plan__child"), values={"actions": []}),
    Part(Action, _by("plan__child"), erase=("about_details", "desired_outcome", "description")),
    Part(ActionProgress, _by("action__plan__child"), erase=("note",)),
    Part(Deadline, _by("child"), erase=("breach_reason",)),
    # Information governance's own records about the child: a subject-access request, its packs
    # (the whole record, as PDF and data) and redactions; break-glass grants' reasons.
    Part(
        SubjectAccessRequest,
        _by("child"),
        erase=("requester_name", "notes", "sent_to", "sent_how"),
    ),
    Part(SubjectAccessPack, _by("request__child"), values={"pdf": b"", "data": b""}),
    Part(Redaction, _by("request__child"), erase=("note",)),
    Part(Grant, _by("child"), erase=("reason", "review_note")),
)

# Text fields of the models above that are kept, and why: none of them is about the child.
KEPT = {
    Referral: {"reference": "the CSE1's number", "exploitation_type": "a code"},
    ShieldCase: {"reference": "the case's number"},
    StrategyMeeting: {"venue": "a place of the council's, not the child's"},
    AgreedAction: {"owner_name": "a professional"},
    Action: {"owner_name": "a professional"},
    IndicatorResponse: {"code": "a code of the CSE1 checklist"},
    Redaction: {"item_ref": "a reference to an item of the pack"},
    Deadline: {"started_by_id": "an id", "closed_by_id": "an id"},
}

# Models with a link to a child that hold no personal data of their own, or are handled apart.
NOT_ERASED = {
    # Deleted: possible matches and intelligence links exist only to connect records.
    ChildMatch: "deleted",
    ChildLink: "deleted",
    LinkAlert: "deleted",
    # The professionals who took part in a CSE2: nothing about the child.
    AssessmentAttendee: "kept",
}

REPORT_PART = Part(
    Report,
    _by("pk"),
    erase=(
        "caller_name",
        "caller_organisation",
        "pattern",
        "place",
        "what_happened",
        "children_mentioned",
        "who_else_knows",
        "risk_to_source",
        "sanitised",
    ),
)
KEPT[Report] = {"police_reference": "the police system's number"}

ENTITY_MODELS = (Person, Location, Vehicle, Phone, OnlineHandle)
ENTITY_UNIQUE = ("key", "prefix")  # unique per kind: "erased-<pk>"


class Counter:
    """Rows and fields changed, per table (the erasure log's counts)."""

    def __init__(self):
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, model: type[models.Model], **amounts: int) -> None:
        entry = self.counts.setdefault(model._meta.label_lower, {})
        for name, amount in amounts.items():
            if amount:
                entry[name] = entry.get(name, 0) + amount
        if not entry:
            del self.counts[model._meta.label_lower]


def _first_of_month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day else None


def _new_value(part: Part, name: str, obj: models.Model):
    current = getattr(obj, name)
    if name in part.erase:
        return ERASED if current else current
    if name in part.blank:
        return ""
    if name in part.nulls:
        return None
    if name in part.values:
        return part.values[name]
    if name in part.coarsen:
        return _first_of_month(current)
    if name in part.unique:
        return f"{ERASED[:-1]} {obj.pk}]" if current else current
    raise KeyError(name)  # pragma: no cover


def _save_erased(obj: models.Model, names: list[str], *, by) -> None:
    """Save through ``Model.save`` itself: the history row records the erasure (by whom, why),
    and the models' own refusals to change a completed record are for users, not for this."""
    obj._history_user = by
    obj._change_reason = CHANGE_REASON
    models.Model.save(obj, update_fields=names)


def _history(model: type[models.Model]):
    history = getattr(model, "history", None)
    return history.model if history is not None else None


def _erase_history(part: Part, ids: Iterable, counter: Counter, *, extra: Q | None = None) -> None:
    """The history rows of the objects ``ids`` (and those ``extra`` finds), erased in place."""
    history = _history(part.model)
    if history is None:
        return
    if extra is None and not ids:
        return
    pk = part.model._meta.pk.attname
    rows = history._default_manager.filter(Q(**{f"{pk}__in": list(ids)}) | (extra or Q()))
    changes: dict = {}
    for name in (*part.erase, *part.unique):
        changes[name] = Case(When(**{name: ""}, then=Value("")), default=Value(ERASED))
    changes.update({name: "" for name in part.blank})
    changes.update({name: None for name in part.nulls})
    changes.update(part.values)
    touched = rows.update(**changes) if changes else 0
    for name in part.coarsen:
        for day in set(rows.exclude(**{name: None}).values_list(name, flat=True)):
            if day.day != 1:
                touched += rows.filter(**{name: day}).update(**{name: day.replace(day=1)})
    counter.add(part.model, history=touched)


def erase_part(part: Part, ids: list, counter: Counter, *, by) -> None:
    """Erase one part of a record: its live rows (saved, so history records it), then every
    history row of them."""
    objects = list(part.model._default_manager.filter(part.where(ids)).order_by())
    fields = 0
    for obj in objects:
        changed = []
        for name in part.names:
            value = _new_value(part, name, obj)
            if value != getattr(obj, name):
                setattr(obj, name, value)
                changed.append(name)
        if changed:
            _save_erased(obj, changed, by=by)
            fields += len(changed)
    counter.add(part.model, rows=len(objects), fields=fields)
    field_names = {f.name for f in part.model._meta.concrete_fields}
    extra = Q(child_id__in=ids) if "child" in field_names and part.model is not Child else None
    _erase_history(part, [obj.pk for obj in objects], counter, extra=extra)


def _entity_refs(queryset, type_field: str, id_field: str) -> set[tuple[int, int]]:
    return set(queryset.values_list(type_field, id_field))


def _erase_orphan_entities(refs: set[tuple[int, int]], counter: Counter, *, by) -> None:
    """Erase the entities that no mention, child link or entity link names any more."""
    by_model = {ContentType.objects.get_for_model(model).pk: model for model in ENTITY_MODELS}
    for type_id, entity_id in sorted(refs):
        model = by_model.get(type_id)
        if model is None:
            continue
        still_named = (
            Mention.objects.filter(entity_type_id=type_id, entity_id=entity_id).exists()
            or ChildLink.objects.filter(entity_type_id=type_id, entity_id=entity_id).exists()
            or EntityLink.objects.filter(
                Q(first_type_id=type_id, first_id=entity_id)
                | Q(second_type_id=type_id, second_id=entity_id)
            ).exists()
        )
        if still_named:
            continue
        entity = model._default_manager.filter(pk=entity_id).first()
        if entity is None:
            continue
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        part = Part(
            model,
            _by("pk"),
            erase=tuple(n for n in names if n not in ENTITY_UNIQUE),
        )
        changed = []
        for name in names:
            value = f"erased-{entity.pk}" if name in ENTITY_UNIQUE else ERASED
            if getattr(entity, name) and getattr(entity, name) != value:
                setattr(entity, name, value)
                changed.append(name)
        if changed:
            _save_erased(entity, changed, by=by)
        counter.add(model, rows=1, fields=len(changed))
        _erase_history(part, [entity.pk], counter)
        if model is Person:
            erase_part(
                Part(PersonAlias, _by("person"), erase=("name",), blank=("key",)),
                [entity.pk],
                counter,
                by=by,
            )


def _delete(queryset, counter: Counter) -> None:
    deleted, _ = queryset.delete()
    counter.add(queryset.model, deleted=deleted)


def record_ids(child: Child) -> list:
    """The child and every record merged into it (their rows moved to it; their own register
    rows still hold what they held)."""
    ids, frontier = [child.pk], [child.pk]
    while frontier:
        frontier = list(Child.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def erase_child(child: Child, *, by) -> dict:
    """Erase a child's record and everything about it (the caller holds the transaction and the
    gate). Returns the counts per table."""
    counter = Counter()
    ids = record_ids(child)
    referral_ids = [str(pk) for (pk,) in Referral.objects.filter(child__in=ids).values_list("pk")]
    referral_type = ContentType.objects.get_for_model(Referral)
    mentions = Mention.objects.filter(source_type=referral_type, source_id__in=referral_ids)
    links = EntityLink.objects.filter(source_type=referral_type, source_id__in=referral_ids)
    child_links = ChildLink.objects.filter(child__in=ids)
    refs = (
        _entity_refs(mentions, "entity_type_id", "entity_id")
        | _entity_refs(child_links, "entity_type_id", "entity_id")
        | _entity_refs(links, "first_type_id", "first_id")
        | _entity_refs(links, "second_type_id", "second_id")
    )
    for part in CHILD_PARTS:
        erase_part(part, ids, counter, by=by)
    _delete(ChildMatch.objects.filter(child__in=ids), counter)
    _delete(child_links, counter)
    _delete(LinkAlert.objects.filter(Q(first_child__in=ids) | Q(second_child__in=ids)), counter)
    _delete(mentions, counter)
    _delete(links, counter)
    _erase_orphan_entities(refs, counter, by=by)
    return counter.counts


def erase_report(report: Report, *, by) -> dict:
    """Erase an intelligence report: its text, the links it made, and the entities only it
    named. Returns the counts per table."""
    counter = Counter()
    report_type = ContentType.objects.get_for_model(Report)
    source = {"source_type": report_type, "source_id": str(report.pk)}
    mentions = Mention.objects.filter(**source)
    links = EntityLink.objects.filter(**source)
    child_links = ChildLink.objects.filter(**source)
    refs = (
        _entity_refs(mentions, "entity_type_id", "entity_id")
        | _entity_refs(child_links, "entity_type_id", "entity_id")
        | _entity_refs(links, "first_type_id", "first_id")
        | _entity_refs(links, "second_type_id", "second_id")
    )
    erase_part(REPORT_PART, [report.pk], counter, by=by)
    _delete(mentions, counter)
    _delete(links, counter)
    _delete(child_links, counter)
    _erase_orphan_entities(refs, counter, by=by)
    return counter.counts
