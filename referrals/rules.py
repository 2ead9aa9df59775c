"""Rules of the CSE1 that read only the referral: age limits and D19's "review urgently" flag."""

import datetime as dt

from referrals.indicators import INDICATORS

REFERRAL_AGE_RANGE = (10, 17)  # the framework's cohort; outside it the form warns
ADULT_AGE = 18  # refused: Adult Services, not this framework
URGENT_UNDER_AGE = 13


def age_warning(age: int) -> str | None:
    low, high = REFERRAL_AGE_RANGE
    if age >= ADULT_AGE:
        return None
    if not low <= age <= high:
        return (
            f"The child is {age}. This framework is for children aged {low} to {high}; "
            "you can still refer them."
        )
    return None


def review_urgently(*, age: int, present_codes: set[str]) -> bool:
    """D19: under 13 with a high-level indicator present, or any disclosure."""
    indicators = [INDICATORS[code] for code in present_codes if code in INDICATORS]
    if any(indicator.disclosure for indicator in indicators):
        return True
    return age < URGENT_UNDER_AGE and any(indicator.level == "H" for indicator in indicators)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )
