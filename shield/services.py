"""Shield's writes: a child referred to Shield (D16), allocation, and the CSE2 from draft to
completed (scored against its scheme, D1-D3), with the clocks it meets and starts (D5, D6).
Each in one transaction; a stale form is refused, never a lost update."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse_framework.accounts.models import Team, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.services import record_refused_change
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
from cse_framework.timescales.services import deadline_open, deadlines_meet_for_child
from cse_framework.timescales.working_time import LONDON, add_calendar_months
from cse_framework.workflow import StaleError, lock_at_version
from referrals.models import Child, Referral
from referrals.rules import age_on
from shield import scoring
from shield.models import (
    Allocation,
    Assessment,
    AssessmentAttendee,
    BandOverride,
    CategoryScore,
    MissingEpisode,
    MonitoringRecord,
    ScoringScheme,
    ShieldCase,
)
from shield.models.assessment import REFUSED

CSE2_CLOCKS = (Kind.INITIAL_CSE2, Kind.CSE2_REVIEW)
ADULT_SERVICES_AGE_MONTHS = 17 * 12 + 6  # D6: at 17 years 6 months


def _shield_team() -> Team | None:
    return Team.objects.filter(kind=Team.Kind.SHIELD).order_by("pk").first()


def shield_referral_open(*, started_by, child, at: dt.datetime, reference: str, link: str):
    """D16: the child joins the Shield team's queue (a case, unless one is open already) and the
    initial-CSE2 clock (10 working days) starts, owned by the team until a manager allocates a
    worker; Shield's managers are told."""
    shield = _shield_team()
    case = ShieldCase.objects.filter(child=child, status=ShieldCase.Status.OPEN).first()
    if case is None:
        case = ShieldCase.objects.create(
            child=child, team=shield, opened_at=at, reference=reference
        )
    deadline = deadline_open(
        kind=Kind.INITIAL_CSE2,
        started_by=started_by,
        starts_at=at,
        child=child,
        owning_team=shield,
        owner=case.worker,
    )
    notify(
        recipients=User.objects.filter(roles__code=RoleCode.SHIELD_TEAM_MANAGER, is_active=True),
        subject="A child has been referred to Shield: allocate a worker",
        reference=reference,
        link=link,
    )
    return deadline


