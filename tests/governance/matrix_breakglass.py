"""Permission-matrix rows for issue 10: breakglass. (route name, method) -> status per role."""

from tests.governance.matrix_common import only  # noqa: F401

ROWS: dict = {}


def url(name: str) -> str | None:
    """A URL for one of this module's routes (with a real object where it needs one)."""
    return None
