"""The column layout of the CSV and XLSX files, the same for every area and every quarter, so
the returns of the five Merseyside areas can be put side by side (stacked, or joined on
``figure_code``, ``definition_version`` and ``category_code``). Documented in
docs/quarterly-return.md; a change to it is a change to that page.

One line per figure and category, in the return's order: first the figure's total (category
``total``), then each category of its breakdown. The columns:

==================  ==================================================================
area                the area making the return (settings.RETURN_AREA_NAME), "Knowsley"
quarter             the financial-year quarter, "2026-Q1" (Q1 is April to June)
quarter_start       its first day, ISO 8601 ("2026-04-01")
quarter_end         its last day, ISO 8601 ("2026-06-30"); the figures are as at its end
return_version      the version of this area's return for the quarter (1, 2...)
section             the section of the return, "on_macse"
figure_code         the figure, "macse_open_by_band"
figure_label        the figure in words
definition_version  the version of the figure's definition (a changed meaning is a new one)
category_code       "total", or the category of the breakdown, "high"
category_label      the category in words
value               the count as it may be shown (D14): a whole number, "<5" for 1 to 4, or
                    "[c]" where a number is hidden so that a small one cannot be worked out
==================  ==================================================================

``value`` is text in the CSV and, in the XLSX, a number where it is one and text where hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from returns.structure import Return
from returns.suppression import suppress

COLUMNS = (
    "area",
    "quarter",
    "quarter_start",
    "quarter_end",
    "return_version",
    "section",
    "figure_code",
    "figure_label",
    "definition_version",
    "category_code",
    "category_label",
    "value",
)
TOTAL = "total"


@dataclass(frozen=True)
class Heading:
    """What the files say about the return besides its figures."""

    area: str
    version: int


def lines(report: Return, heading: Heading) -> Iterator[tuple]:
    """The file's lines after its header, suppressed: ``value`` is an int, or "<5" or "[c]"."""
    report = suppress(report)
    quarter = report.quarter
    common = (
        heading.area,
        quarter.code,
        quarter.start.isoformat(),
        quarter.end.isoformat(),
        heading.version,
    )
    for section in report.sections:
        for row in section.rows:
            figure = (section.code, row.code, row.label, row.version)
            for code, cell in ((TOTAL, row.total), *((cell.code, cell) for cell in row.cells)):
                value = cell.count if not cell.suppressed else cell.shown
                yield (*common, *figure, code, cell.label, value)
