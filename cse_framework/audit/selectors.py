from cse_framework.audit.models import AccessEvent


def access_events(*, user_id: int | None = None, child_id=None):
    """The access log, newest first, filtered by user and/or child (auditors only: see views)."""
    events = AccessEvent.objects.select_related("user")
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if child_id is not None:
        events = events.filter(child_id=child_id)
    return events
