"""The synthetic data's history is dated as the work happened (generator version 8, D20): each
row's first history row at the time it came into being, and each later change (a clock met, a
referral triaged, a case allocated, a cohort entry ended) a row of its own at the time it was
made, so a return counted "as at" a past quarter's end from the history sees the data set as it
stood then."""

import datetime as dt

import pytest
from simple_history.models import registered_models

from cse_framework.synthetic import generator
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON
from intelligence.models import Report
from macse.models import Action, CohortEntry, Meeting
from referrals.models import Child, Referral
from returns.figures import compute
from returns.history import as_at
from returns.quarters import Quarter
from shield.models import Allocation, Assessment, Incident, MissingEpisode, ShieldCase

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 1)
AS_OF_ENDS = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
# Made when the generator runs, not part of the dated data set: the bench users, their agencies
# and teams, and what the migrations seed: the scoring scheme and the retention schedule.
UNDATED_APPS = {"accounts"}
UNDATED = {"shield.ScoringScheme", "retention.RetentionRule"}
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def plan():
    return generator.generate(children=60, seed=11, as_of=AS_OF)


def _dated_models():
    return [
        model
        for model in registered_models.values()
        if model._meta.app_label not in UNDATED_APPS and model._meta.label not in UNDATED
    ]


def _first_dates(model) -> dict:
    history = model.history.model.objects.filter(history_type="+")
    return dict(history.values_list(model._meta.pk.attname, "history_date"))


def test_every_history_row_is_dated_by_the_as_of_day_and_in_order(plan):
    """No history row after the as-of day; one creation row per row, before its changes."""
    written = 0
    for model in _dated_models():
        history = model.history.model.objects.all()
        assert not history.filter(history_date__gte=AS_OF_ENDS).exists(), model._meta.label
        pk = model._meta.pk.attname
        assert history.filter(history_type="+").count() == model.objects.count()
        assert not history.filter(history_type="-").exists()
        rows = history.order_by(pk, "history_date", "history_id").values_list(pk, "history_type")
        first = {}
        for key, kind in rows:
            first.setdefault(key, kind)
        assert set(first.values()) <= {"+"}, model._meta.label
        written += len(first)
    assert written > 1000


def test_each_row_is_created_at_its_own_time(plan):
    """The first history row of each is dated when it came into being."""
    own_times = {
        Child: "created_at",
        Referral: "received_at",
        Allocation: "allocated_at",
        Incident: "recorded_at",
        MissingEpisode: "recorded_at",
        Assessment: "created_at",
        ShieldCase: "opened_at",
        Action: "created_at",
        Report: "submitted_at",
    }
    for model, name in own_times.items():
        own = dict(model.objects.values_list("pk", name))
        assert own, model._meta.label
        assert _first_dates(model) == own, model._meta.label


def test_a_clock_met_later_was_open_until_it_was_met(plan):
    """Two history rows: open when it started, met when what met it was recorded (for a CSE2
    review, the completion of the next CSE2, at the time it meets)."""
    met = Deadline.objects.filter(met_at__isnull=False)
    assert met.count() > 50
    for deadline in met:
        rows = list(deadline.history.order_by("history_date", "history_id"))
        assert len(rows) >= 2
        assert rows[0].history_type == "+" and rows[0].met_at is None
        assert rows[0].history_date <= rows[-1].history_date
        assert rows[-1].met_at == deadline.met_at
        if deadline.kind == "cse2_review":
            assert len(rows) == 2 and rows[-1].history_date == deadline.met_at
            assert rows[0].history_date < deadline.met_at
    assert as_at(Deadline, AS_OF_ENDS).count() == Deadline.objects.count()


def test_a_row_changed_several_times_has_a_history_row_for_each_change(plan):
    """A MACSE meeting: planned, its agenda built, held, then closed (its status changed twice),
    each row at the time of its change, with the version it had."""
    for meeting in Meeting.objects.all()[:5]:
        rows = list(meeting.history.order_by("history_date", "history_id"))
        assert [(row.history_type, row.status, row.version) for row in rows] == [
            ("+", "planned", 1),
            ("~", "planned", 2),
            ("~", "held", 3),
            ("~", "closed", 4),
        ]
        assert [row.history_date for row in rows] == [
            meeting.created_at,
            meeting.agenda_built_at,
            meeting.starts_at,
            meeting.closed_at,
        ]
        assert rows[0].agenda_built_at is None and rows[1].agenda_built_at is not None
        assert rows[2].closed_at is None and rows[3].closed_at == meeting.closed_at


def test_ended_cohort_entries_and_allocations_read_as_they_stood(plan):
    """A cohort entry reads open until the minutes that ended it were agreed, and ended after;
    a referral received before it was triaged; a case in the queue until allocated."""
    ended = CohortEntry.objects.exclude(status=CohortEntry.Status.OPEN).select_related(
        "ended_by", "first_heard_at"
    )
    assert ended.exists()
    for entry in ended:
        closing = entry.ended_by.closed_at
        before = as_at(CohortEntry, closing - SECOND).get(id=entry.pk)
        assert before.status == CohortEntry.Status.OPEN and before.ended_on is None
        assert as_at(CohortEntry, closing + SECOND).get(id=entry.pk).status == entry.status
        adopted = entry.first_heard_at.closed_at
        assert not as_at(CohortEntry, adopted - SECOND).filter(id=entry.pk).exists()
        assert entry.history.as_of(closing - SECOND).status == CohortEntry.Status.OPEN
    triaged = Referral.objects.filter(status=Referral.Status.TRIAGED)
    for referral in triaged[:20]:
        then = as_at(Referral, referral.triaged_at - SECOND).get(id=referral.pk)
        assert then.status == Referral.Status.RECEIVED and then.decision == ""
        after = as_at(Referral, referral.triaged_at + SECOND).get(id=referral.pk)
        assert after.status == Referral.Status.TRIAGED and after.decision == referral.decision
    for allocation in Allocation.objects.all()[:20]:
        at = allocation.allocated_at
        assert as_at(ShieldCase, at - SECOND).get(id=allocation.case_id).worker_id is None
        assert as_at(ShieldCase, at + SECOND).get(id=allocation.case_id).worker_id == (
            allocation.worker_id
        )


def test_a_past_quarters_return_counts_the_children_then_on_macse(plan):
    """The return for a quarter that ended before the as-of date counts the children open to
    MACSE then: those adopted by minutes agreed before its end and not yet ended."""
    quarter = Quarter(2026, 1)  # April to June 2026
    assert quarter.ends_at < AS_OF_ENDS
    end = quarter.ends_at
    entries = CohortEntry.objects.select_related("first_heard_at", "ended_by")
    expected = {
        entry.child_id
        for entry in entries
        if entry.first_heard_at.closed_at < end
        and (entry.ended_by is None or entry.ended_by.closed_at >= end)
    }
    assert expected
    report = compute(quarter)
    totals = {row.code: row.total.count for row in report.rows()}
    assert totals["macse_open_by_band"] == len(expected)
    assert totals["cse2_reviews"] > 0
