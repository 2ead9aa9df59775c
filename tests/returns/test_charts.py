"""The return's bar charts (SVG drawn on the server): an image with a title and a description
listing every bar as shown, and no bar for a hidden number, so a chart never shows what its
table hides (D14)."""

from returns.charts import figure_chart
from returns.structure import PRIMARY, SECONDARY, Cell, Row

ROW = Row(
    "macse_open_by_gender",
    "Children open to MACSE, by gender",
    "Each is counted under their gender.",
    1,
    Cell("macse_open", "Children open to MACSE", 20),
    (
        Cell("female", "Female", 14),
        Cell("male", "Male", None, PRIMARY),
        Cell("other", "Other & <none>", 0),
        Cell("not_known", "Not known", None, SECONDARY),
    ),
)


def test_a_chart_is_an_image_named_and_described_by_its_numbers_as_shown():
    svg = str(figure_chart(ROW))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-macse_open_by_gender-title"' in svg
    assert '<title id="chart-macse_open_by_gender-title">Children open to MACSE, by gender' in svg
    assert (
        '<desc id="chart-macse_open_by_gender-desc">Female: 14; Male: &lt;5; '
        "Other &amp; &lt;none&gt;: 0; Not known: [c].</desc>"
    ) in svg


def test_only_a_shown_count_above_zero_has_a_bar():
    svg = str(figure_chart(ROW))
    assert svg.count('class="bar"') == 1  # Female's 14: the longest, the full width
    assert 'width="342.0"' in svg
    assert ">&lt;5</text>" in svg and ">[c]</text>" in svg


def test_a_figure_without_categories_is_drawn_as_its_total():
    row = Row("cse1_received", "CSE1s received", "d", 1, Cell("cse1_received", "CSE1s", 7))
    svg = str(figure_chart(row))
    assert svg.count('class="bar"') == 1 and "CSE1s: 7." in svg
