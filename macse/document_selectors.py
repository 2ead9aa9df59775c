"""Reads of a meeting's printed documents for the pages: which a user may download, and what
the meeting page shows of them."""

from dataclasses import dataclass

from django.db.models import QuerySet

from cse_framework import access
from macse.models import Meeting, MeetingDocument
from macse.policy import ADMINISTER, sees_police_only

Kind = MeetingDocument.Kind
Status = MeetingDocument.Status
# The kinds as they appear in addresses.
SLUGS = {"agenda-pack": Kind.AGENDA_PACK, "minutes": Kind.MINUTES}
SLUG_OF = {kind: slug for slug, kind in SLUGS.items()}


def documents(meeting: Meeting, *, user) -> QuerySet:
    """The meeting's documents (without their PDFs), newest first, that ``user`` may have: one
    that carries police-only items only for police-only users (D12)."""
    queryset = (
        MeetingDocument.objects.filter(meeting=meeting)
        .defer("pdf")
        .order_by("-requested_at", "-id")
    )
    if sees_police_only(user):
        return queryset
    return queryset.exclude(police_only_items=True)


def latest_ready(meeting: Meeting, kind: str, *, user) -> MeetingDocument | None:
    """The newest document of ``kind`` that rendered, with its PDF: the one downloaded."""
    return documents(meeting, user=user).filter(kind=kind, status=Status.DONE).defer(None).first()


@dataclass(frozen=True)
class KindPanel:
    kind: str
    label: str
    slug: str
    ready: MeetingDocument | None  # the one downloaded
    latest: MeetingDocument | None  # a later request: waiting, being prepared, or failed


def panel(meeting: Meeting, *, user) -> dict:
    """What the meeting page shows of the documents (macse/_documents.html): per kind, the one
    downloaded and any later request; and whether ``user`` may ask for them. Two queries."""
    rows = list(documents(meeting, user=user)[:50])
    kinds = []
    for kind in Kind:
        mine = [row for row in rows if row.kind == kind]
        ready = next((row for row in mine if row.status == Status.DONE), None)
        latest = mine[0] if mine and mine[0] is not ready else None
        kinds.append(KindPanel(kind, kind.label, SLUG_OF[kind], ready, latest))
    return {"kinds": kinds, "can_request": access.check(user, ADMINISTER, meeting)}
