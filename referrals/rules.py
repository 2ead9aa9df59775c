"""Rules of the CSE1 that read only the referral: age limits and D19's "review urgently" flag."""

import datetime as dt

from cse_framework.timescales.working_time import add_calendar_months
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


ADULT_SERVICES_AT_MONTHS = 17 * 12 + 6  # D6: contact Adult Services from 17 years 6 months


def approaching_adulthood(date_of_birth: dt.date, day: dt.date) -> bool:
    """17 years 6 months or more, and not yet 18 (D6)."""
    from_day = add_calendar_months(date_of_birth, ADULT_SERVICES_AT_MONTHS)
    return from_day <= day and age_on(date_of_birth, day) < ADULT_AGE


OVERRIDES = {"override_urgent", "override_harm"}
CONSENT_AGE = 16


def consent_and_parents_errors(
    *,
    age: int,
    consent: str,
    consent_override_reason: str,
    parents_aware: bool | None,
    parents_not_told_reason: str,
) -> dict[str, str]:
    """D8 (who consented, or why sharing goes ahead without it) and D7 (under 13, parents are told
    unless that would expose the child to further harm). Field name -> message."""
    errors = {}
    if not consent:
        errors["consent"] = "Select who consented to sharing, or why consent was not needed"
    elif consent in OVERRIDES and not consent_override_reason.strip():
        errors["consent_override_reason"] = "Give the reason for sharing without consent"
    elif consent == "young_person" and age < CONSENT_AGE:
        errors["consent"] = f"The child is {age}: a young person can consent at 16 or over"
    elif consent == "competent_under_16" and age >= CONSENT_AGE:
        errors["consent"] = f"The child is {age}: select 'The young person (16 or over)'"
    if age < URGENT_UNDER_AGE and parents_aware is False and not parents_not_told_reason.strip():
        errors["parents_not_told_reason"] = (
            "The child is under 13: parents must be told, unless telling them would expose the "
            "child to further harm. Say why they should not be told"
        )
    return errors
