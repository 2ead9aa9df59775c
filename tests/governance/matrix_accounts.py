"""Permission-matrix rows for issue 10: accounts. (route name, method) -> status per role.

Asking for an account and resetting a password are public pages (200 for everyone). The queue
of access requests is for agency approvers and system administrators (403 for other roles). The
matrix's request is for an agency none of the matrix's users works for, so only a system
administrator may open it: for everyone else it is out of scope and answers like a missing one
(404). A second factor is reset by a system administrator only; the matrix's person is another
user. An empty POST is a form with errors (200) for those allowed.
"""

from django.urls import reverse

from cse_framework.accounts.policy import DECIDE_ROLES, SECOND_FACTOR_RESET_ROLES
from cse_framework.accounts.roles import RoleCode
from tests.governance.matrix_common import ANONYMOUS, ROLES, only


def _every(status: int, anonymous: int) -> dict:
    return {**{role: status for role in ROLES}, ANONYMOUS: anonymous}


PUBLIC = _every(200, anonymous=200)
ADMINISTRATOR = {RoleCode.SYSTEM_ADMINISTRATOR}

ROWS: dict = {
    ("accounts:access-request", "GET"): PUBLIC,
    ("accounts:access-request", "POST"): PUBLIC,
    ("accounts:access-request-sent", "GET"): PUBLIC,
    ("accounts:access-request-list", "GET"): only(DECIDE_ROLES),
    ("accounts:access-request-detail", "GET"): only(ADMINISTRATOR, denied=404),
    ("accounts:access-request-approve", "GET"): _every(405, anonymous=302),
    ("accounts:access-request-approve", "POST"): only(ADMINISTRATOR, denied=404),
    ("accounts:access-request-refuse", "GET"): only(ADMINISTRATOR, denied=404),
    ("accounts:access-request-refuse", "POST"): only(ADMINISTRATOR, denied=404),
    ("accounts:password-reset", "GET"): PUBLIC,
    ("accounts:password-reset", "POST"): PUBLIC,
    ("accounts:password-reset-sent", "GET"): PUBLIC,
    # A link whose token is wrong: the "link does not work" page, for anyone.
    ("accounts:set-password", "GET"): PUBLIC,
    ("accounts:second-factor-reset", "GET"): only(SECOND_FACTOR_RESET_ROLES),
    ("accounts:second-factor-reset", "POST"): only(SECOND_FACTOR_RESET_ROLES),
}
NAMES = {name for name, _ in ROWS}


def _access_request():
    from cse_framework.accounts.models import AccessRequest
    from tests.factories.accounts import AgencyFactory

    return AccessRequest.objects.create(
        full_name="Morwenna Tregarth",
        email="morwenna.tregarth@example.net",
        job_title="School nurse",
        phone="01632 960123",
        agency=AgencyFactory(name="Matrix health trust"),
        reason="To refer children.",
        flagged=True,
        flag_reason="Not a secure address",
    )


def url(name: str) -> str | None:
    """A URL for one of this module's routes (with a real object where it needs one)."""
    if name not in NAMES:
        return None
    if name.startswith("accounts:access-request-") and name not in (
        "accounts:access-request-sent",
        "accounts:access-request-list",
    ):
        return reverse(name, kwargs={"pk": _access_request().pk})
    if name == "accounts:set-password":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "abc-0123456789abcdef"})
    if name == "accounts:second-factor-reset":
        from tests.factories.accounts import UserFactory

        return reverse(name, kwargs={"pk": UserFactory().pk})
    return reverse(name)
