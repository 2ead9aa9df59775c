"""Bar charts of a return's figures, drawn on the server as SVG (the page and the board's PDF),
in the house way of ``shield/chart.py``: no script, no stylesheet (presentation attributes only,
which the Content Security Policy allows), an image to assistive technology (role="img") named by
its <title> and described by its <desc>, and always shown with a table of the same numbers.

Pure: it takes bars already suppressed (D14) and returns markup. A hidden number has no bar,
only its symbol ("<5" or "[c]"), so a chart never shows a small number a table hides.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from returns.structure import Row

WIDTH = 640
LABEL_WIDTH = 250  # the category names, left of the bars
VALUE_WIDTH = 48  # the number written after each bar
BAR_HEIGHT, GAP, TOP, BOTTOM = 18, 8, 8, 8
FONT = "Arial, Helvetica, sans-serif"
INK = "#0b0c0c"
BAR = "#1d70b8"  # GOV.UK blue
GRID = "#b1b4b6"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int | None  # None when hidden
    shown: str  # what is written: the count, "<5" or "[c]"


def bars_of(row: Row) -> list[Bar]:
    """A figure's bars: one per category, or its total alone if it has none."""
    cells = row.cells or (row.total,)
    return [Bar(cell.label, cell.count, cell.shown) for cell in cells]


def describe(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{bar.label}: {bar.shown}" for bar in bars) + "."


def bar_chart_svg(bars: Sequence[Bar], *, chart_id: str, title: str) -> SafeString:
    """A horizontal bar chart, one bar a line, on a scale from 0 to the largest shown count."""
    height = TOP + BOTTOM + len(bars) * (BAR_HEIGHT + GAP)
    most = max((bar.count or 0 for bar in bars), default=0) or 1
    plot_left, plot_right = LABEL_WIDTH, WIDTH - VALUE_WIDTH
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{escape(title_id)}" aria-describedby="{escape(desc_id)}" '
        f'id="{escape(chart_id)}" font-family="{FONT}" font-size="12" fill="{INK}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(describe(bars))}</desc>',
        f'<line x1="{plot_left}" y1="{TOP - 4}" x2="{plot_left}" y2="{height - BOTTOM + 4}" '
        f'stroke="{GRID}" stroke-width="1"/>',
    ]
    for index, bar in enumerate(bars):
        top = TOP + index * (BAR_HEIGHT + GAP)
        middle = top + BAR_HEIGHT / 2 + 4
        length = (plot_right - plot_left) * (bar.count or 0) / most
        parts.append(
            f'<text x="{plot_left - 8}" y="{middle:g}" text-anchor="end">{escape(bar.label)}</text>'
        )
        if length:
            parts.append(
                f'<rect class="bar" x="{plot_left}" y="{top}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
        parts.append(
            f'<text class="value" x="{plot_left + length + 6:.1f}" y="{middle:g}">'
            f"{escape(bar.shown)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value inserted above is escaped


def figure_chart(row: Row) -> SafeString:
    return bar_chart_svg(bars_of(row), chart_id=f"chart-{row.code}", title=row.label)
