"""Reads of the clocks that the work lists, the dashboard and the API share."""

import datetime as dt

from django.db.models import Count, F, Q

from cse_framework import access
from cse_framework.timescales.models import Deadline

OPEN = Q(met_at__isnull=True, not_required_at__isnull=True)


def open_clocks(*, user):
    """Open clocks this user may see, soonest first, with what a list shows of each."""
    return (
        access.scope(user, Deadline.objects.filter(OPEN))
        .select_related("child", "owner", "owning_team")
        .prefetch_related("started_by")
        .order_by("due_at", "id")
    )


def my_clocks(*, user):
    return open_clocks(user=user).filter(owner=user)


def team_clocks(*, user):
    """The team's clocks that nobody has taken yet."""
    if not user.team_id:
        return Deadline.objects.none()
    return open_clocks(user=user).filter(owning_team_id=user.team_id, owner__isnull=True)


def overdue_summary(*, user, now: dt.datetime, kind: str = "", team: int | None = None):
    """Open clocks overdue, due in the next 24 hours and in the next 7 days, by kind, team and
    worker: one aggregate query."""
    clocks = access.scope(user, Deadline.objects.filter(OPEN))
    clocks = _filtered(clocks, kind, team)
    return (
        clocks.values("kind", "owning_team__name", "owner__full_name")
        .annotate(
            overdue=Count("id", filter=Q(due_at__lt=now)),
            next_24h=Count("id", filter=Q(due_at__gte=now, due_at__lt=now + dt.timedelta(1))),
            next_7d=Count("id", filter=Q(due_at__gte=now, due_at__lt=now + dt.timedelta(7))),
        )
        .filter(Q(overdue__gt=0) | Q(next_7d__gt=0))
        .order_by("kind", "owning_team__name", "owner__full_name")
    )


def on_time_rates(*, user, since: dt.datetime, now: dt.datetime, kind: str = "", team=None):
    """Of the clocks due between ``since`` and ``now`` that were required, how many were met on
    time, by kind ("not required" clocks are left out): one aggregate query."""
    clocks = access.scope(
        user, Deadline.objects.filter(due_at__gte=since, due_at__lt=now, not_required_at=None)
    )
    clocks = _filtered(clocks, kind, team)
    return (
        clocks.values("kind")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(met_at__isnull=False, met_at__lte=F("due_at"))),
        )
        .order_by("kind")
    )


def overdue_clocks(*, user, now: dt.datetime, kind: str = "", team=None):
    return _filtered(open_clocks(user=user).filter(due_at__lt=now), kind, team)


def _filtered(clocks, kind: str, team):
    if kind:
        clocks = clocks.filter(kind=kind)
    if team:
        clocks = clocks.filter(owning_team_id=team)
    return clocks


def met_late_unexplained(*, user):
    """This user's clocks met late that still need a reason."""
    return (
        access.scope(user, Deadline.objects.filter(owner=user, met_at__gt=F("due_at")))
        .filter(breach_reason_code="")
        .select_related("child", "owner", "owning_team")
        .prefetch_related("started_by")
        .order_by("-met_at")
    )


def breach_reasons(*, user, since: dt.datetime, now: dt.datetime, kind: str = "", team=None):
    """Why clocks due in the period were late, by reason: one aggregate query."""
    late = access.scope(
        user,
        Deadline.objects.filter(due_at__gte=since, due_at__lt=now, not_required_at=None).filter(
            Q(met_at__gt=F("due_at")) | Q(met_at__isnull=True)
        ),
    )
    return (
        _filtered(late, kind, team)
        .values("breach_reason_code")
        .annotate(count=Count("id"))
        .order_by("breach_reason_code")
    )
