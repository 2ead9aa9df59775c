"""The permission matrix's rows for intelligence: hotspots (test_hotspots.py: what each counts).

The page shows no single record: 403 for everyone outside intelligence.policy.HOTSPOT_ROLES."""

from django.urls import reverse

from intelligence import policy
from tests.intelligence.matrix_reports import _only

ROWS: dict = {
    ("intelligence:hotspots", "GET"): _only(policy.HOTSPOT_ROLES, denied=403),
}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    return reverse(name)
