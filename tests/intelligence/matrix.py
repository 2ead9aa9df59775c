"""Intelligence's rows of the permission matrix, one module per area, so each area adds its own."""

from tests.intelligence import (
    matrix_entities,
    matrix_exports,
    matrix_hotspots,
    matrix_reports,
    matrix_sources,
)

AREAS = (matrix_reports, matrix_entities, matrix_hotspots, matrix_exports, matrix_sources)
ROWS = {key: row for area in AREAS for key, row in area.ROWS.items()}


def url(name: str) -> str | None:
    """The URL of one of intelligence's routes (a page or the API), or None if no area knows it."""
    for area in AREAS:
        found = area.url(name)
        if found:
            return found
    return None
