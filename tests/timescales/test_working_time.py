"""Working time: office hours, weekends, England's bank holidays and clock changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cse_framework.timescales import working_time as wt

LONDON = ZoneInfo("Europe/London")


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (london(2026, 11, 27, 10, 0), True),  # Friday morning
        (london(2026, 11, 27, 17, 0), False),  # 17:00 itself is outside (D4)
        (london(2026, 11, 27, 8, 59), False),
        (london(2026, 11, 28, 12, 0), False),  # Saturday
        (london(2026, 12, 25, 12, 0), False),  # Christmas Day
        (london(2026, 8, 31, 12, 0), False),  # summer bank holiday (England)
    ],
)
def test_is_working_time(at, expected):
    """Office hours are 09:00-17:00, Monday to Friday, bank holidays excluded."""
    assert wt.is_working_time(at) is expected


def test_friday_evening_is_received_on_monday_morning():
    """A referral at 17:30 on a Friday is received at 09:00 the next working day."""
    assert wt.next_working_start(london(2026, 11, 27, 17, 30)) == london(2026, 11, 30, 9, 0)


def test_christmas_eve_evening_skips_the_bank_holidays():
    """Christmas Day and Boxing Day (substitute Monday 28th in 2026) are skipped."""
    assert wt.next_working_start(london(2026, 12, 24, 18, 0)) == london(2026, 12, 29, 9, 0)


def test_early_morning_is_received_at_nine_the_same_day():
    """Before 09:00 on a working day: received at 09:00 that day."""
    assert wt.next_working_start(london(2026, 11, 26, 7, 15)) == london(2026, 11, 26, 9, 0)


def test_ten_working_days_skip_weekends():
    """D16: the initial CSE2 is due 10 working days later, at the same local time."""
    assert wt.add_working_days(london(2026, 11, 27, 11, 0), 10) == london(2026, 12, 11, 11, 0)


def test_four_working_hours_carry_over_the_weekend():
    """D18: 15:00 Friday + 4 working hours = 11:00 Monday."""
    assert wt.add_working_hours(london(2026, 11, 27, 15, 0), 4) == london(2026, 11, 30, 11, 0)


def test_elapsed_hours_ignore_the_clock_change():
    """D4: 24 hours across the October clock change is 24 real hours: 11:00 GMT after 12:00 BST."""
    start = london(2026, 10, 24, 12, 0)  # BST; the clocks go back at 02:00 on 25 October
    due = wt.add_elapsed_hours(start, 24)
    assert due - start == dt.timedelta(hours=24)
    local = due.astimezone(LONDON)
    assert (local.day, local.hour, local.utcoffset()) == (25, 11, dt.timedelta(0))


def test_naive_datetimes_are_refused():
    """Naive datetimes are never used."""
    with pytest.raises(ValueError, match="aware"):
        wt.is_working_time(dt.datetime(2026, 11, 27, 10, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("submitted", "emergency", "received"),
    [
        (london(2026, 11, 26, 10, 30), False, london(2026, 11, 26, 10, 30)),  # office hours
        (london(2026, 11, 26, 16, 59), False, london(2026, 11, 26, 16, 59)),
        (london(2026, 11, 26, 17, 0), False, london(2026, 11, 27, 9, 0)),  # 17:00 is outside
        (london(2026, 11, 27, 18, 0), False, london(2026, 11, 30, 9, 0)),  # Friday evening
        (london(2026, 11, 28, 11, 0), False, london(2026, 11, 30, 9, 0)),  # Saturday
        (london(2026, 12, 25, 11, 0), False, london(2026, 12, 29, 9, 0)),  # Christmas Day
        (london(2026, 11, 27, 18, 0), True, london(2026, 11, 27, 18, 0)),  # emergency: EDT, now
        (london(2026, 12, 25, 11, 0), True, london(2026, 12, 25, 11, 0)),
    ],
)
def test_referral_receipt_follows_d4(submitted, emergency, received):
    """Received at once in office hours or in an emergency; otherwise next working day 09:00."""
    assert wt.referral_received_at(submitted, emergency=emergency) == received


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 8, 31), 3, dt.date(2026, 11, 30)),  # D5: clamped to the month's end
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 1, 15), 12, dt.date(2027, 1, 15)),
    ],
)
def test_add_calendar_months(day, months, expected):
    assert wt.add_calendar_months(day, months) == expected
