"""Financial-year quarters (D20) bounded in Europe/London, and the quarters a return is refused
for: one not yet ended, or one that ended before the service's first record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from returns.quarters import Quarter, check_reportable, reportable_quarter
from tests.factories.referrals import ChildFactory
from tests.factories.returns import london, recorded_at

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 29, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "quarter"),
    [
        ("2026-Q2", Quarter(2026, 2)),
        (" 2026-q4 ", Quarter(2026, 4)),
        ("2025 - Q1", Quarter(2025, 1)),
    ],
)
def test_a_quarter_is_read_from_its_code(text, quarter):
    assert Quarter.parse(text) == quarter
    assert Quarter.parse(quarter.code) == quarter


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "Q2 2026", "2026Q2", "26-Q2", "", "2026"])
def test_anything_else_is_refused_with_an_example(text):
    with pytest.raises(ValidationError) as error:
        Quarter.parse(text)
    assert error.value.messages == [
        "Enter a quarter as the year its financial year starts and the quarter, like 2026-Q2 "
        "for July to September 2026"
    ]


def test_quarters_are_numbered_1_to_4():
    with pytest.raises(ValueError, match="1 to 4"):
        Quarter(2026, 5)


@pytest.mark.parametrize(
    ("quarter", "start", "end", "label"),
    [
        (
            Quarter(2026, 1),
            dt.date(2026, 4, 1),
            dt.date(2026, 6, 30),
            "Q1 2026-27 (April to June 2026)",
        ),
        (
            Quarter(2026, 2),
            dt.date(2026, 7, 1),
            dt.date(2026, 9, 30),
            "Q2 2026-27 (July to September 2026)",
        ),
        (
            Quarter(2026, 3),
            dt.date(2026, 10, 1),
            dt.date(2026, 12, 31),
            "Q3 2026-27 (October to December 2026)",
        ),
        (
            Quarter(2026, 4),
            dt.date(2027, 1, 1),
            dt.date(2027, 3, 31),
            "Q4 2026-27 (January to March 2027)",
        ),
        (
            Quarter(2099, 4),
            dt.date(2100, 1, 1),
            dt.date(2100, 3, 31),
            "Q4 2099-00 (January to March 2100)",
        ),
    ],
)
def test_q1_is_april_to_june_and_q4_is_in_the_next_calendar_year(quarter, start, end, label):
    assert (quarter.start, quarter.end, quarter.label) == (start, end, label)


def test_a_quarter_is_bounded_by_london_midnights_whatever_the_clocks_do():
    """Q1 and Q2 are in British Summer Time; Q3 ends in GMT, an hour longer than its days; Q4
    starts in GMT and ends in BST, an hour shorter."""
    q1, q3, q4 = Quarter(2026, 1), Quarter(2026, 3), Quarter(2026, 4)
    assert q1.starts_at == dt.datetime(2026, 3, 31, 23, tzinfo=UTC)
    assert q1.ends_at == dt.datetime(2026, 6, 30, 23, tzinfo=UTC) == Quarter(2026, 2).starts_at
    assert q3.ends_at == dt.datetime(2027, 1, 1, 0, tzinfo=UTC)
    assert q3.ends_at - q3.starts_at == dt.timedelta(days=92, hours=1)
    assert q4.ends_at == dt.datetime(2027, 3, 31, 23, tzinfo=UTC)
    assert q4.ends_at - q4.starts_at == dt.timedelta(days=90, hours=-1)


@pytest.mark.parametrize(
    ("moment", "quarter"),
    [
        (london(2026, 6, 30, 23, 30), Quarter(2026, 1)),  # 22:30 UTC
        (london(2026, 7, 1, 0, 30), Quarter(2026, 2)),  # 23:30 UTC on 30 June
        (dt.datetime(2026, 6, 30, 23, 30, tzinfo=UTC), Quarter(2026, 2)),
        (london(2026, 3, 31, 23, 30), Quarter(2025, 4)),  # the day after the clocks went forward
        (london(2026, 4, 1, 0, 30), Quarter(2026, 1)),
        (london(2026, 12, 31, 23, 59), Quarter(2026, 3)),
        (london(2027, 1, 1, 0, 0), Quarter(2026, 4)),
        (dt.date(2027, 3, 31), Quarter(2026, 4)),
        (dt.date(2027, 4, 1), Quarter(2027, 1)),
    ],
)
def test_a_moment_is_in_the_quarter_of_its_london_date(moment, quarter):
    assert Quarter.of(moment) == quarter
    if isinstance(moment, dt.datetime):
        assert quarter.starts_at <= moment < quarter.ends_at


def test_the_trend_is_the_eight_quarters_ending_with_this_one_oldest_first():
    assert [q.code for q in Quarter(2026, 2).trend()] == [
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    assert Quarter(2026, 2).trend(1) == [Quarter(2026, 2)]
    assert sorted([Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 1)]) == [
        Quarter(2025, 1),
        Quarter(2025, 4),
        Quarter(2026, 1),
    ]


def test_the_latest_ended_quarter():
    assert Quarter.latest_ended(NOW) == Quarter(2026, 2)
    assert Quarter.latest_ended(Quarter(2026, 3).starts_at) == Quarter(2026, 2)
    assert Quarter.latest_ended(Quarter(2026, 3).starts_at - dt.timedelta(seconds=1)) == Quarter(
        2026, 1
    )


FIRST = dt.datetime(2026, 2, 26, 10, tzinfo=UTC)


def test_a_quarter_not_yet_ended_is_refused():
    q3 = Quarter(2026, 3)
    with pytest.raises(ValidationError) as error:
        check_reportable(q3, now=NOW, first_record_at=FIRST)
    assert error.value.code == "not_ended"
    assert error.value.messages == [
        "Q3 2026-27 (October to December 2026) has not ended yet. A return counts the records "
        "as they stood at the end of a quarter: choose Q2 2026-27 (July to September 2026) or "
        "an earlier one."
    ]
    with pytest.raises(ValidationError):
        check_reportable(q3, now=q3.ends_at - dt.timedelta(microseconds=1), first_record_at=FIRST)
    check_reportable(q3, now=q3.ends_at, first_record_at=FIRST)


def test_a_quarter_that_ended_before_the_first_record_is_refused():
    with pytest.raises(ValidationError) as error:
        check_reportable(Quarter(2025, 3), now=NOW, first_record_at=FIRST)
    assert error.value.code == "before_records"
    assert error.value.messages == [
        "Q3 2025-26 (October to December 2025) ended before the first record in the service, "
        "on 26 February 2026: choose Q4 2025-26 (January to March 2026) or a later one."
    ]
    check_reportable(Quarter(2025, 4), now=NOW, first_record_at=FIRST)
    first_at_its_end = Quarter(2025, 4).ends_at
    with pytest.raises(ValidationError):
        check_reportable(Quarter(2025, 4), now=NOW, first_record_at=first_at_its_end)


def test_with_no_records_every_quarter_is_refused():
    with pytest.raises(ValidationError) as error:
        check_reportable(Quarter(2026, 1), now=NOW, first_record_at=None)
    assert error.value.code == "no_records"


@pytest.mark.django_db
def test_the_first_record_is_the_first_child_put_on_the_register():
    with pytest.raises(ValidationError):
        reportable_quarter("2026-Q1", now=NOW)
    with recorded_at(london(2026, 5, 10)):
        ChildFactory()
    assert reportable_quarter("2026-Q1", now=NOW) == Quarter(2026, 1)
    with pytest.raises(ValidationError) as error:
        reportable_quarter(Quarter(2025, 4), now=NOW)
    assert error.value.code == "before_records"
    with pytest.raises(ValidationError) as error:
        reportable_quarter("2026-Q3", now=NOW)
    assert error.value.code == "not_ended"


def test_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        Quarter.of(dt.datetime(2026, 6, 30, 23, 30))  # noqa: DTZ001 - the point of the test
