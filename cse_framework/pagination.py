"""Pagination.

Keyset pagination: the cost of a page does not grow with the size of the table. A page is the
rows after an anchor row, in a total order (the last field must be unique). The URL carries only
the anchor's primary key, never a sort value, so no name is ever in a URL.

Counted pages (``CountedPaginator``): numbered pages whose rows and total come from one query, for
short lists such as a worker's caseload.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db import models


@dataclass
class KeysetPage:
    rows: list
    next_after: object | None  # the primary key to pass as `after` for the next page
    is_first: bool


def _after_condition(order: tuple[str, ...], anchor: dict) -> models.Q:
    """Rows strictly after `anchor` in `order`: (a > A) or (a = A and b > B) or ...

    A leading range on the first field (a >= A) lets the database walk its index from the anchor.
    """
    alternatives = []
    for position, field in enumerate(order):
        name = field.lstrip("-")
        beyond = "lt" if field.startswith("-") else "gt"
        equal_before = {f.lstrip("-"): anchor[f.lstrip("-")] for f in order[:position]}
        alternatives.append(models.Q(**equal_before, **{f"{name}__{beyond}": anchor[name]}))
    first = order[0].lstrip("-")
    leading = models.Q(
        **{f"{first}__{'lte' if order[0].startswith('-') else 'gte'}": anchor[first]}
    )
    return leading & reduce(or_, alternatives)


def keyset_page(
    queryset: models.QuerySet, *, order: tuple[str, ...], after=None, size: int
) -> KeysetPage:
    """One page of `queryset` in `order`, after the row whose primary key is `after`.

    The anchor is looked up within `queryset`, so a cursor can never reach outside the user's
    scope; an unknown cursor starts again at the first page.
    """
    ordered = queryset.order_by(*order)
    anchor = None
    if after is not None:
        anchor = queryset.filter(pk=after).values(*(f.lstrip("-") for f in order)).first()
    if anchor is not None:
        ordered = ordered.filter(_after_condition(order, anchor))
    rows = list(ordered[: size + 1])
    next_after = rows[size - 1].pk if len(rows) > size else None
    return KeysetPage(rows=rows[:size], next_after=next_after, is_first=anchor is None)


TOTAL = "counted_total"


def _total(row) -> int:
    return row[TOTAL] if isinstance(row, dict) else getattr(row, TOTAL)


class CountedPaginator(Paginator):
    """Numbered pages whose rows carry the total (``COUNT(*) OVER ()``), so a page is one query
    where ``Paginator`` runs two. The database counts every matching row before it cuts the
    page: for lists whose matching rows are few (a caseload: tens), not for a whole register.
    A page past the end falls back to ``Paginator`` (counted, then the last page). Rows may be
    model instances or values (dicts); each carries ``counted_total``."""

    def get_page(self, number):
        """The page ``number`` (the first for anything not a number, the last past the end)."""
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{TOTAL: models.Window(models.Count("*"))})[
                bottom : bottom + self.per_page
            ]
        )
        if not rows and number > 1:
            return super().get_page(number)
        self.__dict__["count"] = _total(rows[0]) if rows else 0
        return self._get_page(rows, number, self)
