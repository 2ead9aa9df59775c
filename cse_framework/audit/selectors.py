from cse_framework.audit.models import AccessEvent

PAGE_SIZE = 50


def access_events(*, user_id: int | None = None, child_id=None, before_id: int | None = None):
    """One page of the access log, newest first, optionally by user and/or child, older than
    ``before_id``. Returns (events, cursor for the next older page or None). Auditors only: see
    views. Keyset pagination: the cost does not grow with the size of the log.
    """
    events = AccessEvent.objects.select_related("user").order_by("-id")
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if child_id is not None:
        events = events.filter(child_id=child_id)
    if before_id is not None:
        events = events.filter(id__lt=before_id)
    page = list(events[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    return page[:PAGE_SIZE], older
