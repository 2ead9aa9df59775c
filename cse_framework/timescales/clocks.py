"""The framework's clocks: what each is called, how long it runs and how the time is counted.

These are the framework's defaults; a setting can change a duration without a code change:
``TIMESCALES_CLOCKS = {"strategy_discussion": {"amount": 24}}``. Elapsed hours for the 24h and 72h
clocks (D4); working time only where a decision says "working" (D16-D18). Every due time is
computed here, from ``working_time``.
"""

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import models

from cse_framework.timescales import working_time


class Kind(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    STRATEGY_MEETING = "strategy_meeting", "Strategy meeting"
    PLACING_AUTHORITY = "placing_authority", "Contact the placing authority"
    INITIAL_CSE2 = "initial_cse2", "Initial CSE2"
    CSE2_REVIEW = "cse2_review", "CSE2 review"
    MACSE_REVIEW = "macse_review", "MACSE review"
    ADULT_SERVICES = "adult_services", "Contact Adult Services"
    ACTION = "action", "Agreed action"
    SUBJECT_ACCESS = "subject_access", "Subject-access request"


class Unit(models.TextChoices):
    ELAPSED_HOURS = "elapsed_hours", "hours"
    WORKING_HOURS = "working_hours", "working hours"
    WORKING_DAYS = "working_days", "working days"
    CALENDAR_MONTHS = "calendar_months", "calendar months"


@dataclass(frozen=True)
class Clock:
    kind: str
    amount: int
    unit: str
    rule: str  # where the framework says so

    def due_at(self, starts_at: dt.datetime) -> dt.datetime:
        if self.unit == Unit.ELAPSED_HOURS:
            return working_time.add_elapsed_hours(starts_at, self.amount)
        if self.unit == Unit.WORKING_HOURS:
            return working_time.add_working_hours(starts_at, self.amount)
        if self.unit == Unit.WORKING_DAYS:
            return working_time.add_working_days(starts_at, self.amount)
        local = starts_at.astimezone(working_time.LONDON)
        day = working_time.add_calendar_months(local.date(), self.amount)
        return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=local.tzinfo)

    def thresholds(self, starts_at: dt.datetime) -> dict[str, dt.datetime]:
        return thresholds(starts_at, self.due_at(starts_at))

    @property
    def duration_label(self) -> str:
        return f"{self.amount} {Unit(self.unit).label}"


def thresholds(starts_at: dt.datetime, due: dt.datetime) -> dict[str, dt.datetime]:
    """When a clock is due soon (a share of its time gone), due, and overdue long enough to
    escalate to the team manager (a share of its length past due). The shares are settings."""
    length = due - starts_at
    return {
        "due_soon_at": starts_at + length * getattr(settings, "TIMESCALES_DUE_SOON_SHARE", 0.75),
        "due_at": due,
        "escalate_at": due + length * getattr(settings, "TIMESCALES_ESCALATE_SHARE", 0.5),
    }


DEFAULTS = {
    clock.kind: clock
    for clock in [
        Clock(Kind.STRATEGY_DISCUSSION, 24, Unit.ELAPSED_HOURS, "D4: 24 hours from MASH receipt"),
        Clock(Kind.STRATEGY_MEETING, 72, Unit.ELAPSED_HOURS, "D4: 72 hours from the discussion"),
        Clock(Kind.PLACING_AUTHORITY, 4, Unit.WORKING_HOURS, "D18: 4 working hours from receipt"),
        Clock(Kind.INITIAL_CSE2, 10, Unit.WORKING_DAYS, "D16: 10 working days"),
        Clock(Kind.CSE2_REVIEW, 3, Unit.CALENDAR_MONTHS, "D5: 3 months after each CSE2"),
        Clock(Kind.MACSE_REVIEW, 3, Unit.CALENDAR_MONTHS, "D5: 3 months after first hearing"),
        Clock(
            Kind.SUBJECT_ACCESS,
            1,
            Unit.CALENDAR_MONTHS,
            "UK GDPR Art 12(3): one month from receipt",
        ),
    ]
}


def clock(kind: str) -> Clock:
    """The clock of ``kind``, with any duration the settings change."""
    override = getattr(settings, "TIMESCALES_CLOCKS", {}).get(kind, {})
    return replace(DEFAULTS[kind], **override)
