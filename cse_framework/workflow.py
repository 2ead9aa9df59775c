"""Status changes, declared once per model as a ``TRANSITIONS`` dict (house style)."""

from django.db import models


class TransitionNotAllowedError(Exception):
    """The object is not in a state this move can start from (it may have been moved already)."""

    def __init__(self, obj: models.Model, to: str):
        self.obj = obj
        self.current = obj.status
        super().__init__(f"{obj._meta.verbose_name} is {obj.status}: it cannot become {to}")


def transition(obj: models.Model, to: str, **changes) -> models.Model:
    """Re-reads the row under a lock, checks the move, applies it with ``changes``, and saves
    through ``save()`` so the history records it. Call inside a transaction."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if to not in type(obj).TRANSITIONS[locked.status]:
        raise TransitionNotAllowedError(locked, to)
    locked.status = to
    for field, value in changes.items():
        setattr(locked, field, value)
    if hasattr(locked, "version"):
        locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


class StaleError(Exception):
    """Someone else changed this since it was read: nothing was saved."""


def lock_at_version(model, obj: models.Model, expected_version: int | None) -> models.Model:
    """``obj``'s row, read again under a lock; StaleError if its version is no longer the one
    the user read (``expected_version``; None: not checked). Call inside a transaction."""
    current = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleError("Someone else changed this while you were working on it")
    return current
