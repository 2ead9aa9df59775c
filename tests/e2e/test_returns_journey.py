"""Issue 9's journey in a browser, with axe on every page of it:

- A service manager chooses a quarter, builds its return (the task run here, as a worker would:
  no worker runs behind the live server), watches its progress, then sees each figure's chart
  with its table, downloads the PDF and the spreadsheet (their content checked) and opens the
  trends.
- The LSCB analyst opens the same return: aggregates only, no link to any child, and a child's
  record cannot be opened.

The data is the known quarter of tests/returns/known_quarter.py (Q1 2026-27); every child in it
is invented.
"""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cse_framework.accounts.roles import RoleCode
from referrals.models import Child
from returns import services
from returns.models import QuarterlyReturn
from tests.e2e.conftest import assert_accessible, make_user, sign_in
from tests.returns import known_quarter

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("memory_broker"),
]

QUARTER = "Q1 2026-27 (April to June 2026)"


def _heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def _download(page: Page, name: re.Pattern) -> bytes:
    with page.expect_download() as downloading:
        page.get_by_role("link", name=name).click()
    with open(downloading.value.path(), "rb") as file:
        return file.read()


def _build_the_return(page: Page) -> QuarterlyReturn:
    page.get_by_role("button", name="Build the return", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUARTER)
    # The page refreshes itself while the return is built: stop that for the axe check.
    page.get_by_role("link", name="Stop refreshing", exact=True).click()
    assert_accessible(page)
    kept = QuarterlyReturn.objects.get()
    assert kept.status == QuarterlyReturn.Status.PENDING
    services.return_build(kept.pk)  # as the worker would
    page.get_by_role("link", name="Refresh", exact=True).click()
    return kept


def _charts_and_tables(page: Page) -> None:
    charts = page.locator("svg[role=img]")
    expect(charts.first).to_be_visible()
    tables = page.get_by_role("table")
    assert tables.count() >= charts.count() > 0  # each chart has its table
    expect(page.get_by_text("Children open to MACSE").first).to_be_visible()
    assert_accessible(page)


def _downloads_hold_the_figures(page: Page) -> None:
    pdf = _download(page, re.compile(r"^Download the return: PDF"))
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "OFFICIAL" in text and "Children open to MACSE" in text, text[:400]
    xlsx = _download(page, re.compile(r"^Download the return: .*(XLSX|spreadsheet)", re.I))
    sheet = load_workbook(io.BytesIO(xlsx)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(cell).lower() for cell in rows[0]]
    assert any("figure" in cell for cell in header) and any("value" in cell for cell in header)
    values = {str(row[-1]) for row in rows[1:]}
    # D14: no small number leaves the service.
    assert not values & {"1", "2", "3", "4"}, values
    assert len(rows) > 10


def test_a_manager_builds_reads_and_downloads_a_return(page: Page, base_url):
    known_quarter.build()
    manager = make_user(RoleCode.SERVICE_MANAGER, full_name="Morwenna Castleby")
    sign_in(page, base_url, manager, next_path="/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly return")
    assert_accessible(page)
    page.get_by_label("Quarter", exact=True).select_option(label=QUARTER)
    kept = _build_the_return(page)
    _charts_and_tables(page)
    _downloads_hold_the_figures(page)
    page.get_by_role("link", name="These figures over the last eight quarters").click()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)

    # The LSCB analyst: the same aggregates, never a child.
    page.context.clear_cookies()
    analyst = make_user(RoleCode.LSCB_ANALYST, full_name="Ffion Hartwell")
    sign_in(page, base_url, analyst, next_path=f"/returns/{kept.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(QUARTER)
    assert page.locator("a[href*='/children/'], a[href*='/referrals/']").count() == 0
    assert_accessible(page)
    child = Child.objects.first()  # one of the known quarter's children, on the register
    response = page.goto(f"{base_url}/referrals/children/{child.pk}/")
    assert response.status in (403, 404)
