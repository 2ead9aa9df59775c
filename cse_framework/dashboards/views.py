"""The managers' overdue dashboard: every figure from the Deadline rows, so it is right even if
no worker ran. A fixed number of queries whatever the number of clocks."""

import csv
import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_view
from cse_framework.dashboards import performance
from cse_framework.dashboards import policy as dashboards_policy
from cse_framework.dashboards.forms import OverdueFilterForm
from cse_framework.timescales import policy, selectors
from strategy import selectors as strategy_selectors

PAGE_SIZE = 25


def index(request):
    """The dashboards this user may open."""
    access.require_roles(request.user, dashboards_policy.LANDING_ROLES)
    context = {
        "section": dashboards_policy.SECTION,
        "overdue": access.has_role(request.user, policy.MANAGER_ROLES),
    }
    return render(request, "dashboards/index.html", context)


def overdue(request):
    """Open clocks overdue and due soon, by kind and team and for the workers with the most
    overdue: counts only, each row's overdue figure a link to those clocks (``overdue_list``)."""
    access.require_roles(request.user, policy.MANAGER_ROLES)
    now = timezone.now()
    filters = OverdueFilterForm(request.GET or None)
    context = {
        "summary": selectors.overdue_summary(user=request.user, now=now, **filters.values()),
        "workers_shown": selectors.WORKERS_SHOWN,
        "filters": filters,
        "query": request.GET.urlencode(),
        "now": now,
    }
    return render(request, "dashboards/overdue.html", context)


def overdue_list(request):
    """The overdue clocks themselves, the longest overdue first, 25 a page, filtered like the
    summary; each child shown is recorded in the access log."""
    access.require_roles(request.user, policy.MANAGER_ROLES)
    now = timezone.now()
    filters = OverdueFilterForm(request.GET or None)
    clocks = selectors.overdue_clocks(user=request.user, now=now, **filters.values())
    page = Paginator(clocks, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, [clock for clock in page.object_list if clock.child_id])
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode(), "now": now}
    return render(request, "dashboards/overdue_list.html", context)


def timeliness(request):
    """How the clocks have been met: on-time rates, reasons for lateness, and strategy
    discussions held without the police or health. Counts and references only."""
    access.require_roles(request.user, policy.MANAGER_ROLES)
    now = timezone.now()
    filters = OverdueFilterForm(request.GET or None)
    context = {
        **performance.figures(now=now, **filters.values()),
        "not_compliant": list(strategy_selectors.not_compliant(since=now - performance.QUARTER)),
        "filters": filters,
        "now": now,
    }
    return render(request, "dashboards/timeliness.html", context)


CSV_COLUMNS = ["clock", "reference", "child_record", "due_at_utc", "hours_overdue", "team", "owner"]


def overdue_csv(request):
    """The overdue clocks as CSV, through the access mechanism; each child in it is audited as
    an export. Columns are stable (CSV_COLUMNS)."""
    access.require_roles(request.user, policy.MANAGER_ROLES)
    now = timezone.now()
    chosen = OverdueFilterForm(request.GET or None).values()
    clocks = list(selectors.overdue_clocks(user=request.user, now=now, **chosen))
    record_view(
        request, [clock for clock in clocks if clock.child_id], action=AccessEvent.Action.EXPORT
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="overdue-clocks.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for clock in clocks:
        writer.writerow(
            [
                clock.get_kind_display(),
                getattr(clock.started_by, "reference", "") or "",
                str(clock.child_id or ""),
                clock.due_at.astimezone(dt.UTC).isoformat(timespec="minutes"),
                round((now - clock.due_at).total_seconds() / 3600, 1),
                clock.owning_team.name if clock.owning_team else "",
                clock.owner.full_name if clock.owner else "",
            ]
        )
    return response
