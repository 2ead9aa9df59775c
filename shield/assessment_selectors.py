"""Reads for the CSE2 pages and their print: the summary (the tool's front page, domain.md 2.6),
the comparison of two versions, and a child's list of versions. Each read runs a fixed number of
queries, whatever the number of versions the child has."""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from cse_framework import access
from cse_framework.accounts.models import User
from cse_framework.templatetags.govuk import short_date
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
from cse_framework.timescales.working_time import LONDON, add_calendar_months
from referrals.models import Child, Referral
from shield import chart, policy
from shield.models import (
    Assessment,
    AssessmentAttendee,
    BandOverride,
    CategoryScore,
    Flag,
    MonitoringRecord,
    ShieldCase,
)
from shield.models.scheme import Band, BandCode, ScoringCategory, ScoringScheme
from shield.services import CSE2_CLOCKS, MONITORING_ENTERED

REVIEW_MONTHS = 3  # D5: a CSE2 review is due 3 calendar months after each completed CSE2

# What each data-monitoring field is called on the pages and the print (section 2.7).
MONITORING_LABELS = {
    "sexual_identity": "Sexual identity",
    "nationality": "Nationality",
    "first_language": "First language",
    "online_element": "Online element to the exploitation",
    "perpetrators": "Perpetrators known",
    "living_situation": "Current living situation",
    "placed_out_of_area": "Placed out of area",
    "agency_status": "Agency involvement",
    "education": "Education, employment or training",
    "substance_misuse": "Substance misuse",
    "mental_health_concerns": "Mental health concerns",
    "offending": "Offending or youth offending involvement",
    "domestic_violence": "Domestic violence in the family",
}
# Copied from the records at completion (D20), in the order the back page lists them.
MONITORING_COPIED = {
    "age": "Age at assessment",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "looked_after": "Looked after",
    "legal_status": "Legal status",
    "placing_authority": "Placed by another local authority",
    "models_of_exploitation": "Models of exploitation",
    "missing_episodes_3_months": "Missing episodes in the last 3 months",
    "return_interviews_3_months": "Return home interviews in the last 3 months",
    "referral_source": "Referral source",
    "first_referred_on": "First referred",
}

SUMMARY_RELATED = (
    "child",
    "scheme",
    "lead_professional",
    "lead_professional__agency",
    "created_by",
    "completed_by",
    "previous",
    "corrects",
    "monitoring",
    "monitoring__referral_source",
)


# What the summary reads in the same query as the CSE2 itself. The people it names come after
# it in one query (`with_people`), the versions it names in another (`_versions`): a join of all
# of them costs PostgreSQL more to plan than the small queries cost to run.
SUMMARY_JOINED = ("child", "monitoring__referral_source")
# Of the child's wide record, what the summary and its print show.
CHILD_SHOWN = ("given_names", "family_name", "date_of_birth")
PEOPLE = ("lead_professional", "created_by", "completed_by")
# What the summary shows of the child's other versions: the trajectory, the previous version,
# the version corrected and the corrections.
VERSION_SHOWN = (
    "child_id",
    "status",
    "kind",
    "sequence",
    "assessed_on",
    "total",
    "band",
    "corrects_id",
    "created_at",
    "completed_at",
)


def assessments() -> QuerySet:
    """Every CSE2 with what its pages show of it in the same query (scope it with access)."""
    return Assessment.objects.select_related(*SUMMARY_RELATED)


def summary_assessment(*, request, pk) -> Assessment:
    """The CSE2 for its summary page and print, within the user's scope (404 otherwise), with
    its child, data monitoring and people, and what ``summary`` reads beside it (the scheme's
    outline is read once per process: ``scheme_outline``)."""
    assessment = access.get_object_or_404(request, _summary_queryset(), pk=pk)
    return with_people([assessment], names_only=True)[0]


def _summary_queryset() -> QuerySet:
    """The CSE2 with, in the same query: its child and data monitoring; the child's open
    Shield case (``open_case_id``); whether its band was overridden (``overridden``); and the due
    times of the child's open CSE2 clocks (``review_clock_due``, ``cse2_clock_due``)."""
    return _summary_base().all()  # a copy: the base is never evaluated


