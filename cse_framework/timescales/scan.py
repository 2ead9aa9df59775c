"""The scan: reminders and escalations of every clock, written once each (architecture.md).

Run every minute by Celery beat with ``now`` as a parameter. For each kind of notice it reads the
open clocks past that notice's threshold whose notices have not reached it (``notice_level``):
one query per kind, on a partial index that holds only the clocks with that notice still to
write, so the work follows the notices due, whatever the number of clocks. Each notice is
written in its own savepoint under a unique constraint (clock, kind), so a worker that was down
catches up on its next run, and two workers at once still write each notice once.
"""

import datetime as dt

from django.db import IntegrityError, transaction

from cse_framework.accounts.models import Team, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import Notice
from cse_framework.notices.services import notify
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import is_working_time

BATCH = 500  # per kind and run; the next run takes the rest
MANAGER_ROLES = (
    RoleCode.MASH_TEAM_MANAGER,
    RoleCode.SHIELD_TEAM_MANAGER,
    RoleCode.SERVICE_MANAGER,
)
# (kind of notice, the threshold that calls for it, the notice level it brings the clock to)
STEPS = [
    (Notice.Kind.DUE_SOON, "due_soon_at", 1),
    (Notice.Kind.OVERDUE, "due_at", 2),
    (Notice.Kind.ESCALATED, "escalate_at", 3),
]


def due_for(threshold: str, level: int, now: dt.datetime):
    """Open clocks past ``threshold`` whose notices have not reached ``level``."""
    clocks = Deadline.objects.filter(
        met_at__isnull=True,
        not_required_at__isnull=True,
        notice_level__lt=level,
        **{f"{threshold}__lte": now},
    )
    return (
        clocks.select_related("owner", "owning_team")
        .prefetch_related("started_by")
        .order_by(threshold, "id")
    )


def _raise_level(deadline: Deadline, level: int) -> None:
    if deadline.notice_level < level:
        deadline.notice_level = level
        deadline.save(update_fields=["notice_level"])


def recipients(deadline: Deadline, kind: str, now: dt.datetime) -> list[User]:
    """The owner, or the owning team until a worker takes the clock; EDT too out of hours; the
    team's managers on escalation."""
    people = [deadline.owner] if deadline.owner_id else []
    active = User.objects.filter(is_active=True)
    if not people and deadline.owning_team_id:
        people = list(active.filter(team=deadline.owning_team))
    if not is_working_time(now):
        people += list(active.filter(team__kind=Team.Kind.EDT))
    if kind == Notice.Kind.ESCALATED and deadline.owning_team_id:
        people += list(active.filter(team=deadline.owning_team, roles__code__in=MANAGER_ROLES))
    return people


def _write(deadline: Deadline, kind: str, now: dt.datetime) -> bool:
    started_by = deadline.started_by
    try:
        with transaction.atomic():
            notify(
                recipients=recipients(deadline, kind, now),
                kind=kind,
                deadline=deadline,
                subject=f"{Notice.Kind(kind).label}: {deadline.get_kind_display()}",
                reference=getattr(started_by, "reference", None) or f"Clock {deadline.pk}",
                link=started_by.get_absolute_url()
                if hasattr(started_by, "get_absolute_url")
                else "/notices/",
            )
    except IntegrityError:
        return False  # another worker wrote it first
    return True


def scan(*, now: dt.datetime) -> dict[str, int]:
    """Write every notice that is due at ``now``; how many of each kind were written. A clock
    already overdue gets no "due soon" reminder: the overdue notice says it."""
    written = {}
    for kind, threshold, level in STEPS:
        count = 0
        for deadline in due_for(threshold, level, now)[:BATCH]:
            if not (kind == Notice.Kind.DUE_SOON and deadline.due_at <= now):
                count += _write(deadline, kind, now)
            _raise_level(deadline, level)
        written[kind] = count
    return written
