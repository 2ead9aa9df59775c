"""The one allow-listed way to write rows in bulk (tests/test_history_guard.py).

History-tracked models get their history rows in bulk too, through django-simple-history's own
helper, so nothing bypasses the history. Used only by the synthetic-data generator.
"""

from collections.abc import Iterable, Sequence

from django.db import models
from simple_history.models import registered_models
from simple_history.utils import bulk_create_with_history

BATCH = 5000


def bulk_insert(model: type[models.Model], rows: Iterable[models.Model]) -> int:
    """Insert rows in batches; returns how many were written."""
    batch: list[models.Model] = []
    written = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            written += _write(model, batch)
            batch = []
    if batch:
        written += _write(model, batch)
    return written


def _write(model: type[models.Model], batch: Sequence[models.Model]) -> int:
    if model in registered_models.values():
        bulk_create_with_history(batch, model, batch_size=BATCH)
    else:
        model.objects.bulk_create(batch, batch_size=BATCH)
    return len(batch)
