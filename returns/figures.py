"""Every figure of the quarterly return, defined once (issue 9; domain.md 2.7; D20).

A figure has a code, a label, a plain-English definition (the page shows it) and a version. A
figure whose meaning changes gets a new version, and its definition changes with it; a stored
return keeps the version of each of its figures, so an old return keeps what it meant.

How the past is read (D20). A return counts the records as they stood at the instant its quarter
ended (``Quarter.ends_at``), so nothing done later changes it:

- rows that change are read from their django-simple-history tables as they stood then
  (``returns.history.as_at``): a child's details (``HistoricalChild``), who is on MACSE
  (``HistoricalCohortEntry``), the clocks (``HistoricalDeadline``), missing episodes
  (``HistoricalMissingEpisode``), and the links of CSE1s and CSE2s to their child
  (``HistoricalReferral``, ``HistoricalAssessment``), which a merge of two records moves;
- rows that never change once they count are read from their own tables by the time they carry,
  which is when they were made: the CSE2s completed in the quarter (``completed_at``), a band
  override (``made_at``, added and never changed, and kept without a history table), a CSE1's
  receipt (``received_at``), and the MACSE decision that closed a case (fixed once the
  meeting's minutes are agreed, which is when the case closes).

Events fall in the quarter of their own London time (``returns.quarters``). An event recorded
only after its quarter ended (a missing episode entered a week late, a MACSE decision whose
minutes were agreed after the quarter's last day) cannot change that quarter's return, so it is
counted in the quarter it was recorded in: counted once, never lost. Each definition says so.

Counting (``returns.counting``). Each figure counts rows of one population (the children on
MACSE at the quarter's end, the CSE1s received, the CSE2s completed, the clocks due, the missing
episodes, the MACSE cases that ended), and every figure of a population is counted in one
aggregate query: six queries for a return, whatever the number of children.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from cse_framework.dashboards.performance import ON_TIME
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import add_calendar_months
from macse.models import AgendaItem, CohortEntry
from referrals.models import Child, Referral, YesNoNotKnown
from returns.counting import Category, Figure, Population, choices, count, yes_no
from returns.history import as_at
from returns.quarters import Quarter
from returns.structure import Return
from shield.models import Assessment, BandOverride, MissingEpisode
from shield.models.scheme import BandCode

# --- The children open to MACSE at the end of the quarter -------------------------------------

NO_CSE2 = "none"
AGE_BANDS = (  # (code, label, youngest age in the band) as at the quarter's last day
    ("under_10", "Under 10", 0),
    ("10_to_12", "10 to 12", 10),
    ("13_to_15", "13 to 15", 13),
    ("16_to_17", "16 or 17", 16),
    ("18_or_over", "18 or over", 18),
)
# The Department for Education's ethnic groups, from the codes on the register.
ETHNIC_GROUPS = (
    ("white", "White", ("WBRI", "WIRI", "WIRT", "WROM", "WOTH")),
    ("mixed", "Mixed or multiple ethnic groups", ("MWBC", "MWBA", "MWAS", "MOTH")),
    ("asian", "Asian or Asian British", ("AIND", "APKN", "ABAN", "AOTH")),
    ("black", "Black or Black British", ("BCRB", "BAFR", "BOTH")),
    ("other", "Chinese or any other ethnic group", ("CHNE", "OOTH")),
    ("not_known", "Refused, not obtained or not recorded", ("REFU", "NOBT", "")),
)


def _band_then(end) -> Subquery:
    """The band of the child's latest CSE2 completed before ``end``, or its override (the
    latest made before ``end``) if a Shield team manager overrode it (D2). The CSE2's link to
    the child is read as it stood then, so a later merge of two records changes nothing."""
    override = (
        BandOverride.objects.filter(assessment_id=OuterRef("id"), made_at__lt=end)
        .order_by("-made_at", "-pk")
        .values("band")[:1]
    )
    latest = (
        as_at(Assessment, end)
        .filter(child_id=OuterRef("id"), status=Assessment.Status.COMPLETED)
        .order_by("-completed_at", "-id")
        .annotate(then=Coalesce(Subquery(override), F("band")))
        .values("then")[:1]
    )
    return Subquery(latest)


def _age_band_on(day) -> Case:
    """The child's age band on ``day`` (a child is N from their Nth birthday, as
    ``referrals.rules.age_on`` counts it)."""
    return Case(
        *(
            When(date_of_birth__lte=add_calendar_months(day, -12 * youngest), then=Value(code))
            for code, _, youngest in reversed(AGE_BANDS[1:])
        ),
        default=Value(AGE_BANDS[0][0]),
    )


def _children_on_macse(quarter: Quarter) -> QuerySet:
    """The children open to MACSE as the records stood at the quarter's end, with their details
    then, their band then, and the models of exploitation named on their CSE1s received by then
    (``named_<model>``, one flag each)."""
    end = quarter.ends_at
    on_macse = as_at(CohortEntry, end).filter(status=CohortEntry.Status.OPEN).values("child_id")
    cse1s = (
        as_at(Referral, end)
        .filter(received_at__lt=end)
        .annotate(named=Cast("models_of_exploitation", TextField()))
    )

    def among(children) -> ExpressionWrapper:
        # "id IN (the children...)", not a correlated EXISTS: the database works the list out
        # once (a hashed subplan), where an EXISTS in a count's FILTER ran once per child, each
        # time reading the referrals' history whole.
        return ExpressionWrapper(Q(id__in=children.values("child_id")), output_field=BooleanField())

    return (
        as_at(Child, end)
        .filter(id__in=on_macse)
        .annotate(
            band=_band_then(end),
            age_band=_age_band_on(quarter.end),
            named_any=among(cse1s.exclude(named="[]")),
            **{
                f"named_{model}": among(cse1s.filter(named__contains=f'"{model}"'))
                for model in Referral.Model.values
            },
        )
    )


ON_MACSE = Population("on_macse", _children_on_macse)
ON_MACSE_DEFINITION = (
    "Children whose case was open to MACSE (adopted at a MACSE meeting, and not yet closed, "
    "stepped down or left at 18) as the records stood at the end of the quarter. A case closed "
    "after the quarter ended still counts, as it was then. "
)


def _on_macse(code: str, label: str, definition: str, categories, adds_up=True) -> Figure:
    return Figure(
        code=code,
        label=label,
        definition=ON_MACSE_DEFINITION + definition,
        version=1,
        population=ON_MACSE,
        total="macse_open",
        total_label="Children open to MACSE at the end of the quarter",
        categories=tuple(categories),
        adds_up=adds_up,
    )


MACSE_FIGURES = (
    _on_macse(
        "macse_open_by_band",
        "Children open to MACSE at the end of the quarter, by risk band",
        "Each is counted under the band of their latest CSE2 completed by then, or the band a "
        "Shield team manager overrode it to by then. A CSE2 completed or a band changed after "
        "the quarter ended does not change the figure. A child with no completed CSE2 is "
        "counted under 'No completed CSE2'.",
        (
            *choices("band", reversed(BandCode.choices)),
            Category(NO_CSE2, "No completed CSE2", Q(band__isnull=True)),
        ),
    ),
    _on_macse(
        "macse_open_by_age",
        "Children open to MACSE at the end of the quarter, by age",
        "Each is counted under their age on the quarter's last day, from their date of birth "
        "as recorded then.",
        (Category(code, label, Q(age_band=code)) for code, label, _ in AGE_BANDS),
    ),
    _on_macse(
        "macse_open_by_gender",
        "Children open to MACSE at the end of the quarter, by gender",
        "Each is counted under their gender as recorded on the register then.",
        choices("gender", Child.Gender.choices),
    ),
    _on_macse(
        "macse_open_by_ethnicity",
        "Children open to MACSE at the end of the quarter, by ethnic group",
        "Each is counted under the ethnic group of their ethnicity as recorded on the register "
        "then (the Department for Education's codes and groups).",
        (Category(code, label, Q(ethnicity__in=codes)) for code, label, codes in ETHNIC_GROUPS),
    ),
    _on_macse(
        "macse_open_by_disability",
        "Children open to MACSE at the end of the quarter, by disability",
        "Each is counted under whether they had a disability, as recorded on the register then.",
        choices("disability", YesNoNotKnown.choices),
    ),
    _on_macse(
        "macse_open_looked_after",
        "Children open to MACSE at the end of the quarter who were looked after",
        "'Yes' counts those recorded on the register then as open to children's social care "
        "as a looked-after child.",
        yes_no(Q(care_status=Child.CareStatus.LOOKED_AFTER)),
    ),
    _on_macse(
        "macse_open_placed_by_another_authority",
        "Children open to MACSE at the end of the quarter placed here by another authority",
        "'Yes' counts those recorded on the register then as placed here by another local "
        "authority.",
        yes_no(~Q(placing_authority="")),
    ),
    _on_macse(
        "macse_open_by_model",
        "Children open to MACSE at the end of the quarter, by model of exploitation",
        "Each is counted under every model of exploitation named on any of their CSE1s received "
        "by then, so a child may be counted under several and the models do not add up to the "
        "total. 'None named' counts those whose CSE1s named none.",
        (
            *(
                Category(model, label, Q(**{f"named_{model}": True}))
                for model, label in Referral.Model.choices
            ),
            Category("none_named", "None named", Q(named_any=False)),
        ),
        adds_up=False,
    ),
)

# --- The quarter's CSE1s and CSE2s ------------------------------------------------------------


def _cse1s_received(quarter: Quarter) -> QuerySet:
    return Referral.objects.filter(
        received_at__gte=quarter.starts_at, received_at__lt=quarter.ends_at
    ).order_by()


def _cse2s_completed(quarter: Quarter) -> QuerySet:
    return Assessment.objects.filter(
        status=Assessment.Status.COMPLETED,
        completed_at__gte=quarter.starts_at,
        completed_at__lt=quarter.ends_at,
        corrects__isnull=True,
    ).order_by()


CSE1_FIGURES = (
    Figure(
        code="cse1_received",
        label="CSE1s received in the quarter",
        definition="CSE1 referrals received by MASH, or by the Emergency Duty Team, in the "
        "quarter. A CSE1 sent outside office hours, not as an emergency, is received at 09:00 "
        "on the next working day, so one sent on the quarter's last evening counts in the "
        "next quarter.",
        version=1,
        population=Population("cse1s_received", _cse1s_received),
        total="cse1_received",
        total_label="CSE1s received in the quarter",
    ),
)
CSE2_FIGURES = (
    Figure(
        code="cse2_completed",
        label="CSE2s completed in the quarter, by kind",
        definition="CSE2 assessments completed in the quarter, by kind: initial, the 3-monthly "
        "review, after an incident, and at closure. A correction of a completed CSE2 is a new "
        "version of the same assessment, not a new one, so it is not counted.",
        version=1,
        population=Population("cse2s_completed", _cse2s_completed),
        total="cse2_completed",
        total_label="CSE2s completed in the quarter",
        categories=choices("kind", Assessment.Kind.choices),
    ),
)

# --- The clocks that fell due in the quarter --------------------------------------------------


def _clocks_due(quarter: Quarter) -> QuerySet:
    """The clocks due in the quarter that were still required at its end, as they stood then."""
    return as_at(Deadline, quarter.ends_at).filter(
        due_at__gte=quarter.starts_at,
        due_at__lt=quarter.ends_at,
        not_required_at__isnull=True,
    )


CLOCKS_DUE = Population("clocks_due", _clocks_due)
NOT_ON_TIME = Q(met_at__isnull=True) | Q(met_at__gt=F("due_at"))
CLOCK_DEFINITION = (
    " Counted from the clocks as they stood at the end of the quarter: one met after the "
    "quarter ended, or met on time but recorded only after the quarter ended, counts as not "
    "on time."
)


def _clock(kind: str, code: str, label: str, definition: str, on_time: str) -> Figure:
    """A clock's figure: due in the quarter, and met by the time it was due (the rule of the
    managers' dashboard, ``dashboards.performance.ON_TIME``): D4 for the strategy clocks, D5 and
    D17 for CSE2 reviews."""
    return Figure(
        code=code,
        label=label,
        definition=definition + CLOCK_DEFINITION,
        version=1,
        population=CLOCKS_DUE,
        total=code,
        total_label=label,
        where=Q(kind=kind),
        categories=(
            Category("on_time", on_time, ON_TIME),
            Category("not_on_time", "Not on time, or not done", NOT_ON_TIME),
        ),
    )


CLOCK_FIGURES = (
    _clock(
        Kind.CSE2_REVIEW,
        "cse2_reviews",
        "CSE2 reviews due in the quarter",
        "CSE2 reviews that fell due in the quarter: 3 calendar months after each completed "
        "CSE2, or 5 working days after a new incident. 'Done on time' counts those "
        "completed by the time they were due.",
        "Done on time",
    ),
    _clock(
        Kind.STRATEGY_DISCUSSION,
        "strategy_discussions",
        "Strategy discussions due in the quarter",
        "Strategy discussions that fell due in the quarter, 24 hours after MASH (or the "
        "Emergency Duty Team) received the referral, leaving out those MASH decided were "
        "not needed. 'Within 24 hours' counts those held by the time they were due.",
        "Within 24 hours",
    ),
    _clock(
        Kind.STRATEGY_MEETING,
        "strategy_meetings",
        "Strategy meetings due in the quarter",
        "Strategy meetings that fell due in the quarter, 72 hours after the strategy "
        "discussion that decided one was held. 'Within 72 hours' counts those held by the "
        "time they were due.",
        "Within 72 hours",
    ),
)

# --- Missing episodes -------------------------------------------------------------------------


def _missing_episodes(quarter: Quarter) -> QuerySet:
    """Episodes that began in the quarter, or began earlier and were first recorded in it."""
    return as_at(MissingEpisode, quarter.ends_at).filter(
        Q(went_missing_at__gte=quarter.starts_at) | Q(recorded_at__gte=quarter.starts_at),
        went_missing_at__lt=quarter.ends_at,
    )


MISSING_FIGURES = (
    Figure(
        code="missing_episodes",
        label="Missing episodes in the quarter, by return home interview",
        definition="Episodes of a child missing from home or care that began in the quarter, "
        "as recorded by its end, with any that began earlier but were first recorded in the "
        "quarter (an episode recorded late counts once, in the quarter it was recorded). "
        "'Return home interview done' counts those whose interview was recorded as done by the "
        "end of the quarter.",
        version=1,
        population=Population("missing_episodes", _missing_episodes),
        total="missing_episodes",
        total_label="Missing episodes in the quarter",
        categories=(
            Category("interview_done", "Return home interview done", Q(interview_done=True)),
            Category("no_interview", "No return home interview recorded", Q(interview_done=False)),
        ),
    ),
)

# --- Cases that left MACSE --------------------------------------------------------------------

ENDED = (CohortEntry.Status.CLOSED, CohortEntry.Status.STEPPED_DOWN)


def _macse_cases_ended(quarter: Quarter) -> QuerySet:
    """Cases whose time on MACSE ended on a day of the quarter, or earlier but recorded only in
    it (a meeting held at the end of one quarter whose minutes were agreed in the next), and
    whether a MACSE decision closed each on a CSE2 showing reduced risk (D11)."""
    ended_before = as_at(CohortEntry, quarter.starts_at).filter(status__in=ENDED).values("id")
    reduced_risk = AgendaItem.objects.filter(
        Q(closure_assessment__band=BandCode.LOWER)
        | Q(closure_assessment__direction=Assessment.Direction.DECREASED),
        meeting_id=OuterRef("ended_by_id"),
        child_id=OuterRef("child_id"),
        decision=AgendaItem.Decision.CLOSE,
    )
    return (
        as_at(CohortEntry, quarter.ends_at)
        .filter(status__in=ENDED, ended_on__lte=quarter.end)
        .exclude(id__in=ended_before)
        .annotate(reduced_risk=Exists(reduced_risk))
    )


CLOSED = Q(status=CohortEntry.Status.CLOSED)
ENDING_FIGURES = (
    Figure(
        code="macse_ended",
        label="Cases that left MACSE in the quarter, by how",
        definition="Children whose case left MACSE on a day of the quarter, as recorded by its "
        "end, with any that left earlier but were recorded as leaving only in this quarter (a "
        "meeting held at the end of one quarter whose minutes were agreed in the next). By "
        "how: closed by a MACSE decision resting on a CSE2 at band Lower or scoring below the "
        "one before it (reduced risk); stepped down; or closed for another reason, such as "
        "leaving MACSE at 18.",
        version=1,
        population=Population("macse_cases_ended", _macse_cases_ended),
        total="macse_ended",
        total_label="Cases that left MACSE in the quarter",
        categories=(
            Category("reduced_risk", "Closed with reduced risk", CLOSED & Q(reduced_risk=True)),
            Category("stepped_down", "Stepped down", Q(status=CohortEntry.Status.STEPPED_DOWN)),
            Category("other", "Closed for another reason", CLOSED & Q(reduced_risk=False)),
        ),
    ),
)

# --- The return -------------------------------------------------------------------------------

SECTIONS = (
    ("on_macse", "Children on MACSE at the end of the quarter", MACSE_FIGURES),
    ("referrals", "CSE1 referrals and CSE2 assessments", CSE1_FIGURES + CSE2_FIGURES),
    ("reviews", "CSE2 reviews", CLOCK_FIGURES[:1]),
    ("missing", "Missing from home or care", MISSING_FIGURES),
    ("left_macse", "Cases that left MACSE", ENDING_FIGURES),
    ("strategy", "Strategy discussions and meetings", CLOCK_FIGURES[1:]),
)
FIGURES = {figure.code: figure for _, _, figures in SECTIONS for figure in figures}


def compute(quarter: Quarter) -> Return:
    """The return for ``quarter``, exact (not yet suppressed: ``returns.suppression``)."""
    return count(quarter, SECTIONS)
