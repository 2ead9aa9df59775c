"""A meeting's printed agenda pack and minutes, kept with the meeting (issue 7). The
administrator asks for one; a Celery task gathers it (saying how many children are done),
renders it with WeasyPrint and keeps the PDF. A document that fails says why in plain English,
and the last one that rendered stays the one downloaded."""

import datetime as dt
import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone

from cse_framework.accounts.models import User
from cse_framework.pdf import pdf_from_html
from macse import pack
from macse.models import Meeting, MeetingDocument

logger = logging.getLogger(__name__)
Kind = MeetingDocument.Kind
Status = MeetingDocument.Status
PENDING = (Status.QUEUED, Status.RENDERING)
# The layouts; MACSE_DOCUMENT_TEMPLATES may name others (a council's own).
TEMPLATES = {Kind.AGENDA_PACK: "macse/pack.html", Kind.MINUTES: "macse/minutes.html"}
GATHER = {Kind.AGENDA_PACK: pack.gather_pack, Kind.MINUTES: pack.gather_minutes}
CONTEXT = {Kind.AGENDA_PACK: "pack", Kind.MINUTES: "minutes"}
PROGRESS_EVERY = 0.5  # seconds between two writes of the progress
STILL_PENDING = dt.timedelta(minutes=10)  # asking again within this gives the pending one


def template_of(kind: str) -> str:
    return {**TEMPLATES, **getattr(settings, "MACSE_DOCUMENT_TEMPLATES", {})}[kind]


def _what(kind: str) -> str:
    return Kind(kind).label.lower()


@transaction.atomic
def document_request(
    *, meeting: Meeting, by: User, kind: str, now: dt.datetime | None = None
) -> MeetingDocument:
    """Ask for a meeting's agenda pack or minutes: a document waiting for the task that prepares
    it, started once this transaction commits (a broker outage fails the document with the
    reason; it never fails the request). Asking again while the same person's request is still
    pending (asked in the last 10 minutes) gives that one."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose the agenda pack or the minutes"})
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # one request at a time
    pending = (
        MeetingDocument.objects.filter(
            meeting=meeting,
            kind=kind,
            requested_by=by,
            status__in=PENDING,
            requested_at__gte=now - STILL_PENDING,
        )
        .defer("pdf")
        .first()
    )
    if pending is not None:
        return pending
    document = MeetingDocument(
        meeting=meeting,
        kind=kind,
        requested_by=by,
        requested_at=now,
        total_items=pack.child_count(meeting.pk),
    )
    document.full_clean()
    document.save()
    transaction.on_commit(lambda: _hand_to_worker(document.pk, kind))
    return document


def _hand_to_worker(document_id: int, kind: str) -> None:
    from macse.tasks import render_document

    try:
        render_document.delay(document_id)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the request
        logger.warning("broker unavailable; MACSE document %s not started", document_id)
        _fail(
            document_id,
            f"The service that prepares documents could not be reached, so the {_what(kind)} "
            "was not started. Ask for it again in a few minutes.",
        )


def document_render(*, document_id: int, now: dt.datetime | None = None) -> MeetingDocument | None:
    """Prepare a requested document: gather what it shows (writing how many children are
    done), render it and keep the PDF and its number of pages. Safe to run twice: a document
    already done or failed is left as it is. Any error fails it with the reason in plain
    English; the last document of its kind that rendered stays the one downloaded. Not one
    transaction: the progress page must see each step as it is written."""
    document = _start(document_id)
    if document is None:
        return None
    progress = _ProgressWriter(document_id)
    try:
        gathered = GATHER[document.kind](
            document.meeting_id, user=document.requested_by, progress=progress, now=now
        )
        html = render_to_string(template_of(document.kind), {CONTEXT[document.kind]: gathered})
        pdf = pdf_from_html(html)
    except Exception as error:  # noqa: BLE001 - every failure is told to the administrator
        logger.exception("MACSE document %s (%s) failed", document_id, document.kind)
        return _fail(document_id, failure_reason(error, document.kind))
    MeetingDocument.objects.filter(pk=document_id).update(
        status=Status.DONE,
        pdf=pdf.content,
        pages=pdf.pages,
        police_only_items=any(item.police_only for item in gathered.items),
        done_items=progress.done,
        total_items=progress.total,
        finished_at=timezone.now(),
        error="",
    )
    return MeetingDocument.objects.filter(pk=document_id).defer("pdf").first()


def _start(document_id: int) -> MeetingDocument | None:
    with transaction.atomic():
        document = (
            MeetingDocument.objects.select_for_update()
            .select_related("requested_by")
            .defer("pdf")
            .filter(pk=document_id, status__in=PENDING)
            .first()
        )
        if document is None:
            return None
        document.status = Status.RENDERING
        document.done_items = 0
        document.save(update_fields=["status", "done_items"])
    return document


class _ProgressWriter:
    """Writes the progress as children are gathered: at most twice a second, and the last."""

    def __init__(self, document_id: int):
        self.document_id = document_id
        self.done = self.total = 0
        self.written_at = -PROGRESS_EVERY

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        moment = time.monotonic()
        if done < total and moment - self.written_at < PROGRESS_EVERY:
            return
        self.written_at = moment
        MeetingDocument.objects.filter(pk=self.document_id).update(
            done_items=done, total_items=total
        )


def _fail(document_id: int, reason: str) -> MeetingDocument | None:
    MeetingDocument.objects.filter(pk=document_id).update(
        status=Status.FAILED, error=reason, finished_at=timezone.now()
    )
    return MeetingDocument.objects.filter(pk=document_id).defer("pdf").first()


def failure_reason(error: Exception, kind: str) -> str:
    """What went wrong, for the administrator: plain English, never a stack trace."""
    what = _what(kind)
    if isinstance(error, Meeting.DoesNotExist):
        return f"The meeting was deleted before the {what} could be prepared."
    if isinstance(error, TemplateDoesNotExist | TemplateSyntaxError):
        return (
            f"The layout of the {what} could not be loaded, so nothing was printed. Tell the "
            "service desk: the layout needs fixing."
        )
    if isinstance(error, SoftTimeLimitExceeded):
        return (
            f"Preparing the {what} took too long and was stopped. Try again later; if it "
            "happens again, tell the service desk."
        )
    if isinstance(error, DatabaseError):
        return f"The records could not be read while preparing the {what}. Try again shortly."
    return (
        f"Something unexpected stopped the {what} being prepared ({type(error).__name__}). "
        "Try again; if it happens again, tell the service desk."
    )
