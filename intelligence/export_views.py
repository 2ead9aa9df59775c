"""Sending a report on to police, and its PDF (issue 8, item 8; D12, D21).

"Send to the police mailbox": a confirmation page naming the mailbox, then the send (by
intelligence.export_services), back to the report with a success banner; for police-only users
and the report's submitter, 404 for everyone else (audited). The PDF: what the user may read of
the report (intelligence.policy.view_of: in full with the grading to police-only users, what they
sent to the submitter, the sanitised version to partners it is shared with), marked
OFFICIAL-SENSITIVE, through the access mechanism (404 otherwise, audited); each download is in
the access log as a print."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.pdf import render_pdf
from intelligence import export_services, policy, selectors
from intelligence.models import Report


def _report(request, pk) -> Report:
    """The report, if the user may read any of it (404 otherwise, the denial audited)."""
    return access.get_object_or_404(request, Report.objects.select_related("submitted_by"), pk=pk)


@require_http_methods(["GET", "POST"])
def report_send(request, pk):
    report = _report(request, pk)
    if not export_services.may_send(request.user, report):
        access.deny(request, report)
    mailbox = settings.POLICE_INTELLIGENCE_MAILBOX
    if request.method == "POST":
        export_services.report_export(report=report, by=request.user)
        messages.success(request, f"{report.reference} was sent to the police mailbox {mailbox}")
        return redirect(report)
    record_view(request, [report])
    context = {
        "report": report,
        "mailbox": mailbox,
        "sends": list(export_services.sends_of(report)),
    }
    return render(request, "intelligence/report_send.html", context)


@require_GET
def report_pdf(request, pk):
    report = _report(request, pk)
    view = policy.view_of(request.user, report)
    if view is None:  # the scope and view_of agree; this is the deny-by-default backstop
        access.deny(request, report)
    record(request, AccessEvent.Action.PRINT, report)
    context = {
        "report": report,
        "view": view,
        "entities": selectors.entities_of(report) if view in (policy.FULL, policy.OWN) else [],
        "printed_by": request.user.full_name,
        "printed_at": timezone.now(),
    }
    return render_pdf("intelligence/report_pdf.html", context, filename=f"{report.reference}.pdf")
