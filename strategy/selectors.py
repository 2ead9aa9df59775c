"""Reads for the strategy pages: what is waiting for a discussion or a meeting, from the clocks,
in a fixed number of queries whatever the number of referrals."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from cse_framework import access
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import open_clocks
from strategy.models import StrategyDiscussion, StrategyMeeting

WAITING_SHOWN = 25
RECENT_SHOWN = 10


def waiting(*, user) -> dict:
    """Open 24-hour clocks (a discussion to hold) and 72-hour clocks (a meeting to arrange or
    hold, with the meeting if arranged), soonest first: each kind from the index of open clocks
    by kind, whatever the number of other clocks open."""
    clocks = open_clocks(user=user)
    discussions = list(clocks.filter(kind=Kind.STRATEGY_DISCUSSION)[:WAITING_SHOWN])
    meetings = list(clocks.filter(kind=Kind.STRATEGY_MEETING)[:WAITING_SHOWN])
    arranged = {
        meeting.discussion_id: meeting
        for meeting in (
            StrategyMeeting.objects.filter(
                discussion_id__in=[clock.started_by_id for clock in meetings], held_at__isnull=True
            ).only("discussion", "scheduled_for")
            if meetings
            else []
        )
    }
    for clock in meetings:
        clock.meeting = arranged.get(int(clock.started_by_id))
    return {"discussions_due": discussions, "meetings_due": meetings}


def recent(*, user) -> dict:
    """The discussions and meetings recorded last, with only what the list shows of them (a
    referral's whole CSE1 is not read for its reference)."""
    return {
        "recent_discussions": list(
            access.scope(
                user,
                StrategyDiscussion.objects.select_related("referral").only(
                    "child", "held_at", "referral__reference"
                ),
            ).order_by("-recorded_at", "id")[:RECENT_SHOWN]
        ),
        "recent_meetings": list(
            access.scope(
                user,
                StrategyMeeting.objects.select_related("referral").only(
                    "child", "held_at", "scheduled_for", "referral__reference"
                ),
            ).order_by("-created_at", "id")[:RECENT_SHOWN]
        ),
    }


def meeting_clock(discussion: StrategyDiscussion) -> Deadline | None:
    """The 72-hour clock the discussion started, if it decided on a meeting."""
    return Deadline.objects.filter(
        kind=Kind.STRATEGY_MEETING,
        started_by_type=ContentType.objects.get_for_model(StrategyDiscussion),
        started_by_id=str(discussion.pk),
    ).first()


def not_compliant(*, since, shown: int = WAITING_SHOWN):
    """Discussions held since ``since`` without the police or health taking part, newest first
    (the overdue dashboard's compliance list)."""
    return (
        StrategyDiscussion.objects.filter(
            Q(police_took_part=False) | Q(health_took_part=False), held_at__gte=since
        )
        .select_related("referral")
        .only("held_at", "not_compliant_reason", "referral__reference")
        .order_by("-held_at")[:shown]
    )
