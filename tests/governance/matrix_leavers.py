"""Permission-matrix rows for issue 10: leavers. (route name, method) -> status per role.

The people list is a role page (403 to anyone who manages no one). A person is a record: the
matrix's person is in an agency and team of their own, so only the service manager and the system
administrator reach them; everyone else gets 404, as for a missing person (a team manager or an
agency approver reaches only their own team's or agency's people: tests/governance/
test_leavers_pages.py)."""

from django.urls import reverse

from governance.leavers.policy import ANYONE_ROLES, MANAGE_ROLES
from tests.governance.matrix_common import only

ROWS: dict = {
    ("leavers:list", "GET"): only(MANAGE_ROLES),
    # The search, kept in the session: back to the list.
    ("leavers:list", "POST"): only(MANAGE_ROLES, allowed=302),
    ("leavers:detail", "GET"): only(ANYONE_ROLES, denied=404),
    ("leavers:deactivate", "GET"): only(ANYONE_ROLES, denied=404),
    # An empty POST: the form again with its errors (no leaving date, no reason).
    ("leavers:deactivate", "POST"): only(ANYONE_ROLES, denied=404),
    # The matrix's person for this route has been deactivated already.
    ("leavers:reactivate", "GET"): only(ANYONE_ROLES, denied=404),
    ("leavers:reactivate", "POST"): only(ANYONE_ROLES, denied=404),
}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    """A URL for one of this module's routes (with a real object where it needs one)."""
    if name not in NAMES:
        return None
    if name == "leavers:list":
        return reverse(name)
    from tests.factories.accounts import UserFactory

    person = UserFactory(roles=[], is_active=name != "leavers:reactivate")
    return reverse(name, kwargs={"pk": person.pk})