@functools.cache
def _summary_base() -> QuerySet:
    """Built once: building it cost as much as a small query (it is only SQL, read afresh by
    each copy)."""
    from intelligence.source_links import linked_count

    unshown = [
        f"child__{field.attname}"
        for field in Child._meta.concrete_fields
        if not field.primary_key and field.name not in CHILD_SHOWN
    ]
    open_case = ShieldCase.objects.filter(
        child_id=OuterRef("child_id"), status=ShieldCase.Status.OPEN
    ).values("pk")[:1]
    return (
        Assessment.objects.select_related(*SUMMARY_JOINED)
        .defer(*unshown)
        .annotate(
            open_case_id=Subquery(open_case),
            overridden=Exists(BandOverride.objects.filter(assessment_id=OuterRef("pk"))),
            # What next_review reads: the child's open review clock, and any open CSE2 clock.
            review_clock_due=_clock_due((Kind.CSE2_REVIEW,)),
            cse2_clock_due=_clock_due(CSE2_CLOCKS),
            # How many people, places, vehicles and handles the CSE2 names (intelligence).
            links_named=linked_count(Assessment),
        )
    )


def _clock_due(kinds) -> Subquery:
    return Subquery(
        Deadline.objects.filter(OPEN, child_id=OuterRef("child_id"), kind__in=kinds)
        .order_by("due_at")
        .values("due_at")[:1]
    )


def with_people(rows: list[Assessment], *, names_only: bool = False) -> list[Assessment]:
    """Give each CSE2 its people (the lead professional with their agency, who started it, who
    completed it), read in one query however many CSE2s there are; with ``names_only``, only
    their names (the summary and its print show nothing else of them)."""
    ids = {getattr(row, f"{name}_id") for row in rows for name in PEOPLE} - {None}
    if names_only:
        people = User.objects.only("full_name", "email").in_bulk(ids)
    else:
        people = User.objects.select_related("agency").in_bulk(ids)
    for row in rows:
        for name in PEOPLE:
            pk = getattr(row, f"{name}_id")
            setattr(row, name, people[pk] if pk is not None else None)
    return rows


def assessable_child(*, user, child_pk) -> Child | None:
    """The child, if ``user`` may start a CSE2 for them (policy.ASSESS: a role that assesses,
    and the child's Shield records within the user's sight); None otherwise."""
    if not access.has_role(user, policy.ASSESS_ROLES):
        return None
    condition = policy.children_of(user)
    children = Child.objects.all() if condition is None else Child.objects.filter(condition)
    return children.filter(pk=child_pk).first()


def child_versions(*, user, child_id) -> list[Assessment]:
    """A child's CSE2s the user may see: completed versions newest first, then drafts."""
    rows = access.scope(user, Assessment.objects.filter(child_id=child_id)).select_related(
        "child", "scheme", "corrects", "lead_professional"
    )
    return sorted(
        rows,
        key=lambda a: (a.sequence is not None, a.sequence or 0, a.created_at, a.pk),
        reverse=True,
    )


def drafts_of(child_id) -> list[Assessment]:
    """The child's CSE2 drafts, so that a worker carries one on rather than starting another."""
    return list(
        Assessment.objects.filter(child_id=child_id, status=Assessment.Status.DRAFT).order_by(
            "created_at", "pk"
        )
    )


def draft_correction(assessment: Assessment) -> Assessment | None:
    """A correction of ``assessment`` already in progress, so a second click continues it."""
    return (
        Assessment.objects.filter(corrects=assessment, status=Assessment.Status.DRAFT)
        .order_by("created_at", "pk")
        .first()
    )


def latest_completed(child_id, *, excluding=None) -> Assessment | None:
    rows = Assessment.objects.filter(child_id=child_id, status=Assessment.Status.COMPLETED)
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    return rows.select_related("scheme").order_by("-completed_at", "-id").first()


def previous_of(assessment: Assessment) -> Assessment | None:
    """What this CSE2 is compared with: for a completed one, the version it was compared with
    at completion; for a draft, the child's latest completed version."""
    if assessment.completed:
        return assessment.previous
    return latest_completed(assessment.child_id, excluding=assessment)


# --- Scores -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRow:
    number: int
    name: str
    previous: int | None
    this: int | None
    evidence: str = ""
    previous_evidence: str = ""

    @property
    def change(self) -> int | None:
        if self.previous is None or self.this is None:
            return None
        return self.this - self.previous

    @property
    def change_label(self) -> str:
        return change_label(self.previous, self.this)


def change_label(before: int | None, after: int | None) -> str:
    """A change of score in words: "Up 2", "Down 1", "No change"."""
    if before is None or after is None:
        return "Not known"
    change = after - before
    if change == 0:
        return "No change"
    return f"Up {change}" if change > 0 else f"Down {-change}"


