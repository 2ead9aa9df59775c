"""What a figure is, and how a return's figures are counted: in the database, one aggregate
query per population (``COUNT(...) FILTER (WHERE ...)`` for the figure and each of its
categories), never by looping over children in Python. The figures themselves are defined in
``returns.figures``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from returns.quarters import Quarter
from returns.structure import Cell, Return, Row, Section


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    where: Q


@dataclass(frozen=True)
class Population:
    """The rows some figures count, for a quarter; all its figures are counted in one query."""

    code: str
    rows: Callable[[Quarter], QuerySet]


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    definition: str
    version: int
    population: Population
    total: str  # the code of what the figure's total counts: rows counting the same share it
    total_label: str
    where: Q = Q()  # the population's rows the figure counts
    categories: tuple[Category, ...] = ()
    adds_up: bool = True  # the categories split the total (no row in two of them)


def choices(field: str, pairs: Iterable[tuple[str, str]]) -> tuple[Category, ...]:
    """A category per choice of ``field``."""
    return tuple(Category(code, label, Q(**{field: code})) for code, label in pairs)


def yes_no(where: Q) -> tuple[Category, ...]:
    return (Category("yes", "Yes", where), Category("no", "No", ~where))


SectionSpec = tuple[str, str, tuple[Figure, ...]]  # code, title, figures


def count(quarter: Quarter, sections: Iterable[SectionSpec]) -> Return:
    """The return of ``sections`` for ``quarter``, with exact counts."""
    sections = tuple(sections)
    counts = _counts(quarter, [figure for _, _, figures in sections for figure in figures])
    return Return(
        quarter=quarter,
        sections=tuple(
            Section(code, title, tuple(_row(figure, counts) for figure in figures))
            for code, title, figures in sections
        ),
    )


def _counts(quarter: Quarter, figures: list[Figure]) -> dict[str, int]:
    """Every count, ``<figure>`` and ``<figure>__<category>``: one query per population."""
    by_population: dict[Population, list[Figure]] = {}
    for figure in figures:
        by_population.setdefault(figure.population, []).append(figure)
    counts: dict[str, int] = {}
    for population, its_figures in by_population.items():
        wanted = {}
        for figure in its_figures:
            wanted[figure.code] = Count("pk", filter=figure.where)
            for category in figure.categories:
                wanted[f"{figure.code}__{category.code}"] = Count(
                    "pk", filter=figure.where & category.where
                )
        counts.update(population.rows(quarter).aggregate(**wanted))
    return counts


def _row(figure: Figure, counts: dict[str, int]) -> Row:
    return Row(
        code=figure.code,
        label=figure.label,
        definition=figure.definition,
        version=figure.version,
        total=Cell(figure.total, figure.total_label, counts[figure.code]),
        cells=tuple(
            Cell(category.code, category.label, counts[f"{figure.code}__{category.code}"])
            for category in figure.categories
        ),
        adds_up=figure.adds_up,
    )
