"""Every write of a deadline: opened with the event that starts it, closed by the one that
meets it (or decides it is not needed). Call inside the event's transaction."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from cse_framework.timescales.clocks import clock, thresholds
from cse_framework.timescales.models import Deadline


def _started_by(obj: models.Model) -> dict:
    return {
        "started_by_type": ContentType.objects.get_for_model(obj),
        "started_by_id": str(obj.pk),
    }


def deadline_open(
    *,
    kind: str,
    started_by: models.Model,
    starts_at: dt.datetime,
    child=None,
    owning_team=None,
    owner=None,
    due_at: dt.datetime | None = None,
) -> Deadline:
    """Start the clock of ``kind`` for the event ``started_by`` (once: a repeat returns it).
    ``due_at`` is for clocks whose due time is agreed, not set by the framework (an action)."""
    deadline, _ = Deadline.objects.get_or_create(
        kind=kind,
        **_started_by(started_by),
        defaults={
            "starts_at": starts_at,
            **(thresholds(starts_at, due_at) if due_at else clock(kind).thresholds(starts_at)),
            "child": child,
            "owning_team": owning_team,
            "owner": owner,
        },
    )
    return deadline


def open_deadlines(*, kind: str, started_by: models.Model):
    return Deadline.objects.select_for_update().filter(
        kind=kind, met_at__isnull=True, not_required_at__isnull=True, **_started_by(started_by)
    )


def _close(deadline: Deadline, by: models.Model, **changes) -> Deadline:
    deadline.closed_by_type = ContentType.objects.get_for_model(by)
    deadline.closed_by_id = str(by.pk)
    for field, value in changes.items():
        setattr(deadline, field, value)
    deadline.version += 1
    deadline.save()
    return deadline


def deadline_meet(
    *, kind: str, started_by: models.Model, met_by: models.Model, at: dt.datetime
) -> list[Deadline]:
    """The event ``met_by`` at ``at`` meets the open clock(s) of ``kind`` started by
    ``started_by``."""
    return [_close(d, met_by, met_at=at) for d in open_deadlines(kind=kind, started_by=started_by)]


def deadlines_meet_for_child(
    *, child_id, kinds, met_by: models.Model, at: dt.datetime
) -> list[Deadline]:
    """The event ``met_by`` meets every open clock of ``kinds`` for the child, whatever started
    them (a completed CSE2 meets the initial-CSE2 clock or a review clock, D5, D16, D17)."""
    return [
        _close(d, met_by, met_at=at)
        for d in Deadline.objects.select_for_update().filter(
            met_at__isnull=True, not_required_at__isnull=True, child_id=child_id, kind__in=kinds
        )
    ]


def deadline_not_required(
    *, kind: str, started_by: models.Model, decided_by: models.Model, at: dt.datetime
) -> list[Deadline]:
    """A decision that the clock's event is not needed (D4: no strategy discussion)."""
    return [
        _close(d, decided_by, not_required_at=at)
        for d in open_deadlines(kind=kind, started_by=started_by)
    ]


def deadlines_set_child(*, started_by: models.Model, child) -> None:
    """Once MASH confirms who the child is, the clocks the referral started are theirs."""
    for deadline in Deadline.objects.filter(**_started_by(started_by)).exclude(child=child):
        deadline.child = child
        deadline.save()


class AlreadyTakenError(Exception):
    """Someone else took the clock first."""


def deadline_take(*, deadline: Deadline, by) -> Deadline:
    """A worker takes a team clock: they become its owner (and get its reminders)."""
    with transaction.atomic():
        current = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if current.owner_id is not None or not current.is_open:
            raise AlreadyTakenError("Someone else has taken this already")
        current.owner = by
        current.version += 1
        current.save()
    return current


def deadline_explain_breach(*, deadline: Deadline, by, code: str, text: str) -> Deadline:
    """The owner's reason for a clock met late or still open past due."""
    with transaction.atomic():
        current = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if not current.is_breached:
            raise ValidationError("This clock is not late")
        if code == Deadline.BreachReason.OTHER and not text.strip():
            raise ValidationError({"breach_reason": "Say what the reason was"})
        current.breach_reason_code, current.breach_reason = code, text
        current.version += 1
        current.full_clean()
        current.save()
    return current
