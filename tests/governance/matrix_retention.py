"""Permission-matrix rows for issue 10: retention. The queue, the schedule and the erasure log
are for information governance, service managers and police intelligence officers
(policy.ROLES). The object: a review of a child's record, which police intelligence officers do
not see (they see intelligence reviews only): 404. Only information governance decides a review
(an empty POST is the form again with its errors) and changes the children's rule."""

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from governance.retention import policy
from tests.governance.matrix_common import only

POLICE = RoleCode.POLICE_INTELLIGENCE_OFFICER
ROWS: dict = {
    ("retention:index", "GET"): only(policy.ROLES),
    ("retention:review", "GET"): {**only(policy.ALL_RECORDS_ROLES), POLICE: 404},
    ("retention:review", "POST"): {**only(policy.DECIDE_ROLES), POLICE: 404},
    ("retention:rules", "GET"): only(policy.ROLES),
    ("retention:rule-change", "GET"): only({RoleCode.INFORMATION_GOVERNANCE}),
    ("retention:rule-change", "POST"): only({RoleCode.INFORMATION_GOVERNANCE}),
    ("retention:erasures", "GET"): only(policy.ROLES),
}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    """A URL for one of this module's routes (with a real review where it needs one)."""
    if name not in NAMES:
        return None
    if name == "retention:review":
        from tests.factories.referrals import ChildFactory
        from tests.factories.retention import review_of

        return reverse(name, kwargs={"pk": review_of(ChildFactory()).pk})
    if name == "retention:rule-change":
        return reverse(name, kwargs={"record_type": "child"})
    return reverse(name)
