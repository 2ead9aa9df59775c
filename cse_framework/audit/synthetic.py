"""Synthetic access log: the reads a caseload of this size produces (about 5 per child)."""

import datetime as dt

from cse_framework.audit.models import AccessEvent
from cse_framework.synthetic.bulk import bulk_insert

EVENTS_PER_CHILD = 5


def _events(plan):
    rng = plan.rng
    readers = [user.pk for user in plan.users]
    start = dt.datetime.combine(plan.as_of, dt.time(12), tzinfo=dt.UTC)
    for child_id in plan.child_ids:
        for _ in range(rng.randrange(2 * EVENTS_PER_CHILD + 1)):
            yield AccessEvent(
                at=start - dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                user_id=rng.choice(readers),
                action=AccessEvent.Action.VIEW,
                object_type="referrals.child",
                object_id=str(child_id),
                child_id=child_id,
                request_id=f"synthetic-{rng.getrandbits(64):016x}",
            )


def generate(plan) -> None:
    plan.counts["access events"] = bulk_insert(AccessEvent, _events(plan))
