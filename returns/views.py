"""The quarterly return's pages (issue 9): the kept returns and the form to build one; a
return's page (its progress while it is built, reloading itself with no JavaScript; then its
figures, each explained, charted and tabled, and its downloads); the trends. Managers and the
LSCB analyst (``returns.policy``); every number suppressed (D14); no child anywhere."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record
from returns import policy, selectors, services, trends
from returns.charts import figure_chart
from returns.forms import QuarterForm
from returns.structure import SYMBOLS, Return
from returns.suppression import suppress

REFRESH_SECONDS = 3  # how often a return's page reloads itself while the return is built
SLOW_START = dt.timedelta(minutes=5)  # waiting this long to start: the worker may be down


@require_http_methods(["GET", "POST"])
def index(request):
    """The kept returns, newest first, and the form to build one."""
    access.require_roles(request.user, policy.ROLES)
    now = timezone.now()
    quarters = selectors.reportable_quarters(now=now)
    form = QuarterForm(request.POST or None, quarters=quarters)
    if request.method == "POST":
        access.require_roles(request.user, policy.BUILD_ROLES)
        if form.is_valid():
            try:
                kept = services.return_request(
                    quarter=form.cleaned_data["quarter"], by=request.user, now=now
                )
            except ValidationError as error:
                form.add_error("quarter", error)
            else:
                return redirect("returns:detail", pk=kept.pk)
    context = {
        "form": form,
        "quarters": quarters,
        "returns": selectors.kept_returns(),
        "may_build": access.has_role(request.user, policy.BUILD_ROLES),
    }
    return render(request, "returns/index.html", context)


def _suppressed(kept) -> Return:
    return suppress(Return.from_dict(kept.figures))


@require_GET
def detail(request, pk):
    """A return: its progress while it is built (an HTTP Refresh every few seconds, and a link
    to check again; "Stop refreshing" turns it off), why it failed, or its figures."""
    access.require_roles(request.user, policy.ROLES)
    kept = selectors.kept_return_get(pk=pk)
    refresh = kept.in_progress and request.GET.get("refresh") != "off"
    context = {
        "kept": kept,
        "refresh": refresh,
        "refresh_seconds": REFRESH_SECONDS,
        "slow_start": kept.status == kept.Status.PENDING
        and timezone.now() - kept.requested_at > SLOW_START,
        "formats": selectors.FORMATS,
        "symbols": SYMBOLS,
    }
    if kept.status == kept.Status.READY:
        report = _suppressed(kept)
        context["sections"] = [
            (section, [(row, figure_chart(row)) for row in section.rows])
            for section in report.sections
        ]
    response = render(request, "returns/detail.html", context)
    if refresh:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@require_GET
def download(request, pk, fmt):
    """A kept return's file, the bytes stored when it was built; each download is audited as
    an export."""
    access.require_roles(request.user, policy.ROLES)
    if fmt not in selectors.FORMATS:
        raise Http404
    kept = selectors.kept_file(pk=pk, fmt=fmt)
    record(request, AccessEvent.Action.EXPORT, kept)
    response = HttpResponse(bytes(getattr(kept, fmt)), content_type=selectors.FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{kept.filename(fmt)}"'
    return response


@require_GET
def trend(request, pk):
    """The return's figures over the eight quarters ending with its own, as charts and a table
    (``returns.trends``: kept returns where they exist, otherwise counted now)."""
    access.require_roles(request.user, policy.ROLES)
    kept = selectors.kept_return_get(pk=pk)
    if kept.status != kept.Status.READY:
        raise Http404
    report = _suppressed(kept)
    points = trends.trend(kept.quarter)
    context = {
        "kept": kept,
        "report": report,
        "points": points,
        "charts": trends.total_charts(report, points),
        "table": trends.table(report, points),
        "symbols": SYMBOLS,
    }
    return render(request, "returns/trend.html", context)
