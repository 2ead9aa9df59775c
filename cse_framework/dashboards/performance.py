"""On-time rates and reasons for lateness for the overdue dashboard.

Counting a quarter's clocks (tens of thousands of rows in a large authority) on every page view
would make the dashboard slower as the authority's history grows, so the beat works the figures
out every minute (``refresh``) into a snapshot of counts by kind, team and reason, and the page
adds up the rows it needs. A page finding no snapshot, or one older than ``FRESH_FOR`` (no worker
running), works them out itself, so the figures are never older than that. Managers see every
clock (timescales.policy), so one snapshot serves them all.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q

from cse_framework.dashboards.models import PerformanceFigure, PerformanceSnapshot
from cse_framework.timescales.models import Deadline

MONTH, QUARTER = dt.timedelta(days=30), dt.timedelta(days=91)
FRESH_FOR = dt.timedelta(minutes=5)
ON_TIME = Q(met_at__isnull=False, met_at__lte=F("due_at"))
COUNTS = ("due_last_month", "on_time_last_month", "due_last_quarter", "on_time_last_quarter")


def refresh(*, now: dt.datetime) -> PerformanceSnapshot:
    """Work the figures out as at ``now`` (one aggregate query) and replace older snapshots."""
    last_month = Q(due_at__gte=now - MONTH)
    counts = (
        Deadline.objects.filter(due_at__gte=now - QUARTER, due_at__lt=now, not_required_at=None)
        .values("kind", "owning_team_id", "breach_reason_code")
        .annotate(
            due_last_quarter=Count("id"),
            on_time_last_quarter=Count("id", filter=ON_TIME),
            due_last_month=Count("id", filter=last_month),
            on_time_last_month=Count("id", filter=ON_TIME & last_month),
        )
        .order_by()
    )
    with transaction.atomic():
        snapshot = PerformanceSnapshot.objects.create(worked_out_at=now)
        PerformanceFigure.objects.bulk_create(
            PerformanceFigure(snapshot=snapshot, **row) for row in counts
        )
        PerformanceSnapshot.objects.exclude(pk=snapshot.pk).filter(worked_out_at__lte=now).delete()
    return snapshot


def latest(*, now: dt.datetime) -> PerformanceSnapshot:
    """The newest snapshot, worked out afresh if there is none or it is older than FRESH_FOR."""
    snapshot = PerformanceSnapshot.objects.order_by("-worked_out_at").first()
    if snapshot is None or not now - FRESH_FOR <= snapshot.worked_out_at <= now:
        snapshot = refresh(now=now)
    return snapshot


def figures(*, now: dt.datetime, kind: str = "", team: int | None = None) -> dict:
    """The dashboard's rates ({"month": [...], "quarter": [...]}, by kind, each with due and
    on_time) and reasons (clocks late in the last quarter, by reason), filtered like the page."""
    snapshot = latest(now=now)
    rows = snapshot.figures.all()
    if kind:
        rows = rows.filter(kind=kind)
    if team:
        rows = rows.filter(owning_team_id=team)
    rates = {"month": defaultdict(lambda: [0, 0]), "quarter": defaultdict(lambda: [0, 0])}
    late = defaultdict(int)
    for code, reason, *counts in rows.values_list("kind", "breach_reason_code", *COUNTS):
        due_month, on_time_month, due_quarter, on_time_quarter = counts
        _add(rates["month"][code], due_month, on_time_month)
        _add(rates["quarter"][code], due_quarter, on_time_quarter)
        late[reason] += due_quarter - on_time_quarter
    return {
        "worked_out_at": snapshot.worked_out_at,
        "rates": {
            period: [
                {"kind": code, "due": due, "on_time": on_time}
                for code, (due, on_time) in sorted(by_kind.items())
                if due
            ]
            for period, by_kind in rates.items()
        },
        "reasons": [
            {"breach_reason_code": code, "count": count}
            for code, count in sorted(late.items())
            if count
        ],
    }


def _add(totals: list[int], due: int, on_time: int) -> None:
    totals[0] += due
    totals[1] += on_time
