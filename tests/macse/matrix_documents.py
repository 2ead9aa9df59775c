"""The permission matrix's rows for MACSE's documents routes (tests/test_permission_matrix.py takes
them from tests/macse/matrix.py): (route name, method) -> expected status per role, and each
route's URL built from real objects (tests/factories/macse.py).

The meeting is planned, its agenda built with one new referral, and its agenda pack ready (a
stored PDF). The administrator asks for a pack (sent to its progress page) and sees a pending
one's progress; whoever may see the meeting downloads the ready pack; everyone else, and those
who see the meeting but may not administer it, get 404."""

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from macse import policy

ANONYMOUS = "anonymous"
PACK = "agenda-pack"


def _only(roles, *, allowed: int = 200, denied: int = 404) -> dict:
    return {**{role: allowed if role in roles else denied for role in RoleCode}, ANONYMOUS: 302}


ROWS: dict = {
    ("macse:document-request", "POST"): _only(policy.ADMIN_ROLES, allowed=302),
    ("macse:document-progress", "GET"): _only(policy.ADMIN_ROLES),
    ("macse:document-download", "GET"): _only(policy.MEETING_ROLES),
}


def _document(status: str):
    from django.utils import timezone

    from macse.models import MeetingDocument
    from tests.factories.macse import make_agenda

    meeting = make_agenda()
    ready = status == MeetingDocument.Status.DONE
    return MeetingDocument.objects.create(
        meeting=meeting,
        kind=MeetingDocument.Kind.AGENDA_PACK,
        status=status,
        requested_by=meeting.administrator,
        total_items=1,
        done_items=1 if ready else 0,
        pdf=b"%PDF-1.7 matrix" if ready else None,
        pages=1 if ready else None,
        finished_at=timezone.now() if ready else None,
    )


def url(name: str) -> str | None:
    from macse.models import MeetingDocument

    if name == "macse:document-request":
        meeting = _document(MeetingDocument.Status.DONE).meeting
        return reverse(name, kwargs={"pk": meeting.pk, "kind": PACK})
    if name == "macse:document-progress":
        return reverse(name, kwargs={"pk": _document(MeetingDocument.Status.RENDERING).pk})
    if name == "macse:document-download":
        meeting = _document(MeetingDocument.Status.DONE).meeting
        return reverse(name, kwargs={"pk": meeting.pk, "kind": PACK})
    return None
