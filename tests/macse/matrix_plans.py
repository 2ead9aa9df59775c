"""The permission matrix's rows for MACSE's plans routes (tests/test_permission_matrix.py takes
them from tests/macse/matrix.py): (route name, method) -> expected status per role, and each
route's URL built from real objects (tests/factories/macse.py)."""

ROWS: dict = {}


def url(name: str) -> str | None:
    return None