@dataclass(frozen=True)
class Score:
    """A category's score in one assessment, as the summary and the comparison show it."""

    name: str  # the category's name in the assessment's scheme
    score: int
    evidence: str


def _scores_of(*assessments: Assessment | None) -> dict[int, dict[int, Score]]:
    """Each assessment's scores by category number, in one query."""
    ids = [a.pk for a in assessments if a is not None]
    by_assessment: dict[int, dict[int, Score]] = {pk: {} for pk in ids}
    rows = CategoryScore.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "category__number", "category__name", "score", "evidence"
    )
    for assessment_id, number, name, score, evidence in rows:
        by_assessment[assessment_id][number] = Score(name, score, evidence)
    return by_assessment


def category_rows(
    categories: dict[int, str],
    this: dict[int, Score],
    previous: dict[int, Score],
    *,
    previous_categories: dict[int, str] | None = None,
) -> list[CategoryRow]:
    """One row per category (``categories``: each one's name by its number; matched by number,
    as a scheme version keeps its numbering)."""
    names = {**(previous_categories or {}), **categories}
    rows = []
    for number in sorted(names):
        mine, theirs = this.get(number), previous.get(number)
        rows.append(
            CategoryRow(
                number=number,
                name=names[number],
                previous=theirs.score if theirs else None,
                this=mine.score if mine else None,
                evidence=mine.evidence if mine else "",
                previous_evidence=theirs.evidence if theirs else "",
            )
        )
    return rows


# --- The trajectory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrajectoryRow:
    pk: int
    sequence: int
    assessed_on: dt.date
    kind: str
    total: int
    band: str
    corrects_sequence: int | None
    current: bool

    @property
    def band_label(self) -> str:
        return BandCode(self.band).label

    @property
    def kind_label(self) -> str:
        return Assessment.Kind(self.kind).label

    @property
    def assessed_on_label(self) -> str:
        return short_date(self.assessed_on)


def trajectory(versions: list[Assessment], *, current_pk=None) -> list[TrajectoryRow]:
    """The trajectory's rows: the completed versions (of ``_versions``), oldest first."""
    sequences = {row.pk: row.sequence for row in versions}
    completed = sorted(
        (row for row in versions if row.completed), key=lambda a: (a.assessed_on, a.sequence)
    )
    return [
        TrajectoryRow(
            row.pk,
            row.sequence,
            row.assessed_on,
            row.kind,
            row.total,
            row.band,
            sequences.get(row.corrects_id),
            row.pk == current_pk,
        )
        for row in completed
    ]


def trajectory_chart(rows: list[TrajectoryRow], *, maximum: int, bands) -> str:
    highlight = next((i for i, row in enumerate(rows) if row.current), None)
    return chart.trajectory_svg(
        [chart.Point(row.assessed_on, row.total, row.band) for row in rows],
        maximum=maximum,
        bands=bands,
        highlight=highlight,
    )


# --- The rest of the front page ---------------------------------------------------------------


def current_flags(child_id) -> list[Flag]:
    """What shield/_flags.html shows of the child's current flags."""
    return list(
        Flag.objects.filter(child_id=child_id, removed_on__isnull=True)
        .select_related("agency")
        .only("kind", "risk_level", "decided_on", "agency__name")
    )


def current_override(assessment: Assessment) -> BandOverride | None:
    """The latest override of the band (a later one replaces it on screen; all are kept). No
    query for a CSE2 read by ``summary_assessment`` that was never overridden."""
    if not assessment.completed or not getattr(assessment, "overridden", True):
        return None
    return (
        BandOverride.objects.filter(assessment=assessment)
        .select_related("made_by")
        .order_by("-made_at", "-id")
        .first()
    )


def next_review(assessment: Assessment, *, latest: bool) -> dt.date | None:
    """D5: when the next CSE2 is due. For a draft, the child's open CSE2 clock (initial or
    review); for the child's latest version, their open review clock; otherwise (or with no
    clock open) 3 calendar months after this assessment. None after a closure CSE2."""
    if latest or not assessment.completed:
        kinds = (Kind.CSE2_REVIEW,) if assessment.completed else CSE2_CLOCKS
        read = "review_clock_due" if assessment.completed else "cse2_clock_due"
        if hasattr(assessment, read):  # read by summary_assessment
            due = getattr(assessment, read)
        else:
            due = (
                Deadline.objects.filter(OPEN, child_id=assessment.child_id, kind__in=kinds)
                .order_by("due_at")
                .values_list("due_at", flat=True)
                .first()
            )
        if due is not None:
            return due.astimezone(LONDON).date()
    if not assessment.completed or assessment.kind == Assessment.Kind.CLOSURE:
        return None
    return add_calendar_months(assessment.assessed_on, REVIEW_MONTHS)


