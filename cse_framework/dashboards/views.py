"""The managers' overdue dashboard: every figure from the Deadline rows, so it is right even if
no worker ran. A fixed number of queries whatever the number of clocks."""

import csv
import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_view
from cse_framework.dashboards import policy as dashboards_policy
from cse_framework.dashboards.forms import OverdueFilterForm
from cse_framework.timescales import policy, selectors
from strategy.models import StrategyDiscussion

PAGE_SIZE = 25
MONTH, QUARTER = dt.timedelta(days=30), dt.timedelta(days=91)


def index(request):
    """The dashboards this user may open."""
    access.require_roles(request.user, dashboards_policy.LANDING_ROLES)
    context = {
        "section": dashboards_policy.SECTION,
        "overdue": access.has_role(request.user, policy.MANAGER_ROLES),
    }
    return render(request, "dashboards/index.html", context)


def overdue(request):
    access.require_roles(request.user, policy.MANAGER_ROLES)
    now = timezone.now()
    filters = OverdueFilterForm(request.GET or None)
    chosen = filters.values()
    user = request.user
    clocks = selectors.overdue_clocks(user=user, now=now, **chosen)
    page = Paginator(clocks, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, [clock for clock in page.object_list if clock.child_id])
    rates = {
        "month": list(selectors.on_time_rates(user=user, since=now - MONTH, now=now, **chosen)),
        "quarter": list(selectors.on_time_rates(user=user, since=now - QUARTER, now=now, **chosen)),
    }
    query = request.GET.copy()
    query.pop("page", None)
    since = now - QUARTER
    context = {
        "reasons": list(selectors.breach_reasons(user=user, since=since, now=now, **chosen)),
        "not_compliant": list(
            StrategyDiscussion.objects.filter(
                Q(police_took_part=False) | Q(health_took_part=False), held_at__gte=since
            )
            .select_related("referral")
            .order_by("-held_at")[:PAGE_SIZE]
        ),
        "summary": list(selectors.overdue_summary(user=user, now=now, **chosen)),
        "rates": rates,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "now": now,
    }
    return render(request, "dashboards/overdue.html", context)


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
