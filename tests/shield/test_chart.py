"""The risk trajectory chart: a point per completed CSE2, labelled with its total; the scheme's
bands shaded; an image with a text alternative; well-formed, escaped, and never a point on top
of another."""

import datetime as dt
import xml.etree.ElementTree as ET

from shield.chart import Point, describe, trajectory_svg

SVG = "{http://www.w3.org/2000/svg}"
BANDS = [("lower", 0, 18), ("medium", 19, 34), ("high", 35, 54)]
POINTS = [
    (dt.date(2026, 1, 10), 12, "lower"),
    (dt.date(2026, 4, 10), 27, "medium"),
    (dt.date(2026, 7, 10), 40, "high"),
]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _circles(root):
    return root.findall(f"{SVG}circle")


def _texts(root, css_class):
    return [t.text for t in root.findall(f"{SVG}text") if t.get("class") == css_class]


def _y_of_total(root, total):
    """Where a total sits on the axis: by the y-axis label of that total."""
    for text in root.findall(f"{SVG}text"):
        if text.get("text-anchor") == "end" and text.text == str(total):
            return float(text.get("y")) - 4
    raise AssertionError(f"no axis label for {total}")


def test_one_point_per_version_labelled_with_its_total_and_joined_by_a_line():
    root = _parse(trajectory_svg(POINTS, maximum=54, bands=BANDS))
    circles = _circles(root)
    assert len(circles) == 3
    assert _texts(root, "point-label") == ["12", "27", "40"]
    xs = [float(c.get("cx")) for c in circles]
    ys = [float(c.get("cy")) for c in circles]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)  # higher total, higher up
    assert len(root.findall(f"{SVG}polyline")) == 1
    assert _texts(root, "date-label") == ["10 Jan 2026", "10 Apr 2026", "10 Jul 2026"]


def test_the_axis_runs_from_0_to_the_scheme_maximum():
    root = _parse(trajectory_svg(POINTS, maximum=54, bands=BANDS))
    axis = [t.text for t in root.findall(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert axis == ["0", "19", "35", "54"]
    bottom, top = _y_of_total(root, 0), _y_of_total(root, 54)
    lowest = next(c for c in _circles(root))
    assert top < float(lowest.get("cy")) < bottom


def test_each_band_is_a_shaded_zone_and_the_zones_meet():
    root = _parse(trajectory_svg(POINTS, maximum=54, bands=BANDS))
    zones = {r.get("class"): r for r in root.findall(f"{SVG}rect")}
    assert set(zones) == {"zone zone-lower", "zone zone-medium", "zone zone-high"}
    spans = {
        name: (float(r.get("y")), float(r.get("y")) + float(r.get("height")))
        for name, r in zones.items()
    }
    assert abs(spans["zone zone-lower"][0] - spans["zone zone-medium"][1]) < 0.2
    assert abs(spans["zone zone-medium"][0] - spans["zone zone-high"][1]) < 0.2
    assert abs(spans["zone zone-lower"][1] - _y_of_total(root, 0)) < 0.2
    assert abs(spans["zone zone-high"][0] - _y_of_total(root, 54)) < 0.2
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert {"Lower 0-18", "Medium 19-34", "High 35-54"} <= set(labels)  # never colour alone


def test_a_point_sits_in_the_zone_of_its_band():
    root = _parse(trajectory_svg(POINTS, maximum=54, bands=BANDS))
    zones = {r.get("class").split("-")[-1]: r for r in root.findall(f"{SVG}rect")}
    for circle, (_, _, band) in zip(_circles(root), POINTS, strict=True):
        zone = zones[band]
        top, height = float(zone.get("y")), float(zone.get("height"))
        assert top <= float(circle.get("cy")) <= top + height


def test_the_chart_is_an_image_with_a_text_alternative():
    """A short accessible name (the title alone) and the long text as its description, never
    folded into the name."""
    svg = trajectory_svg(POINTS, maximum=54, bands=BANDS, chart_id="cse2-chart")
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "cse2-chart-title"
    assert root.find(f"{SVG}title").get("id") == "cse2-chart-title"
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-describedby") == desc.get("id") == "cse2-chart-desc"
    assert "3 completed CSE2s, oldest first" in desc.text
    assert "10 Jan 2026: 12 (Lower); 10 Apr 2026: 27 (Medium); 10 Jul 2026: 40 (High)" in desc.text
    assert "Total score from 0 to 54" in desc.text


def test_the_current_version_is_drawn_larger():
    root = _parse(trajectory_svg(POINTS, maximum=54, bands=BANDS, highlight=1))
    radii = [c.get("r") for c in _circles(root)]
    assert radii == ["4", "6", "4"]
    assert _circles(root)[1].get("class") == "point current"


def test_versions_on_the_same_day_do_not_sit_on_each_other():
    same_day = [(dt.date(2026, 6, 10), 18, "lower"), (dt.date(2026, 6, 10), 21, "medium")]
    root = _parse(trajectory_svg(same_day, maximum=54, bands=BANDS))
    first, second = (float(c.get("cx")) for c in _circles(root))
    assert second - first >= 14


def test_forty_versions_stay_inside_the_plot_in_order():
    points = [
        Point(dt.date(2016, 1, 4) + dt.timedelta(days=91 * i), i % 55, "lower") for i in range(40)
    ]
    points.append(Point(points[-1].on, 3, "lower"))  # a correction the same day
    root = _parse(trajectory_svg(points, maximum=54, bands=BANDS))
    xs = [float(c.get("cx")) for c in _circles(root)]
    assert len(xs) == 41 and xs == sorted(xs) and len(set(xs)) == 41
    zone = root.find(f"{SVG}rect")
    left = float(zone.get("x"))
    assert left <= xs[0] and xs[-1] <= left + float(zone.get("width"))
    dates = [t for t in root.findall(f"{SVG}text") if t.get("class") == "date-label"]
    positions = [float(t.get("x")) for t in dates]
    assert all(b - a >= 72 for a, b in zip(positions, positions[1:], strict=False))
    assert dates[-1].text == "22 Sep 2025"  # the last version always has its date


def test_no_points_says_so():
    svg = trajectory_svg([], maximum=54, bands=BANDS)
    root = _parse(svg)
    assert not _circles(root) and "No completed CSE2 yet" in svg
    assert describe([], maximum=54, bands=BANDS).startswith("No completed CSE2 yet.")


def test_what_is_written_into_the_svg_is_escaped():
    svg = trajectory_svg(POINTS, maximum=54, bands=BANDS, title='<script>"x"</script>')
    assert "<script>" not in svg
    assert _parse(svg).find(f"{SVG}title").text == '<script>"x"</script>'
