"""Synthetic children: ages 10-17 weighted to the CSE caseload's 13-16, mostly girls (D15)."""

import datetime as dt
import uuid

from cse_framework.synthetic.bulk import bulk_insert
from cse_framework.synthetic.names import FAMILY, FIRST
from referrals.models import Child

AGES = list(range(10, 18))
AGE_WEIGHTS = [3, 5, 9, 14, 18, 20, 17, 14]
GENDERS = [Child.Gender.FEMALE, Child.Gender.MALE, Child.Gender.OTHER, Child.Gender.NOT_KNOWN]
GENDER_WEIGHTS = [82, 15, 1, 2]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _child(plan) -> Child:
    rng = plan.rng
    age = rng.choices(AGES, AGE_WEIGHTS)[0]
    born = plan.as_of - dt.timedelta(days=age * 365 + rng.randrange(365))
    referred_days_ago = rng.randrange(3 * 365)  # referrals over three years
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


def _children(plan):
    for _ in range(plan.children):
        child = _child(plan)
        plan.child_ids.append(child.pk)
        yield child


def generate(plan) -> None:
    plan.counts["children"] = bulk_insert(Child, _children(plan))
