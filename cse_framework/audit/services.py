"""Writing the access log. Every read of a child's record goes through record_view."""

from collections.abc import Callable, Iterable

from django.db import connections, models, router

from cse_framework.audit.models import AccessEvent
from cse_framework.middleware import current_request_id


def _object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def child_id_of(obj: models.Model):
    """The child a record is about: the child itself, or the object's ``child_id``."""
    from referrals.models import Child

    if isinstance(obj, Child):
        return obj.pk
    return getattr(obj, "child_id", None)


def _common(request, action: str) -> dict:
    """What every event of one request and action shares."""
    meta = request.META
    user = request.user
    return {
        "user_id": user.pk if user.is_authenticated else None,
        "action": action,
        "ip_address": meta.get("REMOTE_ADDR") or None,
        "user_agent": meta.get("HTTP_USER_AGENT", "")[:300],
        "request_id": getattr(request, "request_id", "") or current_request_id(),
    }


def _event(request, action: str, obj: models.Model, child_id, **extra) -> AccessEvent:
    return _about(_common(request, action), obj, child_id, **extra)


def _about(common: dict, obj: models.Model, child_id, **extra) -> AccessEvent:
    return AccessEvent(
        **common,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        child_id=child_id,
        **extra,
    )


def _save(event: AccessEvent) -> AccessEvent:
    event.save(force_insert=True)
    return event


def record(request, action: str, obj: models.Model, **extra) -> AccessEvent:
    """One event (create, change, print, export, disclose) about one object."""
    return _save(_event(request, action, obj, child_id_of(obj), **extra))


def record_by(*, user, action: str, obj: models.Model, **extra) -> AccessEvent:
    """``record`` for a service that acts for ``user`` outside any view (a report sent on to a
    mailbox): no address is known; the request id, if any, ties it to the request."""
    return _save(
        AccessEvent(
            user=user,
            action=action,
            object_type=_object_type(obj),
            object_id=str(obj.pk),
            child_id=child_id_of(obj),
            request_id=current_request_id(),
            **extra,
        )
    )


def record_view(
    request,
    objects: Iterable[models.Model],
    *,
    child_of: Callable[[models.Model], object] = child_id_of,
    action: str = AccessEvent.Action.VIEW,
) -> list[AccessEvent]:
    """One event per child shown (a 'view', or an 'export'), in one INSERT (a page of 25
    children: 25 rows)."""
    return _record_shown(
        request, action, ((_object_type(obj), obj.pk, child_of(obj)) for obj in objects)
    )


def record_view_rows(request, model: type[models.Model], rows: Iterable[dict]) -> list[AccessEvent]:
    """``record_view`` for rows of ``model`` read as values: each a dict with its ``pk`` and
    ``child_id``."""
    object_type = model._meta.label_lower
    return _record_shown(
        request,
        AccessEvent.Action.VIEW,
        ((object_type, row["pk"], row["child_id"]) for row in rows),
    )


def _record_shown(request, action: str, shown: Iterable[tuple]) -> list[AccessEvent]:
    """``shown``: (object type, primary key, child) of each record shown; one event per child
    (or per record about no child)."""
    common = _common(request, action)
    events = []
    seen = set()
    for object_type, pk, child_id in shown:
        key = (object_type, pk) if child_id is None else child_id
        if key in seen:
            continue
        seen.add(key)
        events.append(
            AccessEvent(**common, object_type=object_type, object_id=str(pk), child_id=child_id)
        )
    _insert(events)
    return events


def _insert(events: list[AccessEvent]) -> None:
    """Writes ``events`` in one INSERT statement per batch. Every page that shows a child writes
    here, so this skips what ``bulk_create`` adds to each page: a transaction around the one
    statement, reading the new ids back and setting them on each event (about 1.5 ms a page of
    25). The events are not given their ids."""
    if not events:
        return
    connection = connections[router.db_for_write(AccessEvent)]
    fields = [f for f in AccessEvent._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    size = connection.ops.bulk_batch_size(fields, events) or len(events)
    with connection.cursor() as cursor:
        for start in range(0, len(events), size):
            batch = events[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(AccessEvent._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([row] * len(batch))}",
                [
                    field.get_db_prep_save(getattr(event, field.attname), connection)
                    for event in batch
                    for field in fields
                ],
            )


def record_denial(request, obj: models.Model) -> AccessEvent:
    """A request for an object outside the user's scope (answered with 404)."""
    return _save(_event(request, AccessEvent.Action.DENY, obj, child_id_of(obj)))


def record_unknown_path(request) -> AccessEvent | None:
    """A signed-in request for a page or record that does not exist, or is out of scope."""
    if getattr(request, "audited_denial", False):
        return None
    event = AccessEvent(
        **_common(request, AccessEvent.Action.DENY),
        object_type="path",
        object_id=request.path[:64],
    )
    return _save(event)


def record_refused_change(*, user, obj: models.Model, reason: str) -> AccessEvent:
    """A refused attempt to change what may never change (a completed CSE2), from whatever path
    it came: the pages, the API, or code. Written outside any request, so no address is known."""
    return _save(
        AccessEvent(
            user=user if user is not None and user.is_authenticated else None,
            action=AccessEvent.Action.DENY,
            object_type=_object_type(obj),
            object_id=str(obj.pk),
            child_id=child_id_of(obj),
            justification=reason,
            request_id=current_request_id(),
        )
    )
