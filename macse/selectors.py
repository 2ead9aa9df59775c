"""Reads for MACSE that views, the API, the pack and tasks share. Each runs a fixed number of
queries whatever the size of the cohort."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cse_framework import access
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
from cse_framework.timescales.working_time import LONDON, is_working_day
from macse.models import AgendaItem, CohortEntry, Meeting
from referrals.models import Child, Referral
from referrals.rules import age_on

ADULT_AGE = 18  # D6


def cut_off_working_days() -> int:
    return getattr(settings, "MACSE_AGENDA_CUTOFF_WORKING_DAYS", 5)


def cut_off(meeting: Meeting) -> dt.datetime:
    """D9: an agenda takes the CSE1s forwarded to the administrator up to this moment: the start
    of the day that is ``MACSE_AGENDA_CUTOFF_WORKING_DAYS`` (5) working days before the meeting."""
    day = meeting.starts_at.astimezone(LONDON).date()
    remaining = cut_off_working_days()
    while remaining:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at)
        .order_by("-starts_at", "-id")
        .first()
    )


def meetings(*, user) -> QuerySet:
    return access.scope(user, Meeting.objects.select_related("chair", "administrator"))


@dataclass(frozen=True)
class ReviewDue:
    entry: CohortEntry
    due_at: dt.datetime | None
    deferred_from: AgendaItem | None = None


@dataclass
class Candidates:
    """What the administrator chooses the agenda from (D9)."""

    cut_off: dt.datetime
    since: dt.datetime | None  # the previous meeting's cut-off (the CSE1s since then are new)
    new_referrals: list  # Referral, with their child
    reviews_due: list  # ReviewDue: children on MACSE whose review is due by the meeting
    turned_18: list  # CohortEntry: 18 or over, not kept open (D6): they leave the cohort
    deferred: list  # AgendaItem: items deferred at earlier meetings and not heard since


def _on_agenda(meeting: Meeting):
    return AgendaItem.objects.filter(meeting=meeting, child_id=OuterRef("child_id"))


def agenda_candidates(meeting: Meeting) -> Candidates:
    """The CSE1s forwarded by MASH between the previous meeting's cut-off and this one's (the
    first meeting takes ``MACSE_FIRST_AGENDA_DAYS``, 31, before its cut-off) and not yet heard,
    the children on MACSE whose review falls due by the meeting day (D5), and items deferred at
    earlier meetings, none already on this agenda. Four queries."""
    until = cut_off(meeting)
    previous = previous_meeting(meeting)
    since = (
        cut_off(previous)
        if previous
        else until - dt.timedelta(days=getattr(settings, "MACSE_FIRST_AGENDA_DAYS", 31))
    )
    heard = AgendaItem.objects.filter(referral_id=OuterRef("pk"), deferred_at__isnull=True)
    new_referrals = list(
        Referral.objects.filter(
            forwarded_to_macse_at__gte=since,
            forwarded_to_macse_at__lt=until,
            child__isnull=False,
        )
        .exclude(Exists(heard))
        .exclude(Exists(_on_agenda(meeting)))
        .select_related("child")
        .order_by("forwarded_to_macse_at", "id")
    )
    day = meeting.starts_at.astimezone(LONDON).date()
    end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    review_due = (
        Deadline.objects.filter(OPEN, kind=Kind.MACSE_REVIEW, child_id=OuterRef("child_id"))
        .order_by("due_at")
        .values("due_at")[:1]
    )
    entries = list(
        CohortEntry.objects.filter(status=CohortEntry.Status.OPEN)
        .annotate(review_due_at=Subquery(review_due))
        .filter(Q(review_due_at__lt=end_of_day))
        .exclude(Exists(_on_agenda(meeting)))
        .select_related("child")
        .order_by("review_due_at", "id")
    )
    reviews, turned_18 = [], []
    for entry in entries:
        adult = age_on(entry.child.date_of_birth, day) >= ADULT_AGE
        if adult and not entry.kept_open_past_18_reason:
            turned_18.append(entry)
        else:
            reviews.append(ReviewDue(entry, entry.review_due_at))
    later = AgendaItem.objects.filter(
        child_id=OuterRef("child_id"),
        deferred_at__isnull=True,
        meeting__starts_at__gt=OuterRef("meeting__starts_at"),
    )
    deferred = list(
        AgendaItem.objects.filter(
            deferred_at__isnull=False,
            child__isnull=False,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .exclude(Exists(later))
        .exclude(Exists(_on_agenda(meeting)))
        .select_related("child", "meeting", "referral")
        .order_by("meeting__starts_at", "position")
    )
    listed = {r.entry.child_id for r in reviews} | {r.child_id for r in new_referrals}
    deferred = [item for item in deferred if item.child_id not in listed]
    return Candidates(until, since, new_referrals, reviews, turned_18, deferred)


def agenda(meeting: Meeting, *, user) -> list[AgendaItem]:
    """The meeting's items in order, with their children; a police-only item is shown to
    police-only users only (D12), to others as a placeholder (``hidden``)."""
    from macse.policy import sees_police_only

    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("child", "referral", "parents_asked_of", "closure_assessment")
        .order_by("position", "id")
    )
    police = sees_police_only(user)
    for item in items:
        item.hidden = item.police_only and not police
    return items


def child_age(child: Child, on: dt.date | None = None) -> int:
    return age_on(child.date_of_birth, on or timezone.localdate())


def meetings_listed(*, user, upcoming: bool, now: dt.datetime) -> QuerySet:
    """The meetings ``user`` sees, the upcoming first in date order or the past newest first,
    each with the number of children on its agenda."""
    children = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"), child__isnull=False)
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    listed = meetings(user=user).annotate(children_count=Coalesce(Subquery(children), 0))
    if upcoming:
        return listed.filter(starts_at__gte=now).order_by("starts_at", "id")
    return listed.filter(starts_at__lt=now).order_by("-starts_at", "-id")


def waiting_for_parents(*, user) -> list[AgendaItem]:
    """D9: the agenda items whose question "are the parents told?" waits for ``user``'s answer,
    at meetings whose minutes are not yet agreed."""
    return list(
        AgendaItem.objects.filter(
            parents_asked_of=user, parents_told__isnull=True, child__isnull=False
        )
        .exclude(meeting__status=Meeting.Status.CLOSED)
        .select_related("child", "meeting")
        .order_by("meeting__starts_at", "position", "id")
    )


def children_to_add(meeting: Meeting) -> QuerySet:
    """The children an administrator may add to an agenda by hand: those on MACSE and those whose
    CSE1 was forwarded to MACSE, not already on it."""
    on_agenda = AgendaItem.objects.filter(meeting=meeting, child__isnull=False).values("child_id")
    cohort = CohortEntry.objects.filter(status=CohortEntry.Status.OPEN).values("child_id")
    forwarded = Referral.objects.filter(
        forwarded_to_macse_at__isnull=False, child__isnull=False
    ).values("child_id")
    return (
        Child.objects.filter(Q(pk__in=cohort) | Q(pk__in=forwarded))
        .exclude(pk__in=on_agenda)
        .only("id", "given_names", "family_name", "date_of_birth")
        .order_by("family_name", "given_names", "id")
    )
