"""Reads of the clocks that the work lists, the dashboard and the API share."""

import datetime as dt

from django.db.models import Count, F, Q

from cse_framework import access
from cse_framework.accounts.models import Team, User
from cse_framework.timescales import listing
from cse_framework.timescales.models import Deadline

OPEN = Q(met_at__isnull=True, not_required_at__isnull=True)
DAY, WEEK = dt.timedelta(days=1), dt.timedelta(days=7)
WORKERS_SHOWN = 10
# A listed clock: its own columns and the names shown beside it.
LISTED = (
    *(field.name for field in Deadline._meta.concrete_fields),
    "child__given_names",
    "child__family_name",
    "owner__full_name",
    "owning_team__name",
)


def open_clocks(*, user):
    """Open clocks this user may see, soonest first, with what a list shows of each (the child's
    name, the owner's, the team's, and the event that started it)."""
    return (
        access.scope(user, Deadline.objects.filter(OPEN))
        .select_related("child", "owner", "owning_team")
        .only(*LISTED)
        .prefetch_related(listing.started_by())
        .order_by("due_at", "id")
    )


def my_clocks(*, user):
    return open_clocks(user=user).filter(owner=user)


def team_clocks(*, user):
    """The team's clocks that nobody has taken yet."""
    if not user.team_id:
        return Deadline.objects.none()
    return open_clocks(user=user).filter(owning_team_id=user.team_id, owner__isnull=True)


def overdue_summary(*, user, now: dt.datetime, kind: str = "", team: int | None = None) -> dict:
    """Open clocks overdue, due in the next 24 hours and in the next 7 days, by kind and team,
    and the workers with the most overdue: two aggregates over the open clocks due within a week
    (read from a covering index), then the names of the teams and workers shown; four queries
    whatever the number of clocks."""
    clocks = access.scope(user, Deadline.objects.filter(OPEN, due_at__lt=now + WEEK))
    clocks = _filtered(clocks, kind, team)
    counts = {
        # Counting due_at (never null), not id, lets the index alone answer.
        "overdue": Count("due_at", filter=Q(due_at__lt=now)),
        "next_24h": Count("due_at", filter=Q(due_at__gte=now, due_at__lt=now + DAY)),
        "next_7d": Count("due_at", filter=Q(due_at__gte=now)),
    }
    by_kind = list(clocks.values("kind", "owning_team_id").annotate(**counts).order_by())
    by_worker = list(
        clocks.filter(owner__isnull=False)
        .values("owner_id", "owning_team_id")
        .annotate(**counts)
        .order_by("-overdue", "-next_24h", "owner_id")[:WORKERS_SHOWN]
    )
    teams = dict(
        Team.objects.filter(pk__in={row["owning_team_id"] for row in by_kind}).values_list(
            "pk", "name"
        )
    )
    names = dict(
        User.objects.filter(pk__in=[row["owner_id"] for row in by_worker]).values_list(
            "pk", "full_name"
        )
    )
    for row in by_kind + by_worker:
        row["team"] = teams.get(row["owning_team_id"], "")
    for row in by_worker:
        row["worker"] = names[row["owner_id"]]
    return {
        "by_kind": sorted(by_kind, key=lambda row: (row["kind"], row["team"])),
        "by_worker": by_worker,
    }


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
        .prefetch_related(listing.started_by())
        .order_by("-met_at")
    )
