"""Intelligence report pages: the landing page, "Pass on intelligence" (the form of domain.md
4.2), its confirmation (with the offer of a CSE1 when a child is named), the user's own reports,
and a report's page showing what the user may read of it (intelligence.policy.view_of: in full
to police-only users, what they submitted to the submitter, the sanitised version to partners
once police share it; otherwise 404, audited). Thin: the rules are in intelligence.services,
the reads in intelligence.selectors. Every form works without JavaScript."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from cse_framework.pagination import CountedPaginator
from intelligence import policy, selectors, services
from intelligence.models import Report
from intelligence.report_forms import ReportForm

PAGE_SIZE = 25
NAMED = "named"  # the confirmation's query: the submitter said a child is named


@require_GET
def index(request):
    access.require_roles(request.user, policy.LANDING_ROLES)
    context = {"section": policy.SECTION, "police": policy.sees_police_only(request.user)}
    return render(request, "intelligence/index.html", context)


@require_http_methods(["GET", "POST"])
def report_new(request):
    access.require_roles(request.user, policy.SUBMIT_ROLES)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CREATE, report)
            url = reverse("intelligence:report-submitted", kwargs={"pk": report.pk})
            return redirect(f"{url}?child={NAMED}" if form.cleaned_data["child_named"] else url)
    context = {
        "form": form,
        "title": "Pass on intelligence",
        "caption": "Intelligence",
        "button": "Send to police",
    }
    return render(request, "intelligence/report_form.html", context)


def _report_for_page(request, pk) -> tuple[Report, str]:
    report = access.get_object_or_404(request, Report.objects.all(), pk=pk)
    view = policy.view_of(request.user, report)
    record_view(request, [report])
    return report, view


@require_GET
def report_submitted(request, pk):
    """The confirmation, with the reference; a named child needs a referral (CSE1)."""
    report, view = _report_for_page(request, pk)
    if view not in (policy.FULL, policy.OWN) or report.submitted_by_id != request.user.pk:
        return redirect(report)
    context = {
        "report": report,
        "child_named": request.GET.get("child") == NAMED,
        "referral_start": f"{reverse('referrals:referral-start')}?intelligence={report.pk}",
    }
    return render(request, "intelligence/report_submitted.html", context)


@require_GET
def report_mine(request):
    """The reports the user submitted, 25 a page: one query for the page and its total."""
    access.require_roles(request.user, policy.SUBMIT_ROLES)
    page = CountedPaginator(selectors.reports_submitted_by(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_view(request, page.object_list)
    return render(request, "intelligence/report_mine.html", {"page": page})


@require_GET
def report_detail(request, pk):
    report, view = _report_for_page(request, pk)
    context = {
        "report": report,
        "view": view,
        "entities": selectors.entities_of(report) if view in (policy.FULL, policy.OWN) else [],
    }
    return render(request, "intelligence/report_detail.html", context)
