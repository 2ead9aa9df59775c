"""The permission matrix's rows for MACSE's meetings routes (tests/test_permission_matrix.py takes
them from tests/macse/matrix.py): (route name, method) -> expected status per role, and each
route's URL built from real objects (tests/factories/macse.py).

The meeting is planned, its agenda built with one new referral (no worker allocated, so only the
administrator answers the parents question) and the standing items. Those who may act get a form
with errors (200) for an empty POST, or are sent back to the page (302); those who see the
meeting but may not act, and everyone else, get 404; the pages that show no record, 403."""

import datetime as dt

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from macse import policy

ANONYMOUS = "anonymous"


def _only(roles, *, allowed: int = 200, denied: int = 404) -> dict:
    return {**{role: allowed if role in roles else denied for role in RoleCode}, ANONYMOUS: 302}


ADMIN = policy.ADMIN_ROLES
DECIDE = policy.DECIDE_ROLES

ROWS: dict = {
    ("macse:meeting-new", "GET"): _only(ADMIN, denied=403),
    ("macse:meeting-new", "POST"): _only(ADMIN, denied=403),
    ("macse:meeting-detail", "GET"): _only(policy.MEETING_ROLES),
    ("macse:meeting-attendee-add", "POST"): _only(ADMIN),
    # Nothing answered: nothing changes, back to the page.
    ("macse:meeting-attendance", "POST"): _only(ADMIN, allowed=302),
    # The chair (or the administrator) records that the statement was read.
    ("macse:meeting-confidentiality", "POST"): _only(DECIDE, allowed=302),
    ("macse:meeting-standing-add", "POST"): _only(ADMIN),
    ("macse:meeting-child-add", "POST"): _only(ADMIN),
    ("macse:meeting-close", "POST"): _only(DECIDE),
    ("macse:meeting-agenda", "GET"): _only(ADMIN),
    ("macse:meeting-agenda", "POST"): _only(ADMIN),
    ("macse:cohort-keep-open", "POST"): _only(ADMIN),
    ("macse:item-detail", "GET"): _only(policy.MEETING_ROLES),
    # No direction chosen: nothing moves, back to the agenda.
    ("macse:item-move", "POST"): _only(ADMIN, allowed=302),
    # No worker is allocated to the matrix's child: the administrator answers.
    ("macse:item-parents", "POST"): _only(ADMIN),
    ("macse:item-decide", "POST"): _only(DECIDE),
    ("macse:item-defer", "POST"): _only(DECIDE),
    # A standing item's minutes.
    ("macse:item-minutes", "POST"): _only(DECIDE),
}


def _meeting():
    from tests.factories.macse import make_agenda

    return make_agenda()


def _keep_open_url(name: str) -> str:
    """A child adopted at a closed meeting, and the next planned meeting."""
    from tests.factories.macse import make_macse_meeting, make_plan

    plan = make_plan()
    later = make_macse_meeting(starts_at=dt.datetime(2027, 3, 11, 10, 0, tzinfo=dt.UTC))
    return reverse(name, kwargs={"pk": later.pk, "entry_pk": plan.entry_id})


def url(name: str) -> str | None:
    if (name, "GET") not in ROWS and (name, "POST") not in ROWS:
        return None
    if name == "macse:meeting-new":
        return reverse(name)
    if name == "macse:cohort-keep-open":
        return _keep_open_url(name)
    meeting = _meeting()
    if name.startswith("macse:meeting-"):
        return reverse(name, kwargs={"pk": meeting.pk})
    items = meeting.items.order_by("position")
    item = (
        items.filter(child__isnull=True).first()
        if name == "macse:item-minutes"
        else items.filter(child__isnull=False).first()
    )
    return reverse(name, kwargs={"pk": item.pk})
