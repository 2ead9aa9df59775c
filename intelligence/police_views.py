"""Police handling pages (issue 8, items 2 and 3; D12): the queue of new reports, handling a
report (3x5x2 grading, police reference, outcome, the sanitised version for partners) and
recording a PAIR call. Police-only: the queue and a report's handling answer 404 to everyone
else (a report through the access mechanism's HANDLE action, the denial audited); the PAIR form,
which shows no record, answers 403. Thin: the rules are in intelligence.police_services."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_denial, record_view
from cse_framework.forms import add_service_errors
from cse_framework.pagination import CountedPaginator
from intelligence import police_services, policy
from intelligence.models import Report
from intelligence.police_forms import HandleForm, PairForm

PAGE_SIZE = 25
QUEUE_FIELDS = (
    "id",
    "channel",
    "submitted_at",
    "observed_from",
    "place",
    "what_happened",
    "caller_organisation",
)
STALE = (
    "Someone else changed this report's handling while you were working on it, so nothing was "
    "saved. What you entered is kept below: check the report as it is now and save again."
)


@require_GET
def police_queue(request):
    """New reports, oldest first, 25 a page: one query for the page and its total."""
    if not policy.sees_police_only(request.user):
        raise Http404
    reports = access.scope(request.user, Report.objects.filter(status=Report.Status.NEW)).only(
        *QUEUE_FIELDS
    )
    page = CountedPaginator(reports.order_by("submitted_at", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_view(request, page.object_list)
    return render(request, "intelligence/police_queue.html", {"page": page})


@require_http_methods(["GET", "POST"])
def report_handle(request, pk):
    report = access.get_object_or_404(request, Report.objects.all(), pk=pk)
    if not access.check(request.user, policy.HANDLE, report):
        record_denial(request, report)
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = HandleForm(posted, initial=HandleForm.initial_for(report))
    if posted is not None and form.is_valid():
        try:
            handled = police_services.report_handle(
                report=report, by=request.user, **form.service_fields()
            )
        except police_services.StaleError:
            report.refresh_from_db()
            again = posted.copy()
            again["version"] = str(report.version)
            form = HandleForm(again)
            form.is_valid()
            form.add_error(None, STALE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CHANGE, handled)
            return redirect(handled)
    record_view(request, [report])
    return render(request, "intelligence/police_handle.html", {"report": report, "form": form})


@require_http_methods(["GET", "POST"])
def pair_new(request):
    access.require_roles(request.user, policy.POLICE_ONLY_ROLES)
    form = PairForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = police_services.pair_record(by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CREATE, report)
            return redirect(reverse("intelligence:report-handle", kwargs={"pk": report.pk}))
    context = {
        "form": form,
        "title": "Record a PAIR call",
        "caption": "Intelligence",
        "button": "Save the PAIR entry",
    }
    return render(request, "intelligence/police_pair_form.html", context)