def _display(record, name: str):
    field = type(record)._meta.get_field(name)
    value = getattr(record, name)
    if field.choices and value != "":
        return getattr(record, f"get_{name}_display")()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def monitoring_rows(record: MonitoringRecord | None, *, completed: bool) -> dict[str, list]:
    """The data-monitoring back page as (label, value) rows: what the worker recorded, and
    (once completed) what was copied from the records."""
    if record is None:
        return {"entered": [], "copied": [], "rows": []}
    entered = [(MONITORING_LABELS[name], _display(record, name)) for name in MONITORING_ENTERED]
    copied = []
    if completed:
        for name, label in MONITORING_COPIED.items():
            value = _display(record, name)
            if name == "models_of_exploitation":
                value = ", ".join(
                    Referral.Model(code).label if code in Referral.Model.values else code
                    for code in value
                )
            elif name == "looked_after" and value is None:
                value = "Not known"
            elif name == "first_referred_on" and value:
                value = f"{value.day} {value:%B %Y}"
            copied.append((label, value))
    # The page lists both in one summary list (``rows``); the print, in two tables.
    return {"entered": entered, "copied": copied, "rows": entered + copied}


def open_case(child_id) -> ShieldCase | None:
    return ShieldCase.objects.filter(child_id=child_id, status=ShieldCase.Status.OPEN).first()


def _versions(assessment: Assessment) -> list[Assessment]:
    """The CSE2's other versions that the summary shows, the oldest first, in one query: the
    child's completed versions (the trajectory), the versions it names (the one it was compared
    with, the one it corrects: given to it) and those that correct it."""
    named = {assessment.previous_id, assessment.corrects_id} - {None}
    rows = list(
        Assessment.objects.filter(
            Q(child_id=assessment.child_id, status=Assessment.Status.COMPLETED)
            | Q(pk__in=named)
            | Q(corrects=assessment)
        )
        .only(*VERSION_SHOWN)
        .order_by("created_at", "pk")
    )
    by_pk = {row.pk: row for row in rows}
    assessment.previous = by_pk.get(assessment.previous_id)
    assessment.corrects = by_pk.get(assessment.corrects_id)
    return rows


def _latest_completed_of(versions: list[Assessment], assessment: Assessment):
    """What a draft is compared with (``previous_of``), from ``_versions``."""
    completed = [
        row
        for row in versions
        if row.completed and row.child_id == assessment.child_id and row.pk != assessment.pk
    ]
    return max(completed, key=lambda a: (a.completed_at, a.pk), default=None)


@dataclass(frozen=True)
class SchemeOutline:
    categories: tuple[tuple[int, str, int], ...]  # (number, name, highest score)
    bands: tuple[tuple[str, int, int], ...]  # (code, lowest total, highest total)
    maximum: int  # the highest total: every category's highest score and the judgement's


@functools.lru_cache(maxsize=32)
def scheme_outline(scheme_id) -> SchemeOutline:
    """A scheme's categories, bands and highest total, read once per process: a scheme an
    assessment uses never changes (models/scheme.py; a new version is added instead). Saving or
    deleting any part of a scheme empties what is kept (shield/apps.py)."""
    categories = tuple(
        ScoringCategory.objects.filter(scheme_id=scheme_id)
        .order_by("number")
        .values_list("number", "name", "max_score")
    )
    bands = tuple(
        Band.objects.filter(scheme_id=scheme_id)
        .order_by("min_total")
        .values_list("code", "min_total", "max_total")
    )
    judgement_max = ScoringScheme.objects.values_list("judgement_max", flat=True).get(pk=scheme_id)
    return SchemeOutline(categories, bands, sum(most for _, _, most in categories) + judgement_max)


