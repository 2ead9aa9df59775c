"""CSE2 scoring against the default scheme (D1-D3): every band edge, every floor, and the
judgement score that only ever adds."""

import pytest

from shield import scoring
from shield.models import ScoringScheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    return ScoringScheme.objects.get(code="CSE2-default-v1")


def _answers(total_of_categories: int, judgement: int = 0, **facts) -> scoring.Answers:
    """Category scores adding up to the total, spread so that none is at its maximum (6)."""
    scores, left = {}, total_of_categories
    for number in range(1, 9):
        scores[number] = min(5, left)
        left -= scores[number]
    assert left == 0, "at most 40 without a category at its maximum"
    return scoring.Answers(scores=scores, judgement=judgement, age=facts.pop("age", 15), **facts)


@pytest.mark.parametrize(
    ("categories", "judgement", "band"),
    [
        (0, 0, "lower"),
        (18, 0, "lower"),
        (13, 6, "medium"),  # 19: the first Medium
        (34, 0, "medium"),
        (29, 6, "high"),  # 35: the first High
        (40, 6, "high"),
    ],
)
def test_band_edges(scheme, categories, judgement, band):
    result = scoring.score(scheme, _answers(categories, judgement))
    assert result.total == categories + judgement
    assert result.computed_band == result.band == band and not result.floor_reasons


def test_the_top_of_the_range_is_high(scheme):
    answers = scoring.Answers(scores=dict.fromkeys(range(1, 9), 6), judgement=6, age=15)
    result = scoring.score(scheme, answers)
    assert result.total == 54 and result.band == "high"


@pytest.mark.parametrize(
    ("facts", "band", "reason"),
    [
        ({"age": 12}, "medium", "Child under 13 at assessment"),
        ({"learning_disability": True}, "medium", "Child has a learning disability"),
        ({"disclosure": True}, "high", "Disclosed CSE or an offence"),
    ],
)
def test_floors_lift_a_lower_band_and_say_why(scheme, facts, band, reason):
    result = scoring.score(scheme, _answers(5, **facts))
    assert result.computed_band == "lower" and result.band == result.floor_band == band
    assert reason in result.floor_reason


def test_a_category_at_its_maximum_lifts_to_at_least_medium(scheme):
    scores = {**dict.fromkeys(range(1, 9), 0), 3: 6}
    result = scoring.score(scheme, scoring.Answers(scores=scores, judgement=0, age=15))
    assert result.total == 6 and result.band == "medium"
    assert "Any category scored at its maximum" in result.floor_reason


def test_thirteen_is_not_under_13(scheme):
    assert scoring.score(scheme, _answers(5, age=13)).band == "lower"


def test_a_floor_never_lowers_a_higher_band(scheme):
    result = scoring.score(scheme, _answers(40, 0, age=11, learning_disability=True))
    assert result.band == "high" and not result.floor_reasons


def test_the_highest_floor_wins(scheme):
    result = scoring.score(scheme, _answers(2, age=11, disclosure=True))
    assert result.band == "high"
    assert "under 13" in result.floor_reason and "Disclosed" in result.floor_reason


def test_the_judgement_only_adds(scheme):
    """D3: a judgement of 0 leaves the total as the categories' sum; it cannot be negative."""
    for judgement in range(7):
        assert scoring.score(scheme, _answers(20, judgement)).total == 20 + judgement
    with pytest.raises(scoring.ScoringError):
        scoring.score(scheme, _answers(20, -1))
    with pytest.raises(scoring.ScoringError):
        scoring.score(scheme, _answers(20, 7))


def test_scores_outside_the_range_or_missing_are_refused(scheme):
    with pytest.raises(scoring.ScoringError):
        scoring.score(scheme, scoring.Answers({**dict.fromkeys(range(1, 9), 0), 1: 7}, 0, 15))
    with pytest.raises(scoring.ScoringError):
        scoring.score(scheme, scoring.Answers(dict.fromkeys(range(1, 8), 0), 0, 15))


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [(None, 10, "first"), (20, 25, "increased"), (20, 12, "decreased"), (20, 20, "same")],
)
def test_direction_since_the_previous_assessment(before, after, direction):
    assert scoring.direction(before, after) == direction
