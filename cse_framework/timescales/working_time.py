"""Working time, computed in one place (architecture.md): office hours 09:00-17:00 Europe/London,
Monday to Friday, England's bank holidays excluded (from the `holidays` library). 17:00 itself is
outside office hours (D4). Every function takes and returns aware datetimes; stored values are UTC.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

LONDON = ZoneInfo("Europe/London")


def _hours() -> tuple[dt.time, dt.time]:
    start, end = getattr(settings, "TIMESCALES_OFFICE_HOURS", ("09:00", "17:00"))
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def _local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("working time needs an aware datetime")
    return at.astimezone(LONDON)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=LONDON)


def is_working_time(at: dt.datetime) -> bool:
    local = _local(at)
    start, end = _hours()
    return is_working_day(local.date()) and start <= local.time() < end


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def next_working_start(at: dt.datetime) -> dt.datetime:
    """`at` itself in office hours; otherwise the start of the next office day (D4)."""
    if is_working_time(at):
        return at
    local = _local(at)
    start, _ = _hours()
    day = local.date()
    if is_working_day(day) and local.time() < start:
        return _at(day, start)
    return _at(next_working_day(day), start)


def add_working_days(at: dt.datetime, days: int) -> dt.datetime:
    """The same local time `days` working days later (D16: 10 working days; D17: 5)."""
    local = _local(at)
    day = local.date()
    for _ in range(days):
        day = next_working_day(day)
    return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=LONDON)


def add_working_hours(at: dt.datetime, hours: float) -> dt.datetime:
    """`hours` of office time after `at` (D18: 4 working hours after MASH receipt)."""
    remaining = dt.timedelta(hours=hours)
    current = _local(next_working_start(at))
    _, end = _hours()
    while True:
        close = _at(current.date(), end)
        available = close - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = _local(next_working_start(close))


def add_elapsed_hours(at: dt.datetime, hours: float) -> dt.datetime:
    """Elapsed hours in UTC arithmetic: a clock change does not move the deadline (D4)."""
    return (at.astimezone(dt.UTC) + dt.timedelta(hours=hours)).astimezone(dt.UTC)


def referral_received_at(submitted_at: dt.datetime, *, emergency: bool) -> dt.datetime:
    """When MASH (or EDT) receives a referral, which starts the 24-hour clock (D4).

    In office hours: at once. Outside them: the next working day's 09:00, unless it is an
    emergency, which the Emergency Duty Team receives at once.
    """
    if emergency or is_working_time(submitted_at):
        return submitted_at
    return next_working_start(submitted_at)


def add_calendar_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's end (D5: 31 Aug + 3
    months => 30 Nov)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
