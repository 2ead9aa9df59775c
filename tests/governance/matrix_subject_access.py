"""Permission-matrix rows for issue 10: subject_access. (route name, method) -> status per role.

The pages show no record until a role of subject access opens one, so other roles get 403 (the
role check comes first). POST-only routes (making a pack) answer a GET with 405. The objects: one
open request for a fictional child, with one pack made (the download's object)."""

from django.urls import reverse

from governance.subject_access import policy
from tests.governance.matrix_common import ROLES, only

POST_ONLY = {role: 405 for role in ROLES} | {"anonymous": 302}

ROWS: dict = {
    ("subject_access:index", "GET"): only(policy.ROLES),
    ("subject_access:find", "GET"): only(policy.ROLES),
    # An empty POST: the form with its error.
    ("subject_access:find", "POST"): only(policy.ROLES),
    ("subject_access:new", "GET"): only(policy.ROLES),
    ("subject_access:new", "POST"): only(policy.ROLES),
    # Every role of subject access sees every request; others get a 404 like a missing one.
    ("subject_access:detail", "GET"): only(policy.ROLES, denied=404),
    ("subject_access:pack-make", "GET"): POST_ONLY,
    ("subject_access:disclosure-make", "GET"): POST_ONLY,
    ("subject_access:download", "GET"): only(policy.ROLES, denied=404),
    ("subject_access:redaction-new", "GET"): only(policy.ROLES, denied=404),
    ("subject_access:redaction-log", "GET"): only(policy.ROLES, denied=404),
    ("subject_access:complete", "GET"): only(policy.ROLES, denied=404),
}
NAMES = {name for name, _ in ROWS}


def _request_with_pack():
    import datetime as dt

    from cse_framework.accounts.roles import RoleCode
    from governance.subject_access.models import SubjectAccessPack
    from governance.subject_access.services import request_record
    from tests.factories.accounts import UserFactory
    from tests.factories.referrals import ChildFactory

    by = UserFactory(roles=[RoleCode.SERVICE_MANAGER])
    sar = request_record(
        child=ChildFactory(),
        by=by,
        requester_kind="young_person",
        requester_name="Tamsin Greywater",
        received_on=dt.date(2026, 11, 2),
        identity_checked=True,
    )
    # A stored pack (no rendering: the matrix checks who may have it, not what it holds).
    SubjectAccessPack.objects.create(
        request=sar, number=1, made_by=by, pdf=b"%PDF-1.7 test", data=b'{"review_items": []}'
    )
    return sar


def url(name: str) -> str | None:
    """A URL for one of this module's routes (with a real object where it needs one)."""
    if name not in NAMES:
        return None
    if name in ("subject_access:index", "subject_access:find"):
        return reverse(name)
    sar = _request_with_pack()
    if name == "subject_access:new":
        return reverse(name, kwargs={"child_pk": sar.child_id})
    if name == "subject_access:download":
        return reverse(name, kwargs={"pk": sar.pk, "number": 1, "fmt": "pdf"})
    return reverse(name, kwargs={"pk": sar.pk})