@transaction.atomic
def case_allocate(
    *,
    case: ShieldCase,
    worker: User,
    by: User,
    reason: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ShieldCase:
    """A Shield team manager allocates (or reallocates) the case. The previous allocation ends
    but is kept; the child's open CSE2 and Adult Services clocks go to the new worker."""
    now = now or timezone.now()
    case = lock_at_version(ShieldCase, case, expected_version)
    if case.status != ShieldCase.Status.OPEN:
        raise ValidationError("This case is closed")
    if not worker.has_role(RoleCode.SHIELD_WORKER, RoleCode.SHIELD_TEAM_MANAGER):
        raise ValidationError({"worker": "Choose a member of the Shield team"})
    if case.worker_id == worker.pk:
        return case
    for current in Allocation.objects.filter(case=case, ended_at__isnull=True):
        current.ended_at = now
        current.save()
    Allocation.objects.create(
        case=case,
        child_id=case.child_id,
        worker=worker,
        allocated_by=by,
        allocated_at=now,
        reason=reason,
    )
    case.worker = worker
    case.version += 1
    case.save()
    for clock in Deadline.objects.filter(
        OPEN, child_id=case.child_id, kind__in=(*CSE2_CLOCKS, Kind.ADULT_SERVICES)
    ):
        clock.owner = worker
        clock.version += 1
        clock.save()
    notify(
        recipients=[worker],
        subject="A child has been allocated to you",
        reference=case.reference,
        link=case.get_absolute_url(),
    )
    return case


# --- The CSE2 ---------------------------------------------------------------------------------


def current_scheme() -> ScoringScheme:
    return ScoringScheme.objects.get(current=True)


def _start_errors(*, child: Child, assessed_on: dt.date, corrects: Assessment | None) -> None:
    """Refuse a CSE2 dated in the future, of a merged record, correcting what is not this
    child's completed CSE2, or a second draft where one is in progress (the child's row is
    locked, so two workers starting at once make one draft)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.merged_into_id is not None:
        raise ValidationError("This record was merged into another: assess the child there")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment date must be today or in the past"})
    drafts = Assessment.objects.filter(child=child, status=Assessment.Status.DRAFT)
    if corrects is not None:
        if not corrects.completed:
            raise ValidationError("Only a completed CSE2 is corrected; change the draft instead")
        if corrects.child_id != child.pk:
            raise ValidationError("Only this child's CSE2 is corrected here")
        if drafts.filter(corrects=corrects).exists():
            raise ValidationError("A correction of this CSE2 is in progress: continue it")
    elif drafts.filter(corrects__isnull=True).exists():
        raise ValidationError("A CSE2 draft for this child is in progress: continue it")


@transaction.atomic
def assessment_start(
    *,
    child: Child,
    kind: str,
    by: User,
    assessed_on: dt.date,
    reason: str = "",
    corrects: Assessment | None = None,
) -> Assessment:
    """A draft CSE2 with the current scheme. A correction starts as a copy of what it corrects
    (scores, evidence, judgement, views, attendees, monitoring) and is completed as a new
    version; the one it corrects stays as it was."""
    _start_errors(child=child, assessed_on=assessed_on, corrects=corrects)
    source = corrects
    assessment = Assessment(
        child=child,
        scheme=source.scheme if source else current_scheme(),
        kind=source.kind if source else kind,
        assessed_on=assessed_on,
        reason=reason,
        lead_professional=by,
        created_by=by,
        corrects=corrects,
    )
    if source:
        for field in COPIED:
            setattr(assessment, field, getattr(source, field))
    assessment.full_clean()
    assessment.save()
    monitoring = MonitoringRecord(assessment=assessment)
    if source:
        for field in MONITORING_ENTERED:
            setattr(monitoring, field, getattr(source.monitoring, field))
        for row in source.scores.all():
            CategoryScore.objects.create(
                assessment=assessment, category=row.category, score=row.score, evidence=row.evidence
            )
        for person in source.attendees.all():
            AssessmentAttendee.objects.create(
                assessment=assessment, name=person.name, agency=person.agency, role=person.role
            )
    monitoring.save()
    return assessment


COPIED = (
    "lead_professional",
    "learning_disability",
    "disclosure",
    "judgement_score",
    "judgement_rationale",
    "young_person_views",
    "young_person_understanding",
    "willingness_to_engage",
    "views_not_sought_reason",
    "score_changed_after_views",
)
DRAFT_FIELDS = frozenset({*COPIED, "assessed_on", "reason", "kind"})
MONITORING_ENTERED = (
    "sexual_identity",
    "nationality",
    "first_language",
    "online_element",
    "perpetrators",
    "living_situation",
    "placed_out_of_area",
    "agency_status",
    "education",
    "substance_misuse",
    "mental_health_concerns",
    "offending",
    "domestic_violence",
)


def _score_errors(assessment: Assessment, scores: dict[int, tuple[int | None, str]]) -> dict:
    """Field errors for scores out of range, or above the evidence threshold without evidence.
    Keyed ``score_<number>`` and ``evidence_<number>``, as the form names its fields."""
    errors = {}
    for category in assessment.scheme.categories.all():
        if category.number not in scores:
            continue
        value, evidence = scores[category.number]
        if value is None:
            continue
        if not category.min_score <= value <= category.max_score:
            errors[f"score_{category.number}"] = (
                f"{category.name}: enter a score from {category.min_score} to {category.max_score}"
            )
        elif value > category.evidence_required_above and not evidence.strip():
            errors[f"evidence_{category.number}"] = (
                f"{category.name}: give the evidence for a score above "
                f"{category.evidence_required_above}"
            )
    return errors


def _draft_errors(current: Assessment, fields: dict, scores) -> dict:
    errors = _score_errors(current, scores)
    judgement = fields.get("judgement_score", current.judgement_score)
    scheme = current.scheme
    if judgement is not None and not scheme.judgement_min <= judgement <= scheme.judgement_max:
        errors["judgement_score"] = (
            f"Enter a judgement score from {scheme.judgement_min} to {scheme.judgement_max}"
        )
    return errors


def _save_scores(current: Assessment, scores: dict[int, tuple[int | None, str]]) -> None:
    categories = {c.number: c for c in current.scheme.categories.all()}
    existing = {row.category.number: row for row in current.scores.select_related("category")}
    for number, (value, evidence) in scores.items():
        row = existing.get(number)
        if value is None:
            if row is not None:
                row.delete()
        elif row is None:
            CategoryScore.objects.create(
                assessment=current, category=categories[number], score=value, evidence=evidence
            )
        elif (row.score, row.evidence) != (value, evidence):
            row.score, row.evidence = value, evidence
            row.save()


def _save_monitoring(current: Assessment, monitoring: dict) -> None:
    unknown = set(monitoring) - set(MONITORING_ENTERED)
    if unknown:
        raise TypeError(f"Not data-monitoring fields the worker records: {sorted(unknown)}")
    record = current.monitoring
    for name, value in monitoring.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()


def _replace_attendees(current: Assessment, attendees: list[dict]) -> None:
    for person in current.attendees.all():
        person.delete()
    for person in attendees:
        AssessmentAttendee.objects.create(assessment=current, **person)


def assessment_save_draft(*, assessment: Assessment, by: User, **changes) -> Assessment:
    """Save what was entered so far (see _save_draft). A completed CSE2 is refused, and the
    refusal is audited outside the transaction, so it is kept."""
    if Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.COMPLETED).exists():
        record_refused_change(user=by, obj=assessment, reason=REFUSED)
        raise ValidationError(REFUSED)
    return _save_draft(assessment=assessment, by=by, **changes)


@transaction.atomic
def _save_draft(
    *,
    assessment: Assessment,
    by: User,
    expected_version: int,
    fields: dict | None = None,
    scores: dict[int, tuple[int | None, str]] | None = None,
    monitoring: dict | None = None,
    attendees: list[dict] | None = None,
) -> Assessment:
    """Save what was entered so far. Bad values are refused with field errors and nothing of
    this save is kept (the form keeps what was typed); the stored draft stays as it was."""
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.completed:
        raise ValidationError(REFUSED)
    if current.version != expected_version:
        raise StaleError("Someone else saved this draft while you were working on it")
    fields = fields or {}
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"Not fields of a CSE2 draft: {sorted(unknown)}")
    errors = _draft_errors(current, fields, scores or {})
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.full_clean()
    current.save()
    _save_scores(current, scores or {})
    if monitoring:
        _save_monitoring(current, monitoring)
    if attendees is not None:
        _replace_attendees(current, attendees)
    return current


def _completion_errors(
    assessment: Assessment, values: dict, scores: dict[int, tuple[int | None, str]]
) -> dict:
    """What completion needs of ``values`` (the draft's fields) and ``scores`` (category number
    to score and evidence): every category scored, with its evidence above the threshold, the
    judgement score and its rationale, and the young person's views or why they were not
    sought."""
    errors = {}
    for category in assessment.scheme.categories.all():
        if scores.get(category.number, (None, ""))[0] is None:
            errors[f"score_{category.number}"] = f"{category.name}: enter a score"
    errors.update(_draft_errors(assessment, values, scores))
    if values["judgement_score"] is None:
        errors.setdefault("judgement_score", "Enter the professional judgement score")
    if not (values["judgement_rationale"] or "").strip():
        errors["judgement_rationale"] = "Give the rationale for the judgement score"
    views = (values["young_person_views"] or "").strip()
    if not (views or (values["views_not_sought_reason"] or "").strip()):
        errors["young_person_views"] = (
            "Record the young person's wishes and feelings, or why they could not be sought"
        )
    return errors


# The draft's own fields that completion reads (the scores apart).
COMPLETION_READS = (
    "judgement_score",
    "judgement_rationale",
    "young_person_views",
    "views_not_sought_reason",
)


def assessment_completion_problems(
    *,
    assessment: Assessment,
    fields: dict | None = None,
    scores: dict[int, tuple[int | None, str]] | None = None,
) -> dict[str, str]:
    """Everything that stops this CSE2 being completed, all at once (D1): the values a draft
    save would refuse and what completion needs. Of the stored draft, or of it as it would be
    with ``fields`` and ``scores`` (as assessment_save_draft takes them) laid over it, so a form
    shows every problem in one round. assessment_complete refuses exactly these. Reads only."""
    fields = fields or {}
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"Not fields of a CSE2 draft: {sorted(unknown)}")
    values = {name: fields.get(name, getattr(assessment, name)) for name in COMPLETION_READS}
    entered = {
        row.category.number: (row.score, row.evidence)
        for row in assessment.scores.select_related("category")
    } | (scores or {})
    return _completion_errors(assessment, values, entered)


def _previous(assessment: Assessment) -> Assessment | None:
    return (
        Assessment.objects.filter(child_id=assessment.child_id, status=Assessment.Status.COMPLETED)
        .exclude(pk=assessment.pk)
        .order_by("-completed_at", "-id")
        .first()
    )


def _snapshot(assessment: Assessment, now: dt.datetime) -> None:
    """Copy the child's details into the data-monitoring record, as they are now (D20)."""
    child = assessment.child
    since = now - dt.timedelta(days=91)
    episodes = MissingEpisode.objects.filter(child=child, went_missing_at__gte=since)
    first = (
        Referral.objects.filter(child=child)
        .exclude(received_at=None)
        .order_by("received_at")
        .select_related("referrer_agency")
        .first()
    )
    record = assessment.monitoring
    record.age = age_on(child.date_of_birth, assessment.assessed_on)
    record.gender = child.gender
    record.ethnicity = child.ethnicity
    record.disability = child.disability
    record.looked_after = child.care_status == Child.CareStatus.LOOKED_AFTER
    record.legal_status = child.legal_status
    record.placing_authority = child.placing_authority
    record.models_of_exploitation = sorted(
        {m for r in Referral.objects.filter(child=child) for m in r.models_of_exploitation}
    )
    record.missing_episodes_3_months = episodes.count()
    record.return_interviews_3_months = episodes.filter(interview_done=True).count()
    record.referral_source = first.referrer_agency if first else None
    record.first_referred_on = first.received_at.astimezone(LONDON).date() if first else None
    record.save()


@transaction.atomic
def assessment_complete(
    *, assessment: Assessment, by: User, expected_version: int, now: dt.datetime | None = None
) -> Assessment:
    """Score it, compare it with the child's previous completed CSE2, and make it a version that
    never changes. Completing twice gives the one version. Meets the child's open CSE2 clock and
    starts the next review, 3 calendar months from the assessment date (D5)."""
    now = now or timezone.now()
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.completed:
        return current
    if current.version != expected_version:
        raise StaleError("Someone else saved this draft while you were working on it")
    errors = assessment_completion_problems(assessment=current)
    if errors:
        raise ValidationError(errors)
    scores = {row.category.number: row for row in current.scores.select_related("category")}
    result = scoring.score(
        current.scheme,
        scoring.Answers(
            scores={number: row.score for number, row in scores.items()},
            judgement=current.judgement_score,
            age=age_on(current.child.date_of_birth, current.assessed_on),
            learning_disability=current.learning_disability,
            disclosure=current.disclosure,
        ),
    )
    previous = _previous(current)
    _snapshot(current, now)
    current.total = result.total
    current.computed_band = result.computed_band
    current.floor_band = result.floor_band
    current.floor_reason = result.floor_reason
    current.band = result.band
    current.previous = previous
    current.direction = scoring.direction(previous.total if previous else None, result.total)
    current.sequence = (
        Assessment.objects.filter(child_id=current.child_id, sequence__isnull=False).count() + 1
    )
    current.status = Assessment.Status.COMPLETED
    current.completed_by = by
    current.completed_at = now
    current.version += 1
    current.full_clean()
    current.save()
    _clocks_on_completion(current, by, now)
    return current


def _clocks_on_completion(assessment: Assessment, by: User, now: dt.datetime) -> None:
    deadlines_meet_for_child(
        child_id=assessment.child_id, kinds=CSE2_CLOCKS, met_by=assessment, at=now
    )
    case = ShieldCase.objects.filter(child_id=assessment.child_id, status="open").first()
    if assessment.kind == Assessment.Kind.CLOSURE or case is None:
        return
    starts = dt.datetime.combine(assessment.assessed_on, dt.time(17), tzinfo=LONDON)
    deadline_open(
        kind=Kind.CSE2_REVIEW,
        started_by=assessment,
        starts_at=starts,
        child=assessment.child,
        owning_team=case.team,
        owner=case.worker or by,
    )
    adult_services_open(case=case, at=now)


def adult_services_open(*, case: ShieldCase, at: dt.datetime):
    """D6: for a child open to Shield, a "contact Adult Services" clock due at 17 years 6
    months (met before the 18th birthday); once per case."""
    child = case.child
    due_day = add_calendar_months(child.date_of_birth, ADULT_SERVICES_AGE_MONTHS)
    eighteenth = add_calendar_months(child.date_of_birth, 18 * 12)
    if at.astimezone(LONDON).date() >= eighteenth:
        return None
    due = dt.datetime.combine(due_day, dt.time(9), tzinfo=LONDON)
    return deadline_open(
        kind=Kind.ADULT_SERVICES,
        started_by=case,
        starts_at=min(at, due),
        due_at=due,
        child=child,
        owning_team=case.team,
        owner=case.worker,
    )


@transaction.atomic
def band_override(*, assessment: Assessment, by: User, band: str, reason: str) -> BandOverride:
    """D2: a Shield team manager overrides a completed CSE2's band, with the reason. Kept beside
    the computed band; the assessment itself does not change."""
    if not by.has_role(RoleCode.SHIELD_TEAM_MANAGER):
        raise ValidationError("Only a Shield team manager can override the band")
    if not assessment.completed:
        raise ValidationError("Complete the CSE2 before overriding its band")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for overriding the band"})
    override = BandOverride(assessment=assessment, band=band, reason=reason, made_by=by)
    override.full_clean()
    override.save()
    return override
