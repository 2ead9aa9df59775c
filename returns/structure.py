"""A return as plain data: sections of rows, each row one figure with its cells. The page, the
PDF, CSV/XLSX and the API all render this; none of them counts anything itself.

A row is one figure (its code, label, plain-English definition and definition version, kept with
every stored figure so an old return keeps the meaning it was made with), its total, and, for a
breakdown, one cell per category. ``adds_up`` says whether the categories split the total
between them (so that subtraction could reveal a hidden cell, D14); a breakdown where a child
may be in several categories does not. Rows that count the same thing share their total's code
(every breakdown of the children on MACSE has the total ``macse_open``).

``from_dict`` reads back what ``as_dict`` gave: a kept return's figures (``returns.models``) are
rendered again as they were counted, never recounted.

A cell holds the exact count until ``returns.suppression`` hides it; then ``count`` is None and
``suppressed`` says why, and ``shown`` is what every output prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from returns.quarters import Quarter

PRIMARY, SECONDARY = "primary", "secondary"
SHOWN = {PRIMARY: "<5", SECONDARY: "[c]"}
# What an output's notes say each symbol means (D14).
SYMBOLS = {
    "<5": "1, 2, 3 or 4: a small number, hidden",
    "[c]": "Hidden so that a small number cannot be worked out from the total and the other cells",
}


@dataclass(frozen=True)
class Cell:
    code: str
    label: str
    count: int | None
    suppressed: str = ""  # "", PRIMARY or SECONDARY

    @property
    def shown(self) -> str:
        return SHOWN[self.suppressed] if self.suppressed else str(self.count)

    def hidden(self, why: str) -> Cell:
        return replace(self, count=None, suppressed=why)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "count": self.count,
            "shown": self.shown,
            "suppressed": self.suppressed,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Cell:
        return cls(data["code"], data["label"], data["count"], data["suppressed"])


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    definition: str
    version: int
    total: Cell
    cells: tuple[Cell, ...] = ()
    adds_up: bool = True

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "definition": self.definition,
            "version": self.version,
            "total": self.total.as_dict(),
            "cells": [cell.as_dict() for cell in self.cells],
            "adds_up": self.adds_up,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Row:
        return cls(
            code=data["code"],
            label=data["label"],
            definition=data["definition"],
            version=data["version"],
            total=Cell.from_dict(data["total"]),
            cells=tuple(Cell.from_dict(cell) for cell in data["cells"]),
            adds_up=data["adds_up"],
        )


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    rows: tuple[Row, ...]

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "rows": [row.as_dict() for row in self.rows],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Section:
        return cls(data["code"], data["title"], tuple(Row.from_dict(row) for row in data["rows"]))


@dataclass(frozen=True)
class Return:
    quarter: Quarter
    sections: tuple[Section, ...]
    suppressed: bool = False
    as_at: dt.datetime = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_at", self.quarter.ends_at)

    def rows(self) -> Iterator[Row]:
        for section in self.sections:
            yield from section.rows

    def row(self, code: str) -> Row:
        return next(row for row in self.rows() if row.code == code)

    def as_dict(self) -> dict:
        return {
            "quarter": self.quarter.code,
            "label": self.quarter.label,
            "as_at": self.as_at.isoformat(),
            "suppressed": self.suppressed,
            "sections": [section.as_dict() for section in self.sections],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Return:
        """A return kept as ``as_dict`` gave it (a kept return's figures, read back as they
        were counted, with each figure's definition and version then)."""
        return cls(
            quarter=Quarter.parse(data["quarter"]),
            sections=tuple(Section.from_dict(section) for section in data["sections"]),
            suppressed=data["suppressed"],
        )
