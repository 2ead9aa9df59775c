"""Synthetic children: ages 10-17 weighted to the CSE caseload's 13-16, mostly girls (D15)."""

import datetime as dt
import uuid

from cse_framework.synthetic.bulk import bulk_insert
from cse_framework.synthetic.names import FAMILY, FIRST
from referrals.models import Child, Referral

AGES = list(range(10, 18))
AGE_WEIGHTS = [3, 5, 9, 14, 18, 20, 17, 14]
GENDERS = [Child.Gender.FEMALE, Child.Gender.MALE, Child.Gender.OTHER, Child.Gender.NOT_KNOWN]
GENDER_WEIGHTS = [82, 15, 1, 2]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _child(plan) -> Child:
    rng = plan.rng
    age = rng.choices(AGES, AGE_WEIGHTS)[0]
    born = plan.as_of - dt.timedelta(days=age * 365 + rng.randrange(365))
    referred_days_ago = rng.randrange(3 * 365)  # first referred at some time in three years
    return Child(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        given_names=rng.choice(FIRST),
        family_name=rng.choice(FAMILY),
        date_of_birth=born,
        gender=rng.choices(GENDERS, GENDER_WEIGHTS)[0],
        postcode=f"ZZ{rng.randrange(1, 10)} {rng.randrange(10)}{rng.choice(LETTERS)}"
        f"{rng.choice(LETTERS)}",
        created_at=dt.datetime.combine(
            plan.as_of - dt.timedelta(days=referred_days_ago), dt.time(9), tzinfo=dt.UTC
        ),
    )


def _children(plan, born: dict):
    for _ in range(plan.children):
        child = _child(plan)
        plan.child_ids.append(child.pk)
        born[child.pk] = (
            child.given_names,
            child.family_name,
            child.date_of_birth,
            child.created_at,
        )
        yield child


CONCERNS = ["high", "medium", "at_risk", "none"]
CONCERN_WEIGHTS = [20, 40, 35, 5]
DECISIONS = [choice for choice, _ in Referral.Decision.choices]
DECISION_WEIGHTS = [30, 15, 25, 20, 10]
AWAITING_TRIAGE_DAYS = 2  # referrals received in the last two days are still in the queue


def _referrals(plan, born: dict):
    """About 1.3 referrals a child over three years; the newest are still awaiting triage."""
    rng = plan.rng
    referrer = next(u for u in plan.users if u.email.startswith("bench.referrer@"))
    triager = next(u for u in plan.users if u.email.startswith("bench.mash_social_worker@"))
    number = 0
    for child_id in plan.child_ids:
        given, family, date_of_birth, first_referred = born[child_id]
        for extra in range(1 if rng.random() < 0.75 else 2):
            number += 1
            received = first_referred + dt.timedelta(days=extra * rng.randrange(30, 300))
            if received.date() > plan.as_of:
                continue
            waiting = (plan.as_of - received.date()).days < AWAITING_TRIAGE_DAYS
            yield Referral(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                reference=f"CSE-SYN-{number:07d}",
                status=Referral.Status.RECEIVED if waiting else Referral.Status.TRIAGED,
                child_id=child_id,
                child_given_names=given,
                child_family_name=family,
                child_date_of_birth=date_of_birth,
                referrer=referrer,
                referrer_agency_id=referrer.agency_id,
                emergency=rng.random() < 0.03,
                level_of_concern=rng.choices(CONCERNS, CONCERN_WEIGHTS)[0],
                review_urgently=rng.random() < 0.08,
                circumstances="Synthetic referral.",
                submitted_at=received,
                received_at=received,
                received_by=Referral.ReceivedBy.MASH,
                decision="" if waiting else rng.choices(DECISIONS, DECISION_WEIGHTS)[0],
                triaged_by=None if waiting else triager,
                triaged_at=None if waiting else received + dt.timedelta(hours=rng.randrange(1, 24)),
                created_at=received,
            )


def generate(plan) -> None:
    born: dict = {}
    plan.counts["children"] = bulk_insert(Child, _children(plan, born))
    plan.counts["referrals"] = bulk_insert(Referral, _referrals(plan, born))
