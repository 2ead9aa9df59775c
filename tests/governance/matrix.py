"""The permission matrix's rows for information governance (issue 10), one module per area:
account requests and resets, leavers, subject access, retention and break-glass."""

from tests.governance import (
    matrix_accounts,
    matrix_breakglass,
    matrix_leavers,
    matrix_retention,
    matrix_subject_access,
)

AREAS = (
    matrix_accounts,
    matrix_leavers,
    matrix_subject_access,
    matrix_retention,
    matrix_breakglass,
)
ROWS: dict = {key: row for area in AREAS for key, row in area.ROWS.items()}


def url(name: str) -> str | None:
    """The URL to try for a route of one of the areas (with a real object), else None."""
    for area in AREAS:
        if found := area.url(name):
            return found
    return None
