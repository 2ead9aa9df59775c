from cse_framework.audit.models import AccessEvent
from cse_framework.pagination import KeysetPage, keyset_page

PAGE_SIZE = 50


def access_events(
    *, user_id: int | None = None, child_id=None, before_id: int | None = None
) -> KeysetPage:
    """One page of the access log, newest first, optionally by user and/or child, older than the
    event ``before_id``. Auditors only: see views. Keyset pagination: the cost does not grow with
    the size of the log, which grows with every read.
    """
    events = AccessEvent.objects.select_related("user")
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if child_id is not None:
        events = events.filter(child_id=child_id)
    return keyset_page(events, order=("-id",), after=before_id, size=PAGE_SIZE)


EXPORT_LIMIT = 10_000  # events in one download; the page pages through any number
EXPORT_COLUMNS = (
    ("at", "When (UTC)"),
    ("user__email", "Who"),
    ("action", "Action"),
    ("object_type", "Record type"),
    ("object_id", "Record"),
    ("child_id", "Child record number"),
    ("recipient", "Recipient"),
    ("request_id", "Request"),
)


def access_events_for_export(*, user_id: int | None = None, child_id=None):
    """Who saw a child, or what a user saw: the newest ``EXPORT_LIMIT`` events of the filter,
    newest first, as rows of ``EXPORT_COLUMNS`` (one query, through the log's indexes by child
    and by user)."""
    events = AccessEvent.objects.all()
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if child_id is not None:
        events = events.filter(child_id=child_id)
    fields = [name for name, _ in EXPORT_COLUMNS]
    return events.order_by("-id").values_list(*fields)[:EXPORT_LIMIT]
