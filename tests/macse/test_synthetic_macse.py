"""The synthetic data's MACSE (macse/synthetic.py): monthly meetings with their attendance and
agendas, decisions carried as meeting_close carries them (the cohort, the D5 review clocks, the
plan versions), plans with 2-6 actions each a clock, a few deferrals and closures (D11); the
same rows for the same seed; meetings of realistic size at any scale (areas)."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from cse_framework.synthetic import generator
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON
from macse import services
from macse import synthetic as macse_synthetic
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
from referrals.models import Referral

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 1)


@pytest.fixture
def generated():
    return generator.generate(children=250, seed=3, as_of=AS_OF)


def test_monthly_meetings_with_attendance_standing_items_and_positions(generated):
    """A closed meeting on the second Thursday of each month, quorate, its agenda numbered 1..n
    in the standard order (new referrals, reviews, then the standing items)."""
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert len(meetings) == generated.counts["MACSE meetings"] == 36
    for meeting in meetings:
        local = meeting.starts_at.astimezone(LONDON)
        assert local.weekday() == 3 and 8 <= local.day <= 14 and local.hour == 10
        assert meeting.status == Meeting.Status.CLOSED and meeting.closed_at > meeting.starts_at
        assert meeting.starts_at.date() < AS_OF
    quorate = [services.quorum(m)["quorate"] for m in meetings]
    assert 0.75 * len(meetings) <= sum(quorate) < len(meetings) + 1
    assert Attendee.objects.count() == generated.counts["MACSE attendees"] == 7 * 36
    for meeting in meetings:
        items = list(meeting.items.order_by("position"))
        assert [item.position for item in items] == list(range(1, len(items) + 1))
        order = [services.SECTION_ORDER.index(item.section) for item in items]
        assert order == sorted(order)
        assert {item.section for item in items} >= set(services.STANDING)
    sizes = [m.items.filter(child__isnull=False).count() for m in meetings[-12:]]
    assert 10 <= max(sizes) <= 60
    assert AgendaItem.objects.count() == generated.counts["MACSE agenda items"]
    assert AgendaItem.objects.filter(police_only=True, child__isnull=True).exists()  # D12
    # Its history as it happened: added when the agenda was built, then minuted, decided or
    # deferred at the meeting.
    item = AgendaItem.objects.first()
    rows = list(item.history.order_by("history_date"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert rows[0].history_date == item.meeting.agenda_built_at
    assert rows[-1].version == item.version


def test_every_forwarded_cse1_is_heard_at_the_first_meeting_after_it_and_decided(generated):
    """D9: a CSE1 forwarded before a meeting's cut-off is on that meeting's agenda (or the next,
    if deferred there); every child's item is decided or deferred, never both."""
    meetings = list(Meeting.objects.order_by("starts_at"))
    cut_offs = [cut_off(meeting) for meeting in meetings]
    items = AgendaItem.objects.filter(child__isnull=False)
    by_referral = defaultdict(list)
    for item in items.exclude(referral=None).select_related("meeting"):
        by_referral[item.referral_id].append(item)
    forwarded = Referral.objects.filter(forwarded_to_macse_at__lt=cut_offs[-1])
    first_of_meeting = 0
    for referral in forwarded:
        expected = next(
            m
            for m, c in zip(meetings, cut_offs, strict=True)
            if c > (referral.forwarded_to_macse_at)
        )
        heard = by_referral.get(referral.pk)
        if heard is None:  # a second CSE1 for the same meeting goes with the first
            first_of_meeting += 1
            assert items.filter(meeting=expected, child_id=referral.child_id).exists()
            continue
        assert min(i.meeting.starts_at for i in heard) == expected.starts_at
    assert first_of_meeting < 0.05 * forwarded.count()
    for item in items:
        assert item.decided != item.deferred
        if item.deferred:
            assert item.deferred_reason
    decisions = Counter(items.values_list("decision", flat=True))
    assert {"adopt", "signpost", "continue", "step_down", "close"} <= set(decisions)
    deferred = items.filter(deferred_at__isnull=False).count()
    assert 0 < deferred < 0.08 * items.count()


def test_the_cohort_and_its_review_clocks_follow_meeting_close(generated):
    """D5: each hearing of a child kept on MACSE starts a review clock (_review_due) met by their
    next hearing; an open entry has exactly one open clock; an ended one none; each closure rests
    on a CSE2 at Lower or scoring below the one before (D11)."""
    item_type = ContentType.objects.get_for_model(AgendaItem)
    clocks = {
        clock.started_by_id: clock
        for clock in Deadline.objects.filter(kind=Kind.MACSE_REVIEW, started_by_type=item_type)
    }
    entries = CohortEntry.objects.all()
    assert entries.count() == generated.counts["MACSE cohort entries"] > 20
    assert {"open", "stepped_down", "closed"} <= set(entries.values_list("status", flat=True))
    for entry in entries:
        heard = list(
            AgendaItem.objects.filter(
                child_id=entry.child_id,
                deferred_at__isnull=True,
                meeting__starts_at__gte=entry.first_heard_at.starts_at,
            )
            .select_related("meeting")
            .order_by("meeting__starts_at")
        )
        if entry.ended_by_id:
            heard = [i for i in heard if i.meeting.starts_at <= entry.ended_by.starts_at]
        assert heard[0].decision == "adopt"
        last_due = None
        for this, following in zip(heard, [*heard[1:], None], strict=True):
            if this.decision in services.ENDING:
                assert str(this.pk) not in clocks and following is None
                assert entry.status == services.ENDING[this.decision]
                continue
            clock = clocks[str(this.pk)]
            after = last_due or this.meeting.starts_at
            assert clock.due_at == services._review_due(after, services.meeting_day(this.meeting))
            assert clock.starts_at == this.meeting.starts_at
            if following is None:
                assert clock.is_open and entry.status == "open"
            else:
                assert clock.met_at == following.meeting.starts_at
                assert clock.closed_by_id == str(following.pk)
                # Heard again at a review once due, or sooner for a new CSE1.
                due_day = clock.due_at.astimezone(LONDON).date()
                assert following.section == "new_referral" or (
                    services.meeting_day(following.meeting) >= due_day
                )
            last_due = clock.due_at
        started = [clocks[str(i.pk)] for i in heard if str(i.pk) in clocks]
        assert sum(clock.is_open for clock in started) == (1 if entry.status == "open" else 0)
    for item in AgendaItem.objects.filter(decision="close"):
        assert services.closure_evidence_problem(item.child_id, item.closure_assessment) == ""


