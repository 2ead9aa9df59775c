"""Small numbers hidden (D14), in everything that leaves the service and on the LSCB analyst's
screens. ``suppress(report)`` returns the same return with cells hidden; the exact one is not
changed.

The rule, applied to every cell, total or category:

1. Primary. A count of 1, 2, 3 or 4 is shown as "<5". Zero is shown as 0 and never hidden.

2. Secondary, in a breakdown whose categories split its total (``Row.adds_up``) and whose total
   is shown. A reader knows the total, the shown cells, that each "<5" is 1 to 4 and that each
   "[c]" is 5 or more (it would be "<5" or 0 otherwise). From these, subtraction leaves the sum
   of the hidden cells; if that sum allows a "<5" only one value, it is disclosed. That is so
   when exactly one cell is hidden (the total minus the others gives it), and also when the
   hidden cells are at their least or their most (two "<5" cells that must sum to 2 are both
   1). While any "<5" of the breakdown can be worked out so, the smallest shown non-zero cell
   is hidden too, as "[c]" (the first in the breakdown's order if two are equally small).

3. The total. If every non-zero cell is already hidden and a "<5" can still be worked out
   (only when each "<5" is 1 and each "[c]" is 5, e.g. 1 and 5 of 6 in a breakdown of two
   categories), the total is hidden, as "[c]". A total is one number wherever it appears (every
   breakdown of the children on MACSE has the same total), so it is hidden in every row that
   has it; and in any of those rows whose cells are all shown, the smallest non-zero cell is
   hidden too, or the total could be added up from them.

A breakdown whose categories overlap (a child counted under several models of exploitation)
has no sum to subtract from: its cells get the primary rule only.

Limits, by design. Each breakdown is checked on its own: rows share no cells, only totals, and
rule 3 hides a shared total everywhere; but when a shared total is hidden, the ranges several
breakdowns each give for it are not intersected (that needs hiding a shared total, itself rare,
and two breakdowns narrowing it to one value). A total below 5 is hidden and so are its cells;
four categories of one child each under a hidden total of 4 are then all 1, which only hiding
zeros could prevent, and D14 shows zeros.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from returns.structure import PRIMARY, SECONDARY, Return, Row

SMALL = range(1, 5)
BOUNDS = {PRIMARY: (1, 4), SECONDARY: (5, math.inf)}


@dataclass
class _Marks:
    """How a row's total and cells are hidden so far ("", PRIMARY or SECONDARY)."""

    total: str
    cells: list[str]


def suppress(report: Return) -> Return:
    """The return as it may leave the service (a return already suppressed is returned as it
    is)."""
    if report.suppressed:
        return report
    rows = list(report.rows())
    _check_shared_totals(rows)
    marks = {row.code: _primary(row) for row in rows}
    changed = True
    while changed:  # each pass only hides more, so this ends
        hidden_totals = {row.total.code for row in rows if marks[row.code].total == SECONDARY}
        changed = False
        for row in rows:
            changed |= _secondary(row, marks[row.code], hidden_totals)
    hidden = {row.code: _hidden(row, marks[row.code]) for row in rows}
    sections = tuple(
        replace(section, rows=tuple(hidden[row.code] for row in section.rows))
        for section in report.sections
    )
    return replace(report, sections=sections, suppressed=True)


def _check_shared_totals(rows: list[Row]) -> None:
    """Rows sharing a total must agree on it, or hiding it in one would not hide it."""
    totals: dict[str, int | None] = {}
    for row in rows:
        if totals.setdefault(row.total.code, row.total.count) != row.total.count:
            raise ValueError(f"The rows with the total {row.total.code} disagree on it")


def _primary(row: Row) -> _Marks:
    return _Marks(
        total=PRIMARY if row.total.count in SMALL else "",
        cells=[PRIMARY if cell.count in SMALL else "" for cell in row.cells],
    )


def _secondary(row: Row, marks: _Marks, hidden_totals: set[str]) -> bool:
    """Rules 2 and 3 for one row, given the totals hidden so far; whether anything changed."""
    before = (marks.total, list(marks.cells))
    if not marks.total and row.total.code in hidden_totals:
        marks.total = SECONDARY
    if row.adds_up and row.cells:
        counts = [cell.count for cell in row.cells]
        while not marks.total and _worked_out(counts, marks.cells, row.total.count):
            smallest = _smallest_shown(counts, marks.cells)
            if smallest is None:
                marks.total = SECONDARY
            else:
                marks.cells[smallest] = SECONDARY
        if marks.total == SECONDARY and not any(marks.cells):
            smallest = _smallest_shown(counts, marks.cells)
            if smallest is not None:
                marks.cells[smallest] = SECONDARY
    return (marks.total, marks.cells) != before


def _hidden(row: Row, marks: _Marks) -> Row:
    return replace(
        row,
        total=row.total.hidden(marks.total) if marks.total else row.total,
        cells=tuple(
            cell.hidden(mark) if mark else cell
            for cell, mark in zip(row.cells, marks.cells, strict=True)
        ),
    )


def _worked_out(counts: list[int], marks: list[str], total: int) -> bool:
    """Whether a "<5" cell of the breakdown can be worked out from the shown total and cells."""
    left = total - sum(count for count, mark in zip(counts, marks, strict=True) if not mark)
    hidden = [BOUNDS[mark] for mark in marks if mark]
    least, most = sum(low for low, _ in hidden), sum(high for _, high in hidden)
    low, high = BOUNDS[PRIMARY]
    # A "<5" is at least what the others cannot take at their most, and at most what is left
    # when they take their least.
    return PRIMARY in marks and max(low, left - (most - high)) == min(high, left - (least - low))


def _smallest_shown(counts: list[int], marks: list[str]) -> int | None:
    shown = [(count, index) for index, count in enumerate(counts) if count and not marks[index]]
    return min(shown)[1] if shown else None
