"""A meeting's printed agenda pack and minutes: asked for by the administrator, prepared by a
task whose progress page refreshes itself (no JavaScript needed), downloaded by whoever may see
the meeting, each download audited as a print of every child in it."""

import datetime as dt

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_view
from cse_framework.pdf import pdf_response
from macse import document_selectors as selectors
from macse import document_services
from macse.models import AgendaItem, Meeting, MeetingDocument
from macse.policy import ADMINISTER

REFRESH_SECONDS = 3  # how often the progress page reloads itself while the document is prepared
SLOW_START = dt.timedelta(minutes=5)  # waiting this long to start: the worker may be down


def _kind(slug: str) -> str:
    if slug not in selectors.SLUGS:
        raise Http404
    return selectors.SLUGS[slug]


def _meeting(request, pk: int) -> Meeting:
    return access.get_object_or_404(
        request, Meeting.objects.select_related("chair", "administrator"), pk=pk
    )


@require_POST
def document_request(request, pk, kind):
    """The administrator asks for the agenda pack or the minutes; then sees it being prepared."""
    kind = _kind(kind)
    meeting = _meeting(request, pk)
    if not access.check(request.user, ADMINISTER, meeting):
        raise Http404
    document = document_services.document_request(meeting=meeting, by=request.user, kind=kind)
    return redirect("macse:document-progress", pk=document.pk)


@require_GET
def document_progress(request, pk):
    """How far the document has got ("12 of 60 children gathered"), or why it failed. While it is
    being prepared the page reloads itself every few seconds (an HTTP Refresh, so no JavaScript);
    "Stop refreshing" turns that off."""
    document = access.get_object_or_404(
        request, MeetingDocument.objects.select_related("meeting").defer("pdf"), pk=pk
    )
    meeting = document.meeting
    if not access.check(request.user, ADMINISTER, meeting):
        raise Http404
    pending = document.status in document_services.PENDING
    refresh = pending and request.GET.get("refresh") != "off"
    ready = None
    if document.status != MeetingDocument.Status.DONE:
        ready = selectors.latest_ready(meeting, document.kind, user=request.user)
    context = {
        "document": document,
        "meeting": meeting,
        "slug": selectors.SLUG_OF[document.kind],
        "pending": pending,
        "refresh": refresh,
        "refresh_seconds": REFRESH_SECONDS,
        "slow_start": document.status == MeetingDocument.Status.QUEUED
        and timezone.now() - document.requested_at > SLOW_START,
        "ready": ready,
    }
    response = render(request, "macse/document_progress.html", context)
    if refresh:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@require_GET
def document_download(request, pk, kind):
    """The meeting's latest agenda pack or minutes that rendered, for whoever may see the
    meeting; a print of each child on the agenda is audited."""
    kind = _kind(kind)
    meeting = _meeting(request, pk)
    document = selectors.latest_ready(meeting, kind, user=request.user)
    if document is None:
        raise Http404
    document.meeting = meeting
    children = AgendaItem.objects.filter(meeting=meeting, child__isnull=False).only(
        "pk", "child_id"
    )
    record_view(request, children, action=AccessEvent.Action.PRINT)
    return pdf_response(bytes(document.pdf), filename=document.filename)
