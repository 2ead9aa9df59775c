"""The one allow-listed way to write rows in bulk (tests/test_history_guard.py).

History-tracked models get their history rows in bulk too, dated as the work happened, so a
return counted "as at" a past instant from the history (D20, returns/history.py) sees the
synthetic records as they stood then. Used only by the synthetic-data generator.

- Each row of a tracked model is dated at the time it came into being: ``dated=`` (a callable
  from row to datetime) or the row's own ``_history_date`` (the attribute django-simple-history
  reads when it writes a row's history).
- A row that changed after it came into being is inserted in its final state, and ``changed``
  records each change: when it happened and the values its fields held before it. Its history
  is then written as it happened: a "+" row at its creation with its earliest state, and a "~"
  row at each change with the state from then on (the last one the row as inserted).
- ``bulk_change`` writes later changes to rows already inserted (their fields, and a "~"
  history row for each change recorded with ``changed`` since).

The history rows hold what django-simple-history's own ``bulk_history_create`` (3.13) writes:
the tracked fields by attname, ``_history_user`` if the row carries one, no change reason.
"""

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence

from django.db import connections, models, router, transaction
from simple_history.models import registered_models
from simple_history.utils import get_history_manager_for_model

BATCH = 5000
MAX_PARAMS = 30000  # values in one INSERT statement on PostgreSQL (its limit is 65,535)

Dated = Callable[[models.Model], dt.datetime]


def changed(row: models.Model, at: dt.datetime, **before) -> models.Model:
    """Record that ``row`` took its present values of the fields named in ``before`` at ``at``,
    and held the values in ``before`` until then. Changes may be recorded in any order; a field
    changed twice takes, before each change, the value given for that change."""
    row.__dict__.setdefault("_history_changes", []).append((at, before))
    return row


def bulk_insert(
    model: type[models.Model], rows: Iterable[models.Model], *, dated: Dated | None = None
) -> int:
    """Insert rows in batches, with their history dated as it happened; returns how many were
    written."""
    batch: list[models.Model] = []
    written = 0
    for row in rows:
        if dated is not None:
            row._history_date = dated(row)
        batch.append(row)
        if len(batch) >= BATCH:
            written += _write(model, batch)
            batch = []
    if batch:
        written += _write(model, batch)
    return written


def bulk_change(model: type[models.Model], rows: Sequence[models.Model], fields: list[str]) -> int:
    """Write ``fields`` of rows already inserted, and a "~" history row for each change recorded
    on them with ``changed`` (each dated when it happened)."""
    with transaction.atomic(savepoint=False):
        model._default_manager.bulk_update(rows, fields, batch_size=BATCH)
        _history(model, rows, created=False)
    for row in rows:
        row.__dict__.pop("_history_changes", None)
    return len(rows)


def _write(model: type[models.Model], batch: Sequence[models.Model]) -> int:
    with transaction.atomic(savepoint=False):
        model._default_manager.bulk_create(batch, batch_size=BATCH)
        if model in registered_models.values():
            _history(model, batch, created=True)
    for row in batch:
        row.__dict__.pop("_history_changes", None)
    return len(batch)


def _history(model: type[models.Model], rows: Sequence[models.Model], *, created: bool) -> None:
    history = get_history_manager_for_model(model).model
    tracked = history.tracked_fields
    meta = model._meta
    written = []
    for row in rows:
        if row.pk is None:
            raise ValueError(f"{meta.label}: the database gave no id, so no history can be written")
        if created and getattr(row, "_history_date", None) is None:
            raise ValueError(f"{meta.label}: date each row (dated= or _history_date)")
        user = getattr(row, "_history_user", None)
        for at, kind, values in _states(meta, tracked, row, created=created):
            values["history_date"] = at
            values["history_user_id"] = user.pk if user is not None else None
            values["history_change_reason"] = None
            values["history_type"] = kind
            written.append(values)
    _insert(history, written)


def _insert(history: type[models.Model], rows: list[dict]) -> None:
    """Insert history rows (values by attname), each value prepared by its field for the
    database as ``bulk_create`` prepares it, without building a model instance and compiling
    an SQL statement per batch, which for history rows cost more than the rows themselves. The
    history id is the database's. SQLite takes one prepared statement for many rows
    (``executemany``); PostgreSQL, many rows to a statement (psycopg2's ``executemany`` sends
    one statement a row)."""
    connection = connections[router.db_for_write(history)]
    fields = [field for field in history._meta.local_concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    into = "INSERT INTO {} ({}) VALUES ".format(
        quote(history._meta.db_table), ", ".join(quote(field.column) for field in fields)
    )
    one = "({})".format(", ".join(["%s"] * len(fields)))
    values = (
        [field.get_db_prep_save(row[field.attname], connection) for field in fields] for row in rows
    )
    many = connection.vendor == "postgresql"
    size = max(1, MAX_PARAMS // len(fields)) if many else BATCH
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(values, size)):
            if many:
                sql = into + ", ".join([one] * len(batch))
                cursor.execute(sql, [value for row in batch for value in row])
            else:
                cursor.executemany(into + one, batch)


def _states(meta, tracked, row, *, created: bool) -> list[tuple[dt.datetime, str, dict]]:
    """The row's states, oldest first: (when, history type, tracked values by attname). Walked
    back from the row as it is now, undoing its changes latest first."""
    current = {field.attname: getattr(row, field.attname) for field in tracked}
    start = getattr(row, "_history_date", None)
    changes = sorted(getattr(row, "_history_changes", ()), key=lambda change: change[0])
    states = []
    for at, before in reversed(changes):
        # A change cannot come before the row did.
        states.append((max(at, start) if start is not None else at, "~", current))
        current = {**current, **_by_attname(meta, before)}
    if created:
        states.append((start, "+", current))
    states.reverse()
    return states


def _by_attname(meta, values: dict) -> dict:
    found = {}
    for name, value in values.items():
        field = meta.get_field(name)
        if field.is_relation and isinstance(value, models.Model):
            value = value.pk
        found[field.attname] = value
    return found