def test_plans_have_versions_and_2_to_6_actions_each_a_clock(generated):
    """One plan per entry, a kept version per hearing that kept the child on (numbered 1..n, the
    first agreed before its actions were added, as the service does); each action a clock, met
    by the note that marked it done, not required when cancelled; its status its last note's."""
    plans = Plan.objects.all()
    assert plans.count() == CohortEntry.objects.count() == generated.counts["MACSE plans"]
    action_type = ContentType.objects.get_for_model(Action)
    progress_type = ContentType.objects.get_for_model(ActionProgress)
    counts = Counter(Action.objects.values_list("plan_id", flat=True))
    assert set(counts.values()) <= set(range(2, 7)) and len(counts) == plans.count()
    for plan in plans.prefetch_related("versions")[:40]:
        numbers = [version.number for version in plan.versions.all()]
        assert numbers == list(range(1, len(numbers) + 1))
        assert plan.versions.all()[0].actions == []
        if len(numbers) > 1:
            snapshot = plan.versions.all()[1].actions
            assert {a["id"] for a in snapshot} == set(plan.actions.values_list("pk", flat=True))
    assert PlanVersion.objects.count() == generated.counts["MACSE plan versions"]
    clocks = {
        clock.started_by_id: clock
        for clock in Deadline.objects.filter(kind=Kind.ACTION, started_by_type=action_type)
    }
    actions = Action.objects.prefetch_related("progress")
    assert len(clocks) == actions.count() == generated.counts["MACSE actions"]
    statuses = Counter()
    for action in actions:
        notes = list(action.progress.all())
        status = notes[-1].status if notes else "not_started"
        assert action.status == status
        statuses[status] += 1
        clock = clocks[str(action.pk)]
        assert clock.owner_id == action.owner_id
        assert clock.due_at.astimezone(LONDON).date() >= action.due_on or (
            clock.due_at == clock.starts_at
        )
        if status == "done":
            done = next(n for n in notes if n.status == "done")
            assert clock.met_at == done.recorded_at
            assert (clock.closed_by_type, clock.closed_by_id) == (progress_type, str(done.pk))
        elif status == "cancelled":
            assert clock.not_required_at == notes[-1].recorded_at
        else:
            assert clock.is_open
        if action.owner_id is None:
            assert action.owner_name and clock.owning_team_id
    assert {"done", "in_progress", "not_started", "cancelled"} <= set(statuses)
    assert ActionProgress.objects.count() == generated.counts["MACSE action progress"]
    assert not ActionProgress.objects.filter(recorded_at__date__gt=AS_OF).exists()
    item_type = ContentType.objects.get_for_model(AgendaItem)
    ours = Deadline.objects.filter(started_by_type__in=[action_type, item_type])
    assert ours.count() == generated.counts["MACSE clocks"]


def _macse_rows():
    return (
        list(
            AgendaItem.objects.order_by(
                "meeting__starts_at", "meeting__venue", "position"
            ).values_list("section", "child_id", "decision", "deferred_at")
        ),
        list(
            Action.objects.order_by("created_at", "description").values_list(
                "plan__child_id", "section", "status", "due_on"
            )
        ),
    )


def test_same_seed_gives_the_same_macse_rows():
    runs = []
    for seed in (11, 11, 12):
        with transaction.atomic():
            generator.generate(children=60, seed=seed, as_of=AS_OF)
            runs.append(_macse_rows())
            transaction.set_rollback(True)
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_large_data_sets_are_shared_into_areas_with_their_own_meetings(monkeypatch):
    """Each area of AREA_CHILDREN children has its own monthly meeting, so a meeting's size
    does not grow with the data set; a child is heard only in their area's meetings."""
    monkeypatch.setattr(macse_synthetic, "AREA_CHILDREN", 60)
    monkeypatch.setattr(macse_synthetic, "CHUNK_AREAS", 2)
    generator.generate(children=200, seed=4, as_of=AS_OF)
    venues = set(Meeting.objects.values_list("venue", flat=True))
    assert len(venues) == 4  # 60, 60, 60 and 20 children
    assert Meeting.objects.count() == 4 * 36
    areas = defaultdict(set)
    for child_id, venue in AgendaItem.objects.filter(child__isnull=False).values_list(
        "child_id", "meeting__venue"
    ):
        areas[child_id].add(venue)
    assert areas and all(len(found) == 1 for found in areas.values())
