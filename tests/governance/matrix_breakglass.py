"""Permission-matrix rows for issue 10: break-glass. The request form is for those who work with
children (policy.BREAK_GLASS_ROLES); an empty POST is the form again with its errors. The report
and a use's review are for the auditors (policy.REVIEW_ROLES). The object: one grant."""

import datetime as dt

from django.urls import reverse

from governance.breakglass import policy
from tests.governance.matrix_common import only

ROWS: dict = {
    ("breakglass:start", "GET"): only(policy.BREAK_GLASS_ROLES),
    ("breakglass:start", "POST"): only(policy.BREAK_GLASS_ROLES),
    ("breakglass:report", "GET"): only(policy.REVIEW_ROLES),
    ("breakglass:review", "GET"): only(policy.REVIEW_ROLES),
    ("breakglass:review", "POST"): only(policy.REVIEW_ROLES),
}


def url(name: str) -> str | None:
    """A URL for one of this module's routes (with a real grant where it needs one)."""
    if name != "breakglass:review":
        return None
    from governance.breakglass.models import Grant
    from tests.factories.accounts import UserFactory
    from tests.factories.referrals import ChildFactory

    opened = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
    grant = Grant.objects.create(
        user=UserFactory(),
        child=ChildFactory(),
        reason="A matrix test of the review page.",
        opened_at=opened,
        expires_at=opened + dt.timedelta(minutes=30),
    )
    return reverse(name, kwargs={"pk": grant.pk})
