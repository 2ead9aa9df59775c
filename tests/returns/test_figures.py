"""Every figure of the quarterly return, checked exactly on a small known data set
(tests/returns/known_quarter.py): the children on MACSE at the quarter's end and each breakdown,
the quarter's CSE1s, CSE2s, reviews, missing episodes, cases that left MACSE and strategy clocks;
the edges of the quarter in Europe/London; and changes after the quarter's end, which leave it
as it was (D20)."""

import datetime as dt

import pytest

from referrals.models import Ethnicity
from returns import figures
from returns.figures import compute
from returns.quarters import Quarter
from returns.suppression import suppress
from tests.factories.returns import cse1, london, macse_meeting
from tests.returns import known_quarter

pytestmark = pytest.mark.django_db

Q4_2025, Q1, Q2 = Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2)


def counts(report) -> dict:
    """{figure: (total, {category: count})} of a return."""
    return {
        row.code: (row.total.count, {cell.code: cell.count for cell in row.cells})
        for row in report.rows()
    }


ON_MACSE_AT_Q1_END = 6  # A, D, E, F, G and H
EXPECTED_Q1 = {
    "macse_open_by_band": (6, {"high": 2, "medium": 2, "lower": 1, "none": 1}),
    "macse_open_by_age": (
        6,
        {"under_10": 1, "10_to_12": 0, "13_to_15": 3, "16_to_17": 2, "18_or_over": 0},
    ),
    "macse_open_by_gender": (6, {"female": 3, "male": 2, "other": 0, "not_known": 1}),
    "macse_open_by_ethnicity": (
        6,
        {"white": 2, "mixed": 1, "asian": 1, "black": 1, "other": 0, "not_known": 1},
    ),
    "macse_open_by_disability": (6, {"yes": 1, "no": 2, "not_known": 3}),
    "macse_open_looked_after": (6, {"yes": 1, "no": 5}),
    "macse_open_placed_by_another_authority": (6, {"yes": 1, "no": 5}),
    "macse_open_by_model": (
        6,
        {
            "relationship": 1,
            "peer_on_peer": 1,
            "organised": 0,
            "gang": 1,
            "party": 1,
            "online": 3,
            "lone_offender": 0,
            "unknown": 0,
            "none_named": 1,
        },
    ),
    "cse1_received": (10, {}),
    "cse2_completed": (6, {"initial": 3, "review": 2, "incident": 0, "closure": 1}),
    "cse2_reviews": (3, {"on_time": 1, "not_on_time": 2}),
    "missing_episodes": (3, {"interview_done": 1, "no_interview": 2}),
    "macse_ended": (3, {"reduced_risk": 1, "stepped_down": 1, "other": 1}),
    "strategy_discussions": (3, {"on_time": 1, "not_on_time": 2}),
    "strategy_meetings": (2, {"on_time": 1, "not_on_time": 1}),
}


@pytest.fixture
def known():
    return known_quarter.build()


def test_every_figure_and_breakdown_of_the_quarter(known):
    """A: 9, medium, disabled; D: 13 on the last day, high; E: high (a correction is the same
    CSE2); F: lower overridden to medium, looked after; G: placed by another authority, no
    CSE2; H: lower. B closed with reduced risk, C stepped down, K left at 18. Reviews: J's
    late, A's on time, H's not done. Discussions: X's on time, Y's late, W's not recorded."""
    assert counts(compute(Q1)) == EXPECTED_Q1


def test_the_edges_of_the_quarter_are_london_midnights_across_the_change_to_bst(known):
    """CSE1s at 23:30 BST on 31 March (Q4) and 00:30 BST on 1 April (Q1, 23:30 UTC on 31 March);
    23:30 BST on 30 June (Q1) and 00:30 BST on 1 July (Q2); one sent at 18:00 on 30 June and
    received at 09:00 on 1 July (Q2). Missing episodes likewise."""
    assert counts(compute(Q4_2025))["cse1_received"] == (5, {})  # A, B, H, K and 31 March
    assert counts(compute(Q1))["cse1_received"] == (10, {})
    assert counts(compute(Q2))["cse1_received"] == (2, {})
    assert counts(compute(Q4_2025))["missing_episodes"] == (
        1,
        {"interview_done": 0, "no_interview": 1},
    )
    assert counts(compute(Q2))["missing_episodes"] == (1, {"interview_done": 0, "no_interview": 1})
    assert counts(compute(Q4_2025))["cse2_completed"] == (
        4,
        {"initial": 4, "review": 0, "incident": 0, "closure": 0},
    )


