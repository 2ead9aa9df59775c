import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.accounts.models import User
from cse_framework.audit import patterns, policy, selectors
from cse_framework.audit.forms import AccessLogFilterForm, AccessLogQuery
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record


@require_http_methods(["GET", "POST"])
def access_log(request):
    """The access log for auditors, filterable by user and by child, 50 events a page. The
    filter is POSTed and answered with a redirect to the log by the user's id."""
    access.require_roles(request.user, policy.AUDITOR_ROLES)
    if request.method == "POST":
        form = AccessLogFilterForm(request.POST)
        if form.is_valid():
            query = urlencode(form.query())
            return redirect(f"{reverse('audit:log')}?{query}" if query else reverse("audit:log"))
        filters = {}
    else:
        query = AccessLogQuery(request.GET)
        form, filters = query.filter_form(), query.filters()
    page = selectors.access_events(**filters)
    params = request.GET.copy()
    params.pop("before", None)
    context = {
        "form": form,
        "events": page.rows,
        "older": page.next_after,
        "filters": params.urlencode(),
        "is_first_page": page.is_first,
        "can_export": bool(filters.get("user_id") or filters.get("child_id")),
        "pattern_user_id": filters.get("user_id"),
        "viewers_child_id": filters.get("child_id"),
        "export_limit": selectors.EXPORT_LIMIT,
    }
    return render(request, "audit/access_log.html", context)


FILTER_FIRST = "Filter the log by a user or a child record number, then download those events"


@require_http_methods(["GET"])
def access_log_export(request):
    """The log's events for one user (what they saw) or one child (who saw them) as CSV, the
    download itself recorded as an export of that user's or child's log."""
    from referrals.models import Child

    access.require_roles(request.user, policy.AUDITOR_ROLES)
    filters = AccessLogQuery(request.GET).filters()
    user_id, child_id = filters.get("user_id"), filters.get("child_id")
    subject = (Child.objects.filter(pk=child_id).first() if child_id else None) or (
        User.objects.filter(pk=user_id).first() if user_id else None
    )
    if subject is None:
        messages.error(request, FILTER_FIRST)
        return redirect("audit:log")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    writer = csv.writer(response)
    writer.writerow([label for _, label in selectors.EXPORT_COLUMNS])
    for row in selectors.access_events_for_export(user_id=user_id, child_id=child_id):
        writer.writerow(["" if value is None else value for value in row])
    record(request, AccessEvent.Action.EXPORT, subject)
    return response


def _period(request) -> int:
    try:
        days = int(request.GET.get("days", patterns.DEFAULT_DAYS))
    except ValueError:
        return patterns.DEFAULT_DAYS
    return days if days in patterns.PERIODS else patterns.DEFAULT_DAYS


@require_http_methods(["GET"])
def user_pattern(request, pk):
    """A user's access pattern over a period, for an auditor reviewing what they did."""
    access.require_roles(request.user, policy.AUDITOR_ROLES)
    subject = get_object_or_404(User.objects.select_related("agency", "team"), pk=pk)
    days = _period(request)
    context = {
        "subject": subject,
        "days": days,
        "periods": patterns.PERIODS,
        "pattern": patterns.user_pattern(subject.pk, days=days),
        "action_labels": [action.label for action in patterns.ACTIONS],
        "office_hours": patterns.OFFICE_HOURS,
    }
    return render(request, "audit/user_pattern.html", context)


@require_http_methods(["GET"])
def user_pattern_export(request, pk):
    """The pattern's day-by-day counts as CSV, the download recorded as an export of the user's
    log."""
    access.require_roles(request.user, policy.AUDITOR_ROLES)
    subject = get_object_or_404(User, pk=pk)
    pattern = patterns.user_pattern(subject.pk, days=_period(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-pattern.csv"'
    writer = csv.writer(response)
    writer.writerow(["Day (London)", "All events", *(a.label for a in patterns.ACTIONS)])
    for day in pattern.days:
        writer.writerow([day["day"], day["total"], *day["counts"]])
    record(request, AccessEvent.Action.EXPORT, subject)
    return response


@require_http_methods(["GET"])
def child_viewers(request, pk):
    """Who has seen a child's record: each user once, how often, first and last. Like the log it
    summarises, it shows no content of the record, only its number."""
    from referrals.models import Child

    access.require_roles(request.user, policy.AUDITOR_ROLES)
    child = Child.objects.filter(pk=pk).only("pk").first()
    if child is None:
        raise Http404
    context = {"child_id": child.pk, "viewers": patterns.child_viewers(child.pk)}
    return render(request, "audit/child_viewers.html", context)
