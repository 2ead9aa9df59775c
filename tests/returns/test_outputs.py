"""The files of a kept return (issue 9): the CSV and XLSX in their documented column layout (one
line per figure and category, the same for every area), the PDF for the board marked OFFICIAL
with each chart's table, and every small number hidden in each of them (D14)."""

import csv
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from returns.outputs.layout import COLUMNS, Heading
from returns.outputs.xlsx_file import xlsx_bytes
from returns.quarters import Quarter
from returns.structure import SYMBOLS, Cell, Return, Row, Section
from tests.factories.returns import kept_return, london
from tests.returns import known_quarter

pytestmark = pytest.mark.django_db

HEADER = (
    "area,quarter,quarter_start,quarter_end,return_version,section,figure_code,figure_label,"
    "definition_version,category_code,category_label,value"
)
COMMON = ["Knowsley", "2026-Q1", "2026-04-01", "2026-06-30", "1"]
CSE2S = ["referrals", "cse2_completed", "CSE2s completed in the quarter, by kind", "1"]
LOOKED_AFTER = [
    "on_macse",
    "macse_open_looked_after",
    "Children open to MACSE at the end of the quarter who were looked after",
    "1",
]
ON_MACSE = "Children open to MACSE at the end of the quarter"


@pytest.fixture(scope="module")
def files(django_db_setup, django_db_blocker):
    """One kept return of the known quarter, its files read once for the module."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            known = known_quarter.build()
            kept = kept_return(now=london(2026, 8, 1))
            result = {
                "csv": bytes(kept.csv),
                "xlsx": bytes(kept.xlsx),
                "pdf": bytes(kept.pdf),
                "names": [
                    name
                    for child in known.children.values()
                    for name in (child.given_names, child.family_name)
                ],
            }
            transaction.set_rollback(True)
    return result


def _csv_lines(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def _shown_only(value) -> bool:
    """A value as it may leave the service: 0, 5 or more, "<5" or "[c]" (D14)."""
    if value in SYMBOLS:
        return True
    return int(value) == 0 or int(value) >= 5


def test_the_csv_has_one_line_per_figure_and_category_in_the_documented_layout(files):
    lines = _csv_lines(files["csv"])
    assert files["csv"].decode().split("\r\n")[0] == HEADER
    assert tuple(lines[0]) == COLUMNS
    assert len(lines) == 1 + 15 + 50  # the header, each figure's total, each category
    cse2s = [line for line in lines if line[6] == "cse2_completed"]
    assert cse2s == [
        [*COMMON, *CSE2S, "total", "CSE2s completed in the quarter", "6"],
        [*COMMON, *CSE2S, "initial", "Initial", "<5"],
        [*COMMON, *CSE2S, "review", "Review (every 3 months)", "<5"],
        [*COMMON, *CSE2S, "incident", "After an incident", "0"],
        [*COMMON, *CSE2S, "closure", "Closure", "<5"],
    ]
    looked_after = [line for line in lines if line[6] == "macse_open_looked_after"]
    assert looked_after == [  # 1 of 6: the 5 and the total hidden too (secondary)
        [*COMMON, *LOOKED_AFTER, "total", ON_MACSE, "[c]"],
        [*COMMON, *LOOKED_AFTER, "yes", "Yes", "<5"],
        [*COMMON, *LOOKED_AFTER, "no", "No", "[c]"],
    ]
    assert [line for line in lines if line[6] == "cse1_received"] == [
        [
            *COMMON,
            "referrals",
            "cse1_received",
            "CSE1s received in the quarter",
            "1",
            "total",
            "CSE1s received in the quarter",
            "10",
        ]
    ]


def test_every_value_in_the_csv_is_suppressed_and_no_child_is_named(files):
    lines = _csv_lines(files["csv"])
    assert all(_shown_only(line[-1]) for line in lines[1:])
    text = files["csv"].decode()
    assert not [name for name in files["names"] if name in text]


def test_the_xlsx_reads_back_as_the_csv_with_numbers_as_numbers(files):
    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    assert workbook.sheetnames == ["Return", "Notes"]
    rows = list(workbook["Return"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    expected = [
        tuple(int(value) if value.isdigit() else value for value in line)
        for line in _csv_lines(files["csv"])[1:]
    ]
    assert rows[1:] == expected
    assert all(_shown_only(row[-1]) for row in rows[1:])
    notes = {row[0]: row[1] for row in workbook["Notes"].iter_rows(values_only=True)}
    assert notes["<5"] == SYMBOLS["<5"] and notes["[c]"] == SYMBOLS["[c]"]
    assert notes["cse1_received (definition version 1)"].startswith("CSE1 referrals received")
    assert workbook.properties.creator == "Knowsley"
    names = " ".join(str(value) for row in rows for value in row)
    assert not [name for name in files["names"] if name in names]


def test_the_pdf_is_marked_official_with_each_figure_its_table_and_nothing_small(files):
    pages = [
        re.sub(r"\s+", " ", page.extract_text() or "")
        for page in PdfReader(io.BytesIO(files["pdf"])).pages
    ]
    assert all("OFFICIAL: aggregate figures only, small numbers hidden" in page for page in pages)
    whole = " ".join(pages)
    assert "OFFICIAL-SENSITIVE" not in whole
    assert "Knowsley: child sexual exploitation quarterly return" in whole
    assert "Q1 2026-27 (April to June 2026)" in whole
    assert "CSE2s completed in the quarter 6" in whole
    assert "Children open to MACSE at the end of the quarter who were looked after" in whole
    assert "Yes <5 No [c]" in whole
    assert "(Definition version 1.)" in whole
    assert not [name for name in files["names"] if name in whole]


def _small_return() -> Return:
    row = Row("f", "F", "D", 3, Cell("open", "Open", 9), (Cell("a", "A", 3), Cell("b", "B", 6)))
    return Return(Quarter(2026, 1), (Section("s", "S", (row,)),))


def test_the_same_figures_give_the_same_xlsx_bytes_whenever_made():
    """3 of 9: the 3 is "<5", the 6 "[c]" so that it cannot be subtracted (D14)."""
    heading = Heading(area="Knowsley", version=1)
    with time_machine.travel("2026-08-01 10:00Z", tick=False):
        first = xlsx_bytes(_small_return(), heading)
    with time_machine.travel("2027-02-03 17:31Z", tick=False):
        again = xlsx_bytes(_small_return(), heading)
    assert first == again
    rows = list(load_workbook(io.BytesIO(first))["Return"].iter_rows(values_only=True))
    assert [row[-3:] for row in rows[1:]] == [
        ("total", "Open", 9),
        ("a", "A", "<5"),
        ("b", "B", "[c]"),
    ]
    assert rows[1][8] == 3  # the figure's definition version