def test_changes_after_the_quarter_leave_it_as_it_was(known):
    """After 30 June: D closed, E re-banded, F's band overridden again, G's gender and A's care
    status changed, H's step-down (decided on 25 June) agreed, W's discussion (held on time on
    30 June) recorded, D's interview and H's June episode recorded. Q1 is unchanged; Q2 counts
    what was recorded late, once."""
    before = compute(Q1)
    known_quarter.after_the_quarter(known)
    assert compute(Q1) == before
    assert counts(compute(Q1)) == EXPECTED_Q1
    q2 = counts(compute(Q2))
    assert q2["macse_open_by_band"] == (4, {"high": 1, "medium": 1, "lower": 1, "none": 1})
    assert q2["macse_open_by_gender"] == (4, {"female": 3, "male": 0, "other": 1, "not_known": 0})
    assert q2["macse_open_looked_after"] == (4, {"yes": 2, "no": 2})
    assert q2["macse_ended"] == (2, {"reduced_risk": 1, "stepped_down": 1, "other": 0})
    assert q2["missing_episodes"] == (2, {"interview_done": 0, "no_interview": 2})
    assert q2["cse1_received"] == (3, {})
    assert q2["cse2_completed"] == (3, {"initial": 0, "review": 2, "incident": 0, "closure": 1})


def test_the_known_quarter_suppressed(known):
    """1 of 6 looked after can only be hidden with the 5 and the total (6 = 1 + 5 otherwise),
    so the total of the children on MACSE is hidden in every breakdown of them (D14)."""
    report = suppress(compute(Q1))
    shown = {
        row.code: (row.total.shown, [cell.shown for cell in row.cells]) for row in report.rows()
    }
    assert shown["macse_open_looked_after"] == ("[c]", ["<5", "[c]"])
    assert shown["macse_open_by_band"] == ("[c]", ["<5", "<5", "<5", "<5"])
    assert shown["macse_open_by_age"] == ("[c]", ["<5", "0", "<5", "<5", "0"])
    assert shown["cse1_received"] == ("10", [])
    assert shown["cse2_completed"] == ("6", ["<5", "<5", "0", "<5"])
    assert shown["strategy_meetings"] == ("<5", ["<5", "<5"])


def _on_macse(n: int, at: dt.datetime):
    referrals = [
        cse1(at=at - dt.timedelta(days=14, minutes=m), decision="section_17") for m in range(n)
    ]
    macse_meeting(at=at, new=referrals)


def test_a_return_is_six_queries_whatever_the_number_of_children(django_assert_num_queries):
    _on_macse(1, london(2026, 5, 14, 10))
    with django_assert_num_queries(6):
        report = compute(Q1)
    assert report.row("macse_open_by_band").total.count == 1
    _on_macse(4, london(2026, 6, 11, 10))
    with django_assert_num_queries(6):
        report = compute(Q1)
    assert report.row("macse_open_by_band").total.count == 5
    assert report.row("cse1_received").total.count == 5


def test_each_figure_is_defined_once_with_a_definition_and_a_version():
    codes = [figure.code for _, _, group in figures.SECTIONS for figure in group]
    assert len(codes) == len(set(codes)) == len(figures.FIGURES) == 15
    for figure in figures.FIGURES.values():
        assert figure.label and len(figure.definition) > 80 and figure.version >= 1


@pytest.mark.parametrize("code", [*Ethnicity.values, ""])
def test_every_ethnicity_code_is_in_exactly_one_group(code):
    assert sum(code in codes for _, _, codes in figures.ETHNIC_GROUPS) == 1


def test_a_return_carries_each_figures_definition_and_version():
    report = compute(Q1)
    row = report.as_dict()["sections"][0]["rows"][0]
    assert row["code"] == "macse_open_by_band"
    assert row["version"] == 1
    assert row["definition"] == figures.FIGURES["macse_open_by_band"].definition
    assert report.as_dict()["as_at"] == "2026-06-30T23:00:00+00:00"
    assert [section.code for section in report.sections] == [
        "on_macse",
        "referrals",
        "reviews",
        "missing",
        "left_macse",
        "strategy",
    ]
