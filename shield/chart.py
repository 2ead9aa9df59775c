"""The risk trajectory of a child's completed CSE2s as a server-rendered SVG (domain.md 2.6): one
point per version, the total on a 0..scheme maximum axis, the scheme's bands shaded behind.

Pure: it takes the points and the scheme's numbers and returns markup; it reads nothing. The
chart needs no script and no stylesheet (presentation attributes only, so the page's Content
Security Policy allows it), is an image to assistive technology (role="img"), named by its short
<title> alone (aria-labelledby) and described by its long <desc> (aria-describedby), so a screen
reader announces a short name and offers the detail as the description; the page shows the same
data as a table below it.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cse_framework.templatetags.govuk import short_date
from shield.models.scheme import BandCode

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 44, 112, 16, 44  # margins: y-axis labels left, band names right
MIN_GAP = 14  # the least distance between two points, so versions on one day stay apart
DATE_LABEL_WIDTH = 72  # room a "10 Jun 2026" label takes, so date labels never overlap
FONT = "Arial, Helvetica, sans-serif"
INK = "#0b0c0c"
GRID = "#b1b4b6"
# GOV.UK colours, as the flags' tags use them: the band is also written, never colour alone.
ZONE_COLOURS = {BandCode.LOWER: "#ffdd00", BandCode.MEDIUM: "#f47738", BandCode.HIGH: "#d4351c"}


@dataclass(frozen=True)
class Point:
    on: dt.date
    total: int
    band: str


def _band_label(code: str) -> str:
    return BandCode(code).label if code in BandCode.values else code


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _x_positions(points: Sequence[Point], left: float, right: float) -> list[float]:
    """By date, then pushed apart so that no two points (a correction made the same day as
    what it corrects) sit on each other, and pulled back inside the plot."""
    count = len(points)
    if count == 1:
        return [(left + right) / 2]
    first, last = points[0].on, points[-1].on
    span = (last - first).days
    width = right - left
    if span == 0:
        xs = [left + width * i / (count - 1) for i in range(count)]
    else:
        xs = [left + width * (p.on - first).days / span for p in points]
    gap = min(MIN_GAP, width / (count - 1))
    for i in range(1, count):
        xs[i] = max(xs[i], xs[i - 1] + gap)
    xs[-1] = min(xs[-1], right)
    for i in range(count - 2, -1, -1):
        xs[i] = min(xs[i], xs[i + 1] - gap)
    return xs


def _date_labels(xs: list[float]) -> list[int]:
    """The points whose date is written under the axis: the first, then each one far enough
    from the last written; the last point always, in place of a neighbour too close to it."""
    chosen: list[int] = []
    for i, x in enumerate(xs):
        if not chosen or x - xs[chosen[-1]] >= DATE_LABEL_WIDTH:
            chosen.append(i)
    last = len(xs) - 1
    if chosen and chosen[-1] != last:
        if len(chosen) > 1 and xs[last] - xs[chosen[-1]] < DATE_LABEL_WIDTH:
            chosen.pop()
        chosen.append(last)
    return chosen


def _label_below(points: Sequence[Point], i: int) -> bool:
    """A total is written below a point in a dip (lower than its neighbours on average), above
    otherwise, so that the label keeps off the line."""
    neighbours = [points[j].total for j in (i - 1, i + 1) if 0 <= j < len(points)]
    return bool(neighbours) and points[i].total < sum(neighbours) / len(neighbours)


def describe(
    points: Sequence[Point], *, maximum: int, bands: Sequence[tuple[str, int, int]]
) -> str:
    """The chart in words: its scale, its bands and every point."""
    scale = f"Total score from 0 to {maximum}. Bands: " + ", ".join(
        f"{_band_label(code)} {low} to {high}" for code, low, high in bands
    )
    if not points:
        return f"No completed CSE2 yet. {scale}."
    listed = "; ".join(f"{short_date(p.on)}: {p.total} ({_band_label(p.band)})" for p in points)
    count = len(points)
    versions = "1 completed CSE2" if count == 1 else f"{count} completed CSE2s"
    return f"{versions}, oldest first. {listed}. {scale}."


def trajectory_svg(
    points: Sequence[Point | tuple[dt.date, int, str]],
    *,
    maximum: int,
    bands: Sequence[tuple[str, int, int]],
    chart_id: str = "trajectory",
    title: str = "Risk trajectory: the total of every completed CSE2",
    highlight: int | None = None,
) -> SafeString:
    """An SVG line chart of ``points`` (date, total, band), oldest first. ``bands`` are the
    scheme's (code, lowest total, highest total); ``highlight`` is the index of the point the
    page is about, drawn larger."""
    points = [p if isinstance(p, Point) else Point(*p) for p in points]
    maximum = max(maximum, 1)
    plot_left, plot_right = LEFT, WIDTH - RIGHT
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM

    def y(total: float) -> float:
        total = min(max(total, 0), maximum)
        return plot_bottom - (plot_bottom - plot_top) * total / maximum

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{escape(title_id)}" aria-describedby="{escape(desc_id)}" '
        f'id="{escape(chart_id)}" font-family="{FONT}" font-size="12" fill="{INK}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">'
        f"{escape(describe(points, maximum=maximum, bands=bands))}</desc>",
    ]
    # Band zones: each from half a point below its lowest total to half above its highest, so
    # the zones meet between two whole totals (18 | 19).
    for code, low, high in bands:
        top = y(min(high + 0.5, maximum))
        bottom = y(max(low - 0.5, 0))
        colour = ZONE_COLOURS.get(code, GRID)
        parts.append(
            f'<rect class="zone zone-{escape(code)}" x="{plot_left}" y="{_num(top)}" '
            f'width="{plot_right - plot_left}" height="{_num(bottom - top)}" '
            f'fill="{colour}" fill-opacity="0.18"/>'
        )
        parts.append(
            f'<text x="{plot_right + 8}" y="{_num((top + bottom) / 2 + 4)}">'
            f"{escape(_band_label(code))} {low}-{high}</text>"
        )
    # The axes and the totals that start each band.
    ticks = sorted({0, maximum, *(low for _, low, _ in bands)})
    for tick in ticks:
        parts.append(
            f'<line x1="{plot_left}" y1="{_num(y(tick))}" x2="{plot_right}" y2="{_num(y(tick))}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{plot_left - 6}" y="{_num(y(tick) + 4)}" text-anchor="end">{tick}</text>'
        )
    parts.append(
        f'<line x1="{plot_left}" y1="{plot_top}" x2="{plot_left}" y2="{plot_bottom}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{plot_left}" y1="{plot_bottom}" x2="{plot_right}" y2="{plot_bottom}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{(plot_left + plot_right) / 2:g}" y="{HEIGHT - 6}" text-anchor="middle">'
        "Date of the assessment</text>"
    )
    middle = _num((plot_top + plot_bottom) / 2)
    parts.append(
        f'<text x="12" y="{middle}" text-anchor="middle" transform="rotate(-90 12 {middle})">'
        "Total score</text>"
    )
    if not points:
        parts.append(
            f'<text x="{(plot_left + plot_right) / 2:g}" y="{_num((plot_top + plot_bottom) / 2)}" '
            'text-anchor="middle">No completed CSE2 yet</text>'
        )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308 - every value inserted above is escaped
    inset = MIN_GAP / 2 + 4
    xs = _x_positions(points, plot_left + inset, plot_right - inset)
    ys = [y(p.total) for p in points]
    if len(points) > 1:
        path = " ".join(f"{_num(x)},{_num(yy)}" for x, yy in zip(xs, ys, strict=True))
        parts.append(
            f'<polyline class="trajectory" points="{path}" fill="none" stroke="{INK}" '
            'stroke-width="2"/>'
        )
    crowded = len(points) > 16
    for i, (point, x, yy) in enumerate(zip(points, xs, ys, strict=True)):
        current = i == highlight
        radius = 6 if current else 4
        parts.append(
            f'<circle class="point{" current" if current else ""}" cx="{_num(x)}" cy="{_num(yy)}" '
            f'r="{radius}" fill="{"#1d70b8" if current else INK}" stroke="#ffffff" '
            'stroke-width="1.5"/>'
        )
        label_y = yy + 16 if _label_below(points, i) and yy < plot_bottom - 18 else yy - 9
        weight = ' font-weight="bold"' if current else ""
        parts.append(
            f'<text class="point-label" x="{_num(x)}" y="{_num(label_y)}" text-anchor="middle" '
            f'font-size="{10 if crowded else 12}"{weight}>{point.total}</text>'
        )
    for i in _date_labels(xs):
        parts.append(
            f'<text class="date-label" x="{_num(xs[i])}" y="{plot_bottom + 16}" '
            f'text-anchor="middle" font-size="11">{escape(short_date(points[i].on))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value inserted above is escaped
