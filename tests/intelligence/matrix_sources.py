"""The permission matrix's rows for the links page of a case record (tests/intelligence/matrix.py
gathers them): (route name, method) -> expected status per role, and the URL built from a real
object.

The object: a strategy discussion held by a MASH team manager (tests.factories.referrals). Links
from it are recorded by whoever may change it under the strategy policy: those who record
strategy records (MASH and EDT), and the team managers who may amend a held one; everyone else
gets 404, as the strategy pages answer (every kind of record, and its own rules, are tested in
test_source_links.py). An empty POST is the form with its error for those allowed."""

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from referrals import policy as referrals
from strategy import policy as strategy

ROLES = list(RoleCode)
ANONYMOUS = "anonymous"
TEAM_MANAGERS = {RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER}
RECORDERS = strategy.RECORD_ROLES | (referrals.REGISTER_ROLES & TEAM_MANAGERS)


def _only(roles, *, allowed: int = 200, denied: int = 404, anonymous: int = 302) -> dict:
    return {**{role: allowed if role in roles else denied for role in ROLES}, ANONYMOUS: anonymous}


ROWS: dict = {
    ("intelligence:source-links", "GET"): _only(RECORDERS),
    ("intelligence:source-links", "POST"): _only(RECORDERS),
}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    from tests.factories.referrals import make_discussion

    discussion = make_discussion()
    return reverse(name, kwargs={"source": "strategy-discussion", "pk": discussion.pk})
