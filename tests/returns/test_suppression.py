"""D14, exactly: counts 1-4 shown as "<5", zero as 0, and any cell (or total) that would let a
hidden count be worked out by subtraction hidden too, as "[c]"."""

import pytest

from returns.quarters import Quarter
from returns.structure import Cell, Return, Row, Section
from returns.suppression import suppress


def breakdown(total, *counts, code="r", total_code="t", adds_up=True) -> Row:
    return Row(
        code=code,
        label=f"Figure {code}",
        definition="A figure for the test.",
        version=1,
        total=Cell(total_code, "Total", total),
        cells=tuple(Cell(f"c{n}", f"Category {n}", count) for n, count in enumerate(counts)),
        adds_up=adds_up,
    )


def report(*rows) -> Return:
    return Return(quarter=Quarter(2026, 1), sections=(Section("s", "Section", rows),))


def shown(row: Row) -> tuple[str, list[str]]:
    return row.total.shown, [cell.shown for cell in row.cells]


def suppressed(*counts, total=None, adds_up=True) -> tuple[str, list[str]]:
    total = sum(counts) if total is None else total
    return shown(suppress(report(breakdown(total, *counts, adds_up=adds_up))).row("r"))


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # All zero: nothing to hide, zeros shown as 0.
        ((0, 0, 0), ("0", ["0", "0", "0"])),
        # Nothing small.
        ((5, 7), ("12", ["5", "7"])),
        # One cell hidden: the next smallest goes too, or 20 - 10 - 7 gives it.
        ((3, 10, 7), ("20", ["<5", "10", "[c]"])),
        # Two equally small: the first of them.
        ((2, 6, 6), ("14", ["<5", "[c]", "6"])),
        # A zero is never hidden to protect another cell.
        ((3, 0, 9), ("12", ["<5", "0", "[c]"])),
        # Total itself small: hidden, and so is every non-zero cell; zeros still 0.
        ((1, 2, 0), ("<5", ["<5", "<5", "0"])),
        ((3, 0), ("<5", ["<5", "0"])),
        # Two categories: hiding one means hiding the other.
        ((2, 9), ("11", ["<5", "[c]"])),
        ((9, 4), ("13", ["[c]", "<5"])),
        # Two categories, 1 and 5 of 6: "<5" + "[c]" = 6 with "[c]" at least 5 gives 1, so the
        # total goes too.
        ((1, 5), ("[c]", ["<5", "[c]"])),
        ((2, 5), ("7", ["<5", "[c]"])),
        # Two "<5" that must be 1 and 1 (or 4 and 4): a third cell is hidden.
        ((1, 1, 10), ("12", ["<5", "<5", "[c]"])),
        ((4, 4, 10), ("18", ["<5", "<5", "[c]"])),
        # Two "<5" summing to 5 could be 1+4, 2+3, 3+2 or 4+1: nothing more hidden.
        ((2, 3, 10), ("15", ["<5", "<5", "10"])),
        # The next smallest (5) is not enough: "<5" + "[c]" = 6 still gives 1; so the next too.
        ((1, 5, 20), ("26", ["<5", "[c]", "[c]"])),
        # Large counts only.
        ((250, 1000), ("1250", ["250", "1000"])),
    ],
)
def test_a_breakdown_whose_cells_add_up_to_its_total(counts, expected):
    assert suppressed(*counts) == expected


def test_a_breakdown_whose_categories_overlap_gets_the_primary_rule_only():
    """A child counted under several models: no sum to subtract from."""
    assert suppressed(1, 5, 3, total=6, adds_up=False) == ("6", ["<5", "5", "<5"])
    assert suppressed(0, 7, total=7, adds_up=False) == ("7", ["0", "7"])


def test_a_figure_without_categories_is_hidden_only_when_small():
    for total, expected in ((0, "0"), (1, "<5"), (4, "<5"), (5, "5")):
        row = suppress(report(breakdown(total))).row("r")
        assert (row.total.shown, row.cells) == (expected, ())


def test_a_total_hidden_in_one_row_is_hidden_in_every_row_that_has_it():
    """Every breakdown of the same children shares its total: if one row must hide it, a row
    showing it would undo that, and a row showing every cell would add it up."""
    result = suppress(
        report(
            breakdown(6, 1, 5, code="looked_after"),
            breakdown(6, 6, 0, code="all_in_one"),
            breakdown(6, 2, 4, code="small"),
            breakdown(6, 6, 2, code="overlapping", adds_up=False),
            breakdown(3, code="other", total_code="u"),
        )
    )
    assert shown(result.row("looked_after")) == ("[c]", ["<5", "[c]"])
    assert shown(result.row("all_in_one")) == ("[c]", ["[c]", "0"])
    assert shown(result.row("small")) == ("[c]", ["<5", "<5"])
    assert shown(result.row("overlapping")) == ("[c]", ["6", "<5"])
    assert shown(result.row("other")) == ("<5", [])


def test_hidden_cells_carry_no_count_and_the_exact_return_is_unchanged():
    exact = report(breakdown(20, 3, 10, 7))
    hidden = suppress(exact)
    assert hidden.suppressed and not exact.suppressed
    assert [cell.count for cell in exact.row("r").cells] == [3, 10, 7]
    row = hidden.as_dict()["sections"][0]["rows"][0]
    assert row["total"] == {
        "code": "t",
        "label": "Total",
        "count": 20,
        "shown": "20",
        "suppressed": "",
    }
    assert [(c["count"], c["shown"], c["suppressed"]) for c in row["cells"]] == [
        (None, "<5", "primary"),
        (10, "10", ""),
        (None, "[c]", "secondary"),
    ]


def test_suppressing_twice_changes_nothing_more():
    once = suppress(report(breakdown(20, 3, 10, 7)))
    assert suppress(once) == once


def test_rows_sharing_a_total_must_agree_on_it():
    with pytest.raises(ValueError, match="disagree"):
        suppress(report(breakdown(6, 1, 5, code="a"), breakdown(7, 2, 5, code="b")))