def summary(assessment: Assessment, *, user) -> dict:
    """Everything the summary page (and the print's first page) shows, for a CSE2 read by
    ``summary_assessment``. A fixed number of queries: none of them grows with the child's
    number of versions."""
    outline = scheme_outline(assessment.scheme_id)
    categories, bands, maximum = outline.categories, outline.bands, outline.maximum
    versions = _versions(assessment)
    corrections = [row for row in versions if row.corrects_id == assessment.pk]
    if assessment.completed:
        previous = assessment.previous
    else:
        previous = _latest_completed_of(versions, assessment)
    scores = _scores_of(assessment, previous)
    previous_scores = scores.get(previous.pk, {}) if previous else {}
    rows = category_rows(
        {number: name for number, name, _ in categories},
        scores[assessment.pk],
        previous_scores,
        previous_categories={n: s.name for n, s in previous_scores.items()},
    )
    points = trajectory(versions, current_pk=assessment.pk)
    latest = bool(points) and max(points, key=lambda p: p.sequence).pk == assessment.pk
    case_id = assessment.open_case_id
    return {
        "assessment": assessment,
        "child": assessment.child,
        "case_url": reverse("shield:case-detail", kwargs={"pk": case_id}) if case_id else "",
        "previous": previous,
        "direction": _direction_label(assessment, previous),
        "category_rows": rows,
        "this_scores_total": sum(r.this for r in rows if r.this is not None),
        "maximum": maximum,
        "bands": bands,
        "trajectory": points,
        "chart": trajectory_chart(points, maximum=maximum, bands=bands),
        "flags": current_flags(assessment.child_id),
        "next_review": next_review(assessment, latest=latest),
        "override": current_override(assessment),
        "attendees": list(
            AssessmentAttendee.objects.filter(assessment=assessment)
            .select_related("agency")
            .only("name", "role", "agency__name")
        ),
        "monitoring": monitoring_rows(
            getattr(assessment, "monitoring", None), completed=assessment.completed
        ),
        "corrections": corrections,
        # The CSE2 was read through the access mechanism: what its actions need besides is
        # the role (shield.policy), asked without reading it again.
        "can_assess": policy.may(user, policy.ASSESS),
        "can_override": assessment.completed and policy.may(user, policy.OVERRIDE),
    }


def _direction_label(assessment: Assessment, previous: Assessment | None) -> str:
    if assessment.completed:
        return assessment.get_direction_display()
    if previous is None:
        return "First assessment"
    return "Not known until the CSE2 is completed"


# --- Comparing two versions -------------------------------------------------------------------


def comparison(first: Assessment, second: Assessment) -> dict:
    """Two versions side by side: every category's score and evidence, the judgement, the
    result and the floors, and each one's current band override."""
    scores = _scores_of(first, second)
    category_names: dict[int, str] = {}
    for by_number in scores.values():
        category_names.update({n: row.name for n, row in by_number.items()})
    categories = list(
        ScoringCategory.objects.filter(scheme_id__in={first.scheme_id, second.scheme_id})
    )
    for category in categories:
        category_names.setdefault(category.number, category.name)
    rows = [
        CategoryRow(
            number=number,
            name=name,
            previous=_score(scores[first.pk].get(number)),
            this=_score(scores[second.pk].get(number)),
            evidence=_evidence(scores[second.pk].get(number)),
            previous_evidence=_evidence(scores[first.pk].get(number)),
        )
        for number, name in sorted(category_names.items())
    ]
    overrides: dict[int, BandOverride] = {}
    for override in (
        BandOverride.objects.filter(assessment_id__in=[first.pk, second.pk])
        .select_related("made_by")
        .order_by("made_at", "id")
    ):
        overrides[override.assessment_id] = override  # the latest wins
    return {
        "first": first,
        "second": second,
        "category_rows": rows,
        "first_override": overrides.get(first.pk),
        "second_override": overrides.get(second.pk),
        "total_change": change_label(first.total, second.total),
    }


def _score(row: Score | None) -> int | None:
    return row.score if row else None


def _evidence(row: Score | None) -> str:
    return row.evidence if row else ""


def versions_for_choice(versions: list[Assessment]) -> list[tuple[int, str]]:
    """The choices of the comparison's two selects."""
    return [(a.pk, version_label(a)) for a in versions]


def version_label(assessment: Assessment) -> str:
    on = f"{assessment.assessed_on.day} {assessment.assessed_on:%b %Y}"
    if assessment.sequence:
        result = f": {assessment.total}, {assessment.get_band_display()}"
        return f"Version {assessment.sequence}, {on} ({assessment.get_kind_display()}){result}"
    return f"Draft, {on} ({assessment.get_kind_display()})"


def default_pair(versions: list[Assessment]) -> tuple[Assessment | None, Assessment | None]:
    """With nothing chosen: the latest completed version and the one before it."""
    completed = [a for a in versions if a.completed]
    if not completed:
        return (versions[-1], versions[0]) if versions else (None, None)
    latest = completed[0]
    before = completed[1] if len(completed) > 1 else latest
    return before, latest
