"""A kept quarterly return (issue 9): asked for, built by its Celery task with its progress, kept
with its exact figures and its files; regenerating makes a new version and leaves the old one's
bytes and figures as they were; a failed build says why and keeps nothing half-made; a quarter
not yet ended, before any record, or already being built is refused with a clear message.
The task runs here by calling it directly, as tests/macse/test_documents.py does: no worker."""

import dataclasses
import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from returns import figures, services
from returns.models import QuarterlyReturn
from returns.outputs import pdf_file
from returns.quarters import Quarter
from returns.tasks import build_return
from tests.factories.returns import kept_return, london, service_manager
from tests.returns import known_quarter

pytestmark = pytest.mark.django_db

Status = QuarterlyReturn.Status
Q1 = Quarter(2026, 1)
AUGUST = london(2026, 8, 1)


@pytest.fixture
def known():
    return known_quarter.build()


def _files(kept) -> dict:
    return {field: bytes(getattr(kept, field)) for field in ("csv", "xlsx", "pdf")}


def test_the_task_builds_a_ready_return_with_its_exact_figures_and_files(known, monkeypatch):
    """Progress is written after each step: each file is made with the figures counted and
    the files before it done."""
    seen = []
    for index, (field, step, make) in enumerate(services.FILES):

        def watching(report, heading, make=make):
            row = QuarterlyReturn.objects.get(status=Status.BUILDING)
            seen.append((row.progress, row.step))
            return make(report, heading)

        services_files = list(services.FILES)
        services_files[index] = (field, step, watching)
        monkeypatch.setattr(services, "FILES", tuple(services_files))
    kept = kept_return(now=AUGUST)
    assert seen == [
        (25, "Making the CSV file"),
        (50, "Making the spreadsheet (XLSX)"),
        (75, "Making the PDF for the board"),
    ]
    assert (kept.status, kept.progress, kept.step, kept.failure_reason) == (
        Status.READY,
        100,
        "Ready",
        "",
    )
    assert (kept.quarter, kept.version, kept.area) == (Q1, 1, "Knowsley")
    assert kept.built_at is not None
    assert kept.figures == figures.compute(Q1).as_dict()  # exact, not suppressed
    assert kept.figures["suppressed"] is False
    files = _files(kept)
    assert files["csv"].startswith(b"area,quarter,quarter_start,")
    assert files["pdf"].startswith(b"%PDF")
    assert zipfile.is_zipfile(io.BytesIO(files["xlsx"]))
    assert kept.filename("xlsx") == "knowsley-cse-return-2026-Q1-v1.xlsx"


def test_regenerating_makes_version_2_and_leaves_version_1_as_it_was(known, monkeypatch):
    """After the quarter, records change and a figure's definition gets a new version: version
    1 keeps its bytes and its figures with their old definition; version 2 has the new one."""
    first = kept_return(now=AUGUST)
    bytes_before, figures_before = _files(first), first.figures
    known_quarter.after_the_quarter(known)
    changed = dataclasses.replace(
        figures.FIGURES["cse1_received"], version=2, definition="A new meaning " * 10
    )
    sections = tuple(
        (code, title, tuple(changed if f.code == changed.code else f for f in group))
        for code, title, group in figures.SECTIONS
    )
    monkeypatch.setattr(figures, "SECTIONS", sections)
    second = kept_return(now=london(2026, 8, 2))
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert _files(first) == bytes_before
    assert first.figures == figures_before
    versions = {
        kept.version: next(
            row["version"]
            for section in kept.figures["sections"]
            for row in section["rows"]
            if row["code"] == "cse1_received"
        )
        for kept in (first, second)
    }
    assert versions == {1: 1, 2: 2}
    # Changes after the quarter never change its counts (D20).
    assert second.figures["sections"][0] == figures_before["sections"][0]


def test_a_failed_build_says_why_and_keeps_nothing_half_made(known, monkeypatch):
    """The CSV and XLSX are made, then the PDF's layout is missing: no figures, no file."""
    monkeypatch.setattr(pdf_file, "TEMPLATE", "returns/pdf/no-such-layout.html")
    kept = kept_return(now=AUGUST)
    assert kept.status == Status.FAILED
    assert kept.failure_reason.startswith("The layout of the PDF could not be loaded")
    assert (kept.figures, kept.csv, kept.xlsx, kept.pdf) == (None, None, None, None)
    assert kept.progress == 75  # where it stopped
    monkeypatch.undo()
    again = kept_return(now=AUGUST)  # a failed build does not block the next
    assert (again.status, again.version) == (Status.READY, 2)


