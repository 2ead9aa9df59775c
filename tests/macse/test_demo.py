"""seed_demo's MACSE (macse/demo.py; the rest of the demo: tests/accounts/test_seed_demo.py): a
past meeting with attendance, minutes and decisions, closed so plans, versions and clocks exist,
with actions; next month's meeting with its agenda built and ready to print; a second run adds
nothing."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON, add_calendar_months
from macse import demo, services
from macse.models import (
    Action,
    ActionProgress,
    AgendaItem,
    Attendee,
    CohortEntry,
    Meeting,
    Plan,
    PlanVersion,
)
from macse.selectors import cut_off

pytestmark = pytest.mark.django_db
DEMO_CHILDREN = {"Poppy", "Evie", "Mason"}


def _seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def _counts() -> tuple:
    models = (Meeting, Attendee, AgendaItem, CohortEntry, Plan, PlanVersion, Action, Deadline)
    return tuple(model.objects.count() for model in models)


def test_a_past_meeting_with_minutes_decisions_attendance_and_plans():
    _seed()
    past, upcoming = Meeting.objects.order_by("starts_at")
    assert past.status == Meeting.Status.CLOSED and past.starts_at < timezone.now()
    assert past.confidentiality_acknowledged_at == past.starts_at
    assert services.quorum(past)["quorate"]
    attendance = set(past.attendees.values_list("attendance", flat=True))
    assert attendance == {"present", "apologies", "sent_information"}
    heard = past.items.filter(child__isnull=False).select_related("child")
    assert {item.child.given_names for item in heard} == DEMO_CHILDREN
    for item in heard:
        assert item.decision == "adopt" and item.minutes and item.decision_rationale
        assert item.parents_told is not None and item.referral_id
    assert not past.items.filter(child__isnull=True, minutes="").exists()
    assert past.items.filter(flag_decision="create").count() == 2
    assert not past.items.filter(parents_told=False, parents_not_told_reason="").exists()
    for entry in CohortEntry.objects.select_related("child"):
        assert entry.first_heard_at == past and entry.status == "open"
        plan = entry.plan
        assert plan.versions.get().meeting == past
        assert 2 <= plan.actions.count() <= 3
        review = Deadline.objects.get(kind=Kind.MACSE_REVIEW, child=entry.child)
        assert review.is_open
        assert review.due_at == services._review_due(past.starts_at, services.meeting_day(past))
    actions = Action.objects.all()
    assert Deadline.objects.filter(kind=Kind.ACTION, child__isnull=False).count() >= len(actions)
    assert actions.filter(owner__isnull=True, owner_name__startswith="Jordan").exists()
    assert {"done", "in_progress", "not_started"} <= set(actions.values_list("status", flat=True))
    assert not ActionProgress.objects.filter(recorded_at__gt=timezone.now()).exists()
    assert all(a.created_at > past.closed_at for a in actions)


def test_next_months_meeting_has_its_agenda_built_ready_to_print():
    """The CSE1s forwarded since the last cut-off (D9) and the three children whose review
    falls due by the meeting (D5), each asked whether parents are told, then the standing
    items."""
    _seed()
    past, upcoming = Meeting.objects.order_by("starts_at")
    today = timezone.localdate()
    day = upcoming.starts_at.astimezone(LONDON).date()
    assert (day.year * 12 + day.month) - (today.year * 12 + today.month) == 1
    assert day.weekday() == 3 and 8 <= day.day <= 14
    assert add_calendar_months(services.meeting_day(past), 3) <= day
    assert upcoming.status == Meeting.Status.PLANNED and upcoming.agenda_built_at
    assert cut_off(upcoming) > timezone.now()
    reviews = upcoming.items.filter(section="review").select_related("child")
    assert {item.child.given_names for item in reviews} == DEMO_CHILDREN
    new = upcoming.items.filter(section="new_referral")
    assert new.count() >= 3 and all(item.referral_id for item in new)
    sections = list(upcoming.items.order_by("position").values_list("section", flat=True))
    assert sections[-5:] == list(services.STANDING)
    assert upcoming.attendees.filter(user=upcoming.chair).exists()
    assert not Meeting.objects.exclude(venue=demo.VENUE).exists()


def test_a_second_run_adds_nothing():
    _seed()
    counts = _counts()
    _seed()
    assert _counts() == counts


@pytest.mark.parametrize(
    "today", [dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2027, 6, 30)]
)
def test_the_dates_hold_whatever_the_day(today):
    """Next month's second Thursday; the past meeting a Thursday whose reviews fall due by it."""
    past, upcoming = demo._days(today)
    assert upcoming.weekday() == past.weekday() == 3
    assert upcoming > today + dt.timedelta(days=7) and past < today - dt.timedelta(days=40)
    assert (
        add_calendar_months(past, 3)
        <= upcoming
        < add_calendar_months(past, 3) + (dt.timedelta(days=7))
    )


def test_the_demo_seeds_on_the_last_day_of_a_month():
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, tzinfo=dt.UTC), tick=False):
        _seed()
        upcoming = Meeting.objects.order_by("starts_at").last()
        assert upcoming.items.filter(section="new_referral").exists()
