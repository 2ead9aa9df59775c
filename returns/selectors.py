"""Reads of kept returns shared by the pages, the API and the trends. A return's files are read
only by its download (each list and page defers them)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from returns.models import QuarterlyReturn
from returns.quarters import Quarter, first_record_at

FILES = ("pdf", "csv", "xlsx")
FORMATS = {  # download format -> (content type, what it is)
    "pdf": ("application/pdf", "PDF for the board"),
    "csv": ("text/csv; charset=utf-8", "CSV"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Spreadsheet (XLSX)",
    ),
}
MOST_QUARTERS_OFFERED = 40  # ten years back at most


def kept_returns() -> QuerySet:
    """Every kept return, newest quarter and version first, without its files."""
    return QuarterlyReturn.objects.defer(*FILES).select_related("requested_by")


def kept_return_get(*, pk: int) -> QuarterlyReturn:
    return get_object_or_404(kept_returns(), pk=pk)


def ready_returns() -> QuerySet:
    return kept_returns().filter(status=QuarterlyReturn.Status.READY)


def kept_file(*, pk: int, fmt: str) -> QuarterlyReturn:
    """A ready return with only the file asked for read."""
    return get_object_or_404(
        QuarterlyReturn.objects.only("year", "number", "version", "area", "status", fmt),
        pk=pk,
        status=QuarterlyReturn.Status.READY,
    )


def latest_ready(quarters: list[Quarter]) -> dict[Quarter, QuarterlyReturn]:
    """The latest ready version of each of ``quarters`` that has one (one query)."""
    years = {quarter.year for quarter in quarters}
    latest: dict[Quarter, QuarterlyReturn] = {}
    for kept in (
        QuarterlyReturn.objects.defer(*FILES)
        .filter(status=QuarterlyReturn.Status.READY, year__in=years)
        .order_by("year", "number", "version")
    ):
        if kept.quarter in quarters:
            latest[kept.quarter] = kept  # the later version wins
    return latest


def reportable_quarters(*, now: dt.datetime) -> list[Quarter]:
    """The quarters a return can be built for, newest first: ended, and ending after the
    service's first record (returns.quarters.check_reportable), ten years back at most."""
    first = first_record_at()
    if first is None:
        return []
    quarters: list[Quarter] = []
    quarter = Quarter.latest_ended(now)
    while quarter.ends_at > first and len(quarters) < MOST_QUARTERS_OFFERED:
        quarters.append(quarter)
        quarter = quarter.previous
    return quarters