def test_the_task_is_safe_to_run_twice(known):
    kept = kept_return(now=AUGUST)
    assert build_return(kept.pk) is None  # ready already: left as it was
    again = QuarterlyReturn.objects.get(pk=kept.pk)
    assert (again.status, again.built_at, _files(again)) == (
        Status.READY,
        kept.built_at,
        _files(kept),
    )


def test_a_second_request_while_one_is_waiting_is_refused(known):
    services.return_request(quarter="2026-Q1", by=service_manager(), now=AUGUST)
    with pytest.raises(ValidationError) as error:
        services.return_request(quarter="2026-Q1", by=service_manager(), now=AUGUST)
    assert error.value.messages == [
        "The return for Q1 2026-27 (April to June 2026) is already being built. Wait for it to "
        "finish, then build it again if you need a new version."
    ]
    assert QuarterlyReturn.objects.count() == 1


def test_a_build_lost_for_15_minutes_is_failed_when_asked_again(known):
    """A worker that stopped mid-build leaves its row building; it must not block the quarter."""
    lost = services.return_request(quarter="2026-Q1", by=service_manager(), now=AUGUST)
    services._start(lost.pk)
    with pytest.raises(ValidationError):
        services.return_request(
            quarter="2026-Q1", by=service_manager(), now=AUGUST + dt.timedelta(minutes=14)
        )
    again = services.return_request(
        quarter="2026-Q1", by=service_manager(), now=AUGUST + dt.timedelta(minutes=16)
    )
    lost.refresh_from_db()
    assert (lost.status, lost.failure_reason) == (Status.FAILED, services.ABANDONED)
    assert (again.status, again.version) == (Status.PENDING, 2)
    assert build_return(lost.pk) is None  # the lost task, if it ever runs, changes nothing


def test_a_quarter_not_yet_ended_is_refused_with_a_clear_message(known):
    with pytest.raises(ValidationError) as error:
        services.return_request(quarter="2026-Q2", by=service_manager(), now=AUGUST)
    assert error.value.messages == [
        "Q2 2026-27 (July to September 2026) has not ended yet. A return counts the records as "
        "they stood at the end of a quarter: choose Q1 2026-27 (April to June 2026) or an "
        "earlier one."
    ]
    assert not QuarterlyReturn.objects.exists()


def test_a_quarter_before_any_record_is_refused(known):
    with pytest.raises(ValidationError) as error:
        services.return_request(quarter="2025-Q2", by=service_manager(), now=AUGUST)
    assert "ended before the first record in the service" in error.value.messages[0]
    assert not QuarterlyReturn.objects.exists()


def test_a_ready_row_without_its_files_is_refused_by_the_database(known):
    kept = services.return_request(quarter="2026-Q1", by=service_manager(), now=AUGUST)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReturn.objects.filter(pk=kept.pk).update(status=Status.READY, progress=100)


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_fails_the_return_with_the_reason_never_the_request():
    from cse_framework.celery import app
    from tests.notices.test_outbox import _switch_broker

    known_quarter.build()
    working_url = app.conf.broker_url
    _switch_broker(app, "redis://127.0.0.1:9/0")  # nothing listens on port 9
    try:
        with transaction.atomic():
            kept = services.return_request(quarter="2026-Q1", by=service_manager(), now=AUGUST)
    finally:
        _switch_broker(app, working_url)
    kept.refresh_from_db()
    assert kept.status == Status.FAILED
    assert "could not be reached" in kept.failure_reason


def test_the_area_is_the_setting_when_the_return_was_asked_for(known, settings):
    settings.RETURN_AREA_NAME = "Westmere Borough"  # fictional
    kept = kept_return(now=AUGUST)
    settings.RETURN_AREA_NAME = "Knowsley"
    assert kept.area == "Westmere Borough"
    assert kept.filename("csv") == "westmere-borough-cse-return-2026-Q1-v1.csv"
    assert bytes(kept.csv).split(b"\r\n")[1].startswith(b"Westmere Borough,2026-Q1,")
