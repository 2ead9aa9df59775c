"""Scoring a CSE2 against its scheme (D1-D3): the total, the band it falls in, the floors that
lift it and why. Pure: it reads the scheme and the answers, and writes nothing."""

from dataclasses import dataclass, field

from shield.models.scheme import BAND_RANK, BandCode, Floor, ScoringScheme


@dataclass(frozen=True)
class Answers:
    """What a worker recorded: a score per category number, the judgement score, and the facts
    the floors read."""

    scores: dict[int, int]
    judgement: int
    age: int
    learning_disability: bool = False
    disclosure: bool = False


@dataclass(frozen=True)
class Result:
    total: int
    computed_band: str
    band: str
    floor_band: str = ""
    floor_reasons: list[str] = field(default_factory=list)

    @property
    def floor_reason(self) -> str:
        return "; ".join(self.floor_reasons)


class ScoringError(ValueError):
    """Answers the scheme cannot score (a missing category, a score out of its range)."""


def _check(scheme: ScoringScheme, answers: Answers, categories) -> None:
    numbers = {category.number for category in categories}
    if set(answers.scores) != numbers:
        raise ScoringError("Score every category of the scheme, and only those")
    for category in categories:
        score = answers.scores[category.number]
        if not category.min_score <= score <= category.max_score:
            raise ScoringError(
                f"{category.name}: score from {category.min_score} to {category.max_score}"
            )
    if not scheme.judgement_min <= answers.judgement <= scheme.judgement_max:
        raise ScoringError(
            f"Professional judgement: score from {scheme.judgement_min} to {scheme.judgement_max}"
        )


def _band_of(bands, total: int) -> str:
    for band in bands:
        if band.min_total <= total <= band.max_total:
            return band.code
    raise ScoringError(f"The scheme has no band for a total of {total}")


def _applies(floor: Floor, answers: Answers, categories) -> bool:
    if floor.rule == Floor.Rule.UNDER_AGE:
        return answers.age < floor.age
    if floor.rule == Floor.Rule.LEARNING_DISABILITY:
        return answers.learning_disability
    if floor.rule == Floor.Rule.CATEGORY_AT_MAXIMUM:
        return any(answers.scores[c.number] == c.max_score for c in categories)
    if floor.rule == Floor.Rule.DISCLOSURE:
        return answers.disclosure
    return False


def score(scheme: ScoringScheme, answers: Answers) -> Result:
    """The judgement only adds (D3: it is 0 or more, never subtracted); the band is the one the
    total falls in, lifted to the highest floor that applies (D2)."""
    categories = list(scheme.categories.all())
    bands = list(scheme.bands.all())
    _check(scheme, answers, categories)
    total = sum(answers.scores.values()) + answers.judgement
    computed = _band_of(bands, total)
    applying = [f for f in scheme.floors.all() if _applies(f, answers, categories)]
    lifting = [f for f in applying if BAND_RANK[f.band] > BAND_RANK[computed]]
    if not lifting:
        return Result(total=total, computed_band=computed, band=computed)
    floor_band = max((f.band for f in lifting), key=BAND_RANK.__getitem__)
    reasons = [f"{f.describe()}: at least {BandCode(f.band).label}" for f in lifting]
    return Result(
        total=total,
        computed_band=computed,
        band=floor_band,
        floor_band=floor_band,
        floor_reasons=reasons,
    )


def direction(previous_total: int | None, total: int) -> str:
    """Risk increased, decreased or stayed the same, by total, since the previous completed CSE2."""
    if previous_total is None:
        return "first"
    if total > previous_total:
        return "increased"
    if total < previous_total:
        return "decreased"
    return "same"
