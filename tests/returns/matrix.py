"""The permission matrix's rows for the quarterly return (issue 9): its pages, downloads and API,
for the managers and the LSCB analyst (returns.policy.ROLES); 403 for everyone else, as the pages
show no single record. The object: one ready return kept for Q4 2025-26."""

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from returns import policy

ROLES = list(RoleCode)
ANONYMOUS = "anonymous"


def _only(roles, *, allowed=200, denied=403, anonymous=302) -> dict:
    return {**{role: allowed if role in roles else denied for role in ROLES}, ANONYMOUS: anonymous}


ROWS: dict = {
    ("returns:index", "GET"): _only(policy.ROLES),
    # An empty POST: the form with its error ("Choose the quarter") for those who may build.
    ("returns:index", "POST"): _only(policy.BUILD_ROLES),
    ("returns:detail", "GET"): _only(policy.ROLES),
    ("returns:trend", "GET"): _only(policy.ROLES),
    ("returns:download", "GET"): _only(policy.ROLES),
    ("quarterly-return-list", "GET"): _only(policy.ROLES, anonymous=401),
    ("quarterly-return-detail", "GET"): _only(policy.ROLES, anonymous=401),
}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    if name == "returns:index":
        return reverse(name)
    from tests.factories.returns import ready_return

    kept = ready_return()
    if name == "returns:download":
        return reverse(name, kwargs={"pk": kept.pk, "fmt": "csv"})
    if name == "quarterly-return-list":
        return reverse(name) + "?quarter=2025-Q4"
    return reverse(name, kwargs={"pk": kept.pk})
