"""Asking for a quarter's return and building it (issue 9), in the pattern of MACSE's printed
packs (``macse.document_services``): the request writes a row and hands it to a Celery task once
the transaction commits (a broker outage fails the row with the reason, never the request); the
task counts the figures, makes each file, writes its progress after each step, and marks the row
ready only with everything in it, in one write. Any failure is kept with its reason in plain
English, and nothing half-made is kept."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from cse_framework.accounts.models import User
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_by
from returns import figures
from returns.models import QuarterlyReturn
from returns.outputs.csv_file import csv_bytes
from returns.outputs.layout import Heading
from returns.outputs.pdf_file import pdf_bytes
from returns.outputs.xlsx_file import xlsx_bytes
from returns.quarters import Quarter, reportable_quarter
from returns.structure import Return

logger = logging.getLogger(__name__)
Status = QuarterlyReturn.Status
IN_PROGRESS = (Status.PENDING, Status.BUILDING)
FILES: tuple[tuple[str, str, Callable[[Return, Heading], bytes]], ...] = (
    ("csv", "Making the CSV file", csv_bytes),
    ("xlsx", "Making the spreadsheet (XLSX)", xlsx_bytes),
    ("pdf", "Making the PDF for the board", pdf_bytes),
)
STEPS = 1 + len(FILES)  # the figures, then each file
# A build asked for this long ago and still not done was lost (a worker stopped mid-build, or a
# broker that lost the message): longer than the task's hard time limit (tasks.py). Asking again
# then fails it with the reason, rather than leaving its quarter blocked for ever.
ABANDONED_AFTER = dt.timedelta(minutes=15)
ABANDONED = (
    "The return was not finished within 15 minutes, so it was stopped when it was asked for "
    "again. If this happens again, tell the service desk."
)


def _already_building(quarter: Quarter) -> ValidationError:
    return ValidationError(
        f"The return for {quarter.label} is already being built. Wait for it to finish, then "
        "build it again if you need a new version.",
        code="in_progress",
    )


@transaction.atomic
def return_request(
    *, quarter: str | Quarter, by: User, now: dt.datetime | None = None
) -> QuarterlyReturn:
    """Ask for a quarter's return: refused for a quarter not yet ended or before any record
    (D20), and while one for the quarter is waiting or being built (unless it was asked for
    more than 15 minutes ago: then it was lost, and is failed). Each request is a new version;
    earlier versions are never changed."""
    now = now or timezone.now()
    quarter = reportable_quarter(quarter, now=now)
    kept = QuarterlyReturn.objects.select_for_update().filter(
        year=quarter.year, number=quarter.number
    )
    for lost in kept.filter(status__in=IN_PROGRESS, requested_at__lt=now - ABANDONED_AFTER):
        _fail(lost.pk, ABANDONED)
    if kept.filter(status__in=IN_PROGRESS).exists():
        raise _already_building(quarter)
    latest = kept.aggregate(latest=Max("version"))["latest"] or 0
    kept_return = QuarterlyReturn(
        year=quarter.year,
        number=quarter.number,
        version=latest + 1,
        requested_by=by,
        requested_at=now,
        step="Waiting to start",
        area=settings.RETURN_AREA_NAME,
    )
    kept_return.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():  # two first requests at once: the second is refused
            kept_return.save(force_insert=True)
    except IntegrityError as error:
        raise _already_building(quarter) from error
    record_by(user=by, action=AccessEvent.Action.CREATE, obj=kept_return)
    transaction.on_commit(lambda: _hand_to_worker(kept_return.pk))
    return kept_return


def _hand_to_worker(pk: int) -> None:
    from returns.tasks import build_return

    try:
        build_return.delay(pk)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the request
        logger.warning("broker unavailable; quarterly return %s not started", pk)
        _fail(
            pk,
            "The service that builds returns could not be reached, so the return was not "
            "started. Build it again in a few minutes.",
        )


def return_build(pk: int) -> QuarterlyReturn | None:
    """Build a requested return: count its figures (kept exact, with each figure's definition
    and version), then make the CSV, the XLSX and the PDF, all suppressed (D14), writing the
    progress after each step; then mark it ready with everything in one write. Safe to run
    twice: a return already ready or failed is left as it is. Not one transaction: the return's
    page must see each step as it is written."""
    if not _start(pk):
        return None
    try:
        kept_return = QuarterlyReturn.objects.defer("pdf", "csv", "xlsx").get(pk=pk)
        report = figures.compute(kept_return.quarter)
        heading = Heading(area=kept_return.area, version=kept_return.version)
        files = {}
        for done, (field, step, make) in enumerate(FILES, start=1):
            _progress(pk, done, step)  # the steps done so far, and the one now under way
            files[field] = make(report, heading)
    except Exception as error:  # noqa: BLE001 - every failure is told to whoever asked
        logger.exception("quarterly return %s failed", pk)
        return _fail(pk, failure_reason(error))
    QuarterlyReturn.objects.filter(pk=pk, status=Status.BUILDING).update(
        status=Status.READY,
        figures=report.as_dict(),
        built_at=timezone.now(),
        progress=100,
        step="Ready",
        **files,
    )
    return QuarterlyReturn.objects.defer("pdf", "csv", "xlsx").get(pk=pk)


def _start(pk: int) -> bool:
    with transaction.atomic():
        started = QuarterlyReturn.objects.filter(pk=pk, status=Status.PENDING).update(
            status=Status.BUILDING, progress=0, step="Counting the figures"
        )
    return bool(started)


def _progress(pk: int, steps_done: int, step: str) -> None:
    QuarterlyReturn.objects.filter(pk=pk, status=Status.BUILDING).update(
        progress=100 * steps_done // STEPS, step=step
    )


def _fail(pk: int, reason: str) -> QuarterlyReturn | None:
    """Failed, with why; nothing of the build is kept (no figures, no file)."""
    QuarterlyReturn.objects.filter(pk=pk, status__in=IN_PROGRESS).update(
        status=Status.FAILED,
        failure_reason=reason,
        step="Failed",
        figures=None,
        pdf=None,
        csv=None,
        xlsx=None,
    )
    return QuarterlyReturn.objects.defer("pdf", "csv", "xlsx").filter(pk=pk).first()


def failure_reason(error: Exception) -> str:
    """What went wrong, for whoever asked: plain English, never a stack trace."""
    if isinstance(error, QuarterlyReturn.DoesNotExist):
        return "The return was deleted before it could be built."
    if isinstance(error, TemplateDoesNotExist | TemplateSyntaxError):
        return (
            "The layout of the PDF could not be loaded, so the return was not built. Tell the "
            "service desk: the layout needs fixing."
        )
    if isinstance(error, SoftTimeLimitExceeded):
        return (
            "Building the return took too long and was stopped. Try again later; if it happens "
            "again, tell the service desk."
        )
    if isinstance(error, DatabaseError):
        return "The records could not be read while building the return. Try again shortly."
    return (
        f"Something unexpected stopped the return being built ({type(error).__name__}). Try "
        "again; if it happens again, tell the service desk."
    )
