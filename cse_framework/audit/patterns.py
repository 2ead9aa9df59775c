"""Access-log review (issue 10 item 7): summaries an auditor reads before the events themselves.

* a user's access pattern over a period: what they did, how many children, day by day, out of
  hours, and the children they opened most;
* who has seen a child: each user, how often, first and last.

Every summary is worked out in the database in a fixed number of queries, through the log's
indexes by user and by child.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.working_time import LONDON

PERIODS = {30: "30 days", 90: "90 days", 365: "12 months"}
DEFAULT_DAYS = 30
# Office hours for the pattern: 8am to 6pm, Monday to Friday, London time. Anything else is shown
# as out of hours: not wrong in itself (EDT works nights), but what a reviewer looks at first.
OFFICE_HOURS = (8, 18)
TOP_CHILDREN = 10
ACTIONS = list(AccessEvent.Action)


@dataclass
class UserPattern:
    since: dt.datetime
    until: dt.datetime
    by_action: dict[str, int]
    total: int
    children: int
    out_of_hours: int
    days: list[dict]
    top_children: list[dict]


def _out_of_hours() -> Q:
    start, end = OFFICE_HOURS
    return Q(weekday__gt=5) | Q(hour__lt=start) | Q(hour__gte=end)


def user_pattern(user_id: int, *, days: int = DEFAULT_DAYS, now=None) -> UserPattern:
    """What ``user_id`` did in the log over the last ``days`` days (3 queries)."""
    until = now or timezone.now()
    since = until - dt.timedelta(days=days)
    events = AccessEvent.objects.filter(user_id=user_id, at__gte=since, at__lt=until).order_by()
    counted = events.annotate(
        hour=ExtractHour("at", tzinfo=LONDON), weekday=ExtractIsoWeekDay("at", tzinfo=LONDON)
    ).aggregate(
        total=Count("pk"),
        children=Count("child_id", distinct=True),
        out_of_hours=Count("pk", filter=_out_of_hours()),
        **{action.value: Count("pk", filter=Q(action=action)) for action in ACTIONS},
    )
    per_day = (
        events.annotate(day=TruncDate("at", tzinfo=LONDON))
        .values("day")
        .annotate(
            total=Count("pk"),
            **{action.value: Count("pk", filter=Q(action=action)) for action in ACTIONS},
        )
        .order_by("-day")
    )
    top = (
        events.exclude(child_id=None)
        .values("child_id")
        .annotate(events=Count("pk"), last=Max("at"))
        .order_by("-events", "-last")[:TOP_CHILDREN]
    )
    return UserPattern(
        since=since,
        until=until,
        by_action={action.label: counted[action.value] for action in ACTIONS},
        total=counted["total"],
        children=counted["children"],
        out_of_hours=counted["out_of_hours"],
        days=[
            {"day": row["day"], "total": row["total"], "counts": [row[a] for a in ACTIONS]}
            for row in per_day
        ],
        top_children=list(top),
    )


def child_viewers(child_id) -> list[dict]:
    """Everyone who has opened, changed, printed, exported, disclosed or been refused a child's
    record: how often, first and last, with their break-glass uses counted (1 query)."""
    return list(
        AccessEvent.objects.filter(child_id=child_id)
        .order_by()
        .values("user_id", "user__full_name", "user__email", "user__agency__name")
        .annotate(
            events=Count("pk"),
            views=Count("pk", filter=Q(action=AccessEvent.Action.VIEW)),
            break_glass=Count("pk", filter=Q(action=AccessEvent.Action.BREAK_GLASS)),
            denied=Count("pk", filter=Q(action=AccessEvent.Action.DENY)),
            first=Min("at"),
            last=Max("at"),
        )
        .order_by("-last")
    )
