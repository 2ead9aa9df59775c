"""The same figures over the eight quarters ending with a return's (issue 9), suppressed (D14).

Each quarter's figures come from its latest kept return where one is ready (so the trend shows
what was sent to the board); a quarter with none is counted now, from the records as they stood
at its end (``figures.compute``: the same six queries a build runs); a quarter that ended before
the service's first record has no figures. So a trend costs three queries, and six more for each
quarter with no kept return: at most 51.
"""

from __future__ import annotations

from dataclasses import dataclass

from returns import figures
from returns.charts import Bar, bar_chart_svg
from returns.quarters import Quarter, first_record_at
from returns.selectors import latest_ready
from returns.structure import Return
from returns.suppression import suppress

KEPT, COUNTED, NO_DATA = "kept", "counted", "no_data"
MISSING = "-"  # a figure a quarter's return does not have


@dataclass(frozen=True)
class Point:
    quarter: Quarter
    report: Return | None  # suppressed
    source: str  # KEPT, COUNTED or NO_DATA
    version: int | None = None  # the kept return's

    @property
    def source_label(self) -> str:
        if self.source == KEPT:
            return f"Kept return, version {self.version}"
        if self.source == COUNTED:
            return "Counted now from the records as they stood then"
        return "Before the service's first record"

    def shown(self, figure: str, category: str | None = None) -> str:
        """What the quarter shows for a figure's total, or one of its categories."""
        if self.report is None:
            return MISSING
        row = next((row for row in self.report.rows() if row.code == figure), None)
        if row is None:
            return MISSING
        if category is None:
            return row.total.shown
        cell = next((cell for cell in row.cells if cell.code == category), None)
        return cell.shown if cell else MISSING

    def count(self, figure: str) -> int | None:
        if self.report is None:
            return None
        row = next((row for row in self.report.rows() if row.code == figure), None)
        return row.total.count if row else None


def trend(quarter: Quarter) -> list[Point]:
    """The eight quarters ending with ``quarter``, oldest first."""
    quarters = quarter.trend()
    kept = latest_ready(quarters)
    first = first_record_at()
    points = []
    for each in quarters:
        if each in kept:
            report = Return.from_dict(kept[each].figures)
            points.append(Point(each, suppress(report), KEPT, kept[each].version))
        elif first is not None and each.ends_at > first:
            points.append(Point(each, suppress(figures.compute(each)), COUNTED))
        else:
            points.append(Point(each, None, NO_DATA))
    return points


def total_charts(report: Return, points: list[Point]) -> list[tuple[str, str, object]]:
    """One chart of each distinct total of ``report`` (the children on MACSE once, though eight
    breakdowns share it) over the quarters: (figure code, title, svg)."""
    charts, seen = [], set()
    for row in report.rows():
        if row.total.code in seen:
            continue
        seen.add(row.total.code)
        bars = [
            Bar(point.quarter.code, point.count(row.code), point.shown(row.code))
            for point in points
        ]
        title = f"{row.total.label}, the last {len(points)} quarters"
        charts.append(
            (row.code, title, bar_chart_svg(bars, chart_id=f"trend-{row.code}", title=title))
        )
    return charts


@dataclass(frozen=True)
class Line:
    figure: str  # the figure's label, on its total's line only
    label: str  # the total's or the category's label
    values: list[str]  # what each quarter shows, oldest first
    total: bool


def table(report: Return, points: list[Point]) -> list[Line]:
    """Every figure of ``report`` and each of its categories, a line each, over the quarters."""
    lines = []
    for row in report.rows():
        values = [point.shown(row.code) for point in points]
        lines.append(Line(row.label, row.total.label, values, total=True))
        for cell in row.cells:
            values = [point.shown(row.code, cell.code) for point in points]
            lines.append(Line("", cell.label, values, total=False))
    return lines
