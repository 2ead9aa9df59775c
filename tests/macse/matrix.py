"""MACSE's rows of the permission matrix, one module per area, so each area adds its own."""

from tests.macse import matrix_documents, matrix_meetings, matrix_plans

AREAS = (matrix_meetings, matrix_documents, matrix_plans)
ROWS = {key: row for area in AREAS for key, row in area.ROWS.items()}


def url(name: str) -> str | None:
    """The URL of one of MACSE's routes (a page or the API), or None if no area knows it."""
    for area in AREAS:
        found = area.url(name)
        if found:
            return found
    return None
