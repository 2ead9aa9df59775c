"""Financial-year quarters (D20: Q1 is April to June), bounded in Europe/London.

A quarter is named by the year its financial year starts: "2026-Q2" is July to September 2026 and
"2026-Q4" is January to March 2027. It runs from ``starts_at`` (London midnight of its first day,
included) to ``ends_at`` (London midnight of the next quarter's first day, excluded), so a
moment belongs to the quarter of its London date whatever the clocks do: 23:30 BST on 30 June is
in Q1, 00:30 BST on 1 July (23:30 UTC on 30 June) in Q2. A quarter with a change of the clocks is
an hour shorter or longer than its days.

A return is made only for a quarter that has ended (it counts the records as they stood at its
end, D20) and that ends after the service's first record; anything else is refused with a
``ValidationError`` that says why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Min

from cse_framework.timescales.working_time import LONDON

FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}
CODE = re.compile(r"^\s*(\d{4})\s*-\s*Q([1-4])\s*$", re.IGNORECASE)
TREND_LENGTH = 8  # issue 9: the same figures over the last eight quarters


@dataclass(frozen=True, order=True)
class Quarter:
    year: int  # the calendar year the financial year starts in
    number: int  # 1 (April to June) to 4 (January to March of the next year)

    def __post_init__(self) -> None:
        if self.number not in FIRST_MONTH:
            raise ValueError(f"A quarter is numbered 1 to 4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """ "2026-Q2" (any case, spaces allowed round the parts)."""
        match = CODE.match(text or "")
        if match is None:
            raise ValidationError(
                "Enter a quarter as the year its financial year starts and the quarter, "
                "like 2026-Q2 for July to September 2026",
                code="format",
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: dt.datetime | dt.date) -> Quarter:
        """The quarter a moment (by its London date) or a date falls in."""
        if isinstance(moment, dt.datetime):
            if moment.tzinfo is None:
                raise ValueError("A moment needs its time zone")
            moment = moment.astimezone(LONDON).date()
        number = (moment.month - 4) % 12 // 3 + 1
        return cls(moment.year if moment.month >= 4 else moment.year - 1, number)

    @classmethod
    def latest_ended(cls, now: dt.datetime) -> Quarter:
        """The most recent quarter that has ended by ``now``."""
        return cls.of(now).previous

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> dt.date:
        """Its first day."""
        year = self.year + 1 if self.number == 4 else self.year
        return dt.date(year, FIRST_MONTH[self.number], 1)

    @property
    def end(self) -> dt.date:
        """Its last day."""
        return self.next.start - dt.timedelta(days=1)

    @property
    def starts_at(self) -> dt.datetime:
        """Its first instant, in UTC (so that subtracting two instants counts real time, which
        Python does not do for two datetimes in the same zone)."""
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=LONDON).astimezone(dt.UTC)

    @property
    def ends_at(self) -> dt.datetime:
        """The instant it ends: the first instant of the next quarter (not in this one)."""
        return self.next.starts_at

    @property
    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @property
    def financial_year(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def months(self) -> str:
        """ "July to September 2026"; "January to March 2027"."""
        return f"{self.start:%B} to {self.end:%B %Y}"

    @property
    def label(self) -> str:
        """ "Q2 2026-27 (July to September 2026)"."""
        return f"Q{self.number} {self.financial_year} ({self.months})"

    def trend(self, length: int = TREND_LENGTH) -> list[Quarter]:
        """The ``length`` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < length:
            quarters.insert(0, quarters[0].previous)
        return quarters

    def __str__(self) -> str:
        return self.code


def check_reportable(
    quarter: Quarter, *, now: dt.datetime, first_record_at: dt.datetime | None
) -> None:
    """Refuse a quarter that has not ended by ``now``, or that ended before the first record."""
    if quarter.ends_at > now:
        raise ValidationError(
            f"{quarter.label} has not ended yet. A return counts the records as they stood at "
            f"the end of a quarter: choose {Quarter.latest_ended(now).label} or an earlier one.",
            code="not_ended",
        )
    if first_record_at is None:
        raise ValidationError(
            "There are no records in the service yet, so there is nothing to return.",
            code="no_records",
        )
    if quarter.ends_at <= first_record_at:
        first_day = first_record_at.astimezone(LONDON).date()
        raise ValidationError(
            f"{quarter.label} ended before the first record in the service, on "
            f"{first_day.day} {first_day:%B %Y}: choose {Quarter.of(first_day).label} or a "
            "later one.",
            code="before_records",
        )


def first_record_at() -> dt.datetime | None:
    """When the service's first record was made: the first child put on the register, or the
    first CSE1 received, whichever came first (two indexed aggregates)."""
    from referrals.models import Child, Referral

    firsts = [
        Child.objects.aggregate(first=Min("created_at"))["first"],
        Referral.objects.aggregate(first=Min("received_at"))["first"],
    ]
    return min((first for first in firsts if first is not None), default=None)


def reportable_quarter(value: str | Quarter, *, now: dt.datetime) -> Quarter:
    """The quarter asked for ("2026-Q2" or a Quarter), if a return can be made for it."""
    quarter = value if isinstance(value, Quarter) else Quarter.parse(value)
    check_reportable(quarter, now=now, first_record_at=first_record_at())
    return quarter
