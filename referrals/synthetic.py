"""Synthetic children, referrals, MARFs and their 24-hour clocks: ages 10-17 weighted to the CSE
caseload's 13-16, mostly girls (D15). Everything invented; postcodes in a made-up pattern."""

import datetime as dt
import uuid

from django.contrib.contenttypes.models import ContentType

from cse_framework.synthetic.bulk import bulk_insert, changed
from cse_framework.synthetic.names import FAMILY, FIRST
from cse_framework.timescales.clocks import Kind, clock
from cse_framework.timescales.models import Deadline
from referrals.matching_keys import name_key
from referrals.models import Child, ChildAlias, Ethnicity, Marf, Referral

AGES = list(range(10, 18))
AGE_WEIGHTS = [3, 5, 9, 14, 18, 20, 17, 14]
GENDERS = [Child.Gender.FEMALE, Child.Gender.MALE, Child.Gender.OTHER, Child.Gender.NOT_KNOWN]
GENDER_WEIGHTS = [82, 15, 1, 2]
ETHNICITIES = [code for code, _ in Ethnicity.choices]
ETHNICITY_WEIGHTS = [80, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
CARE = [status for status, _ in Child.CareStatus.choices]
CARE_WEIGHTS = [70, 15, 8, 7]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
NICKNAMES = ["Tiny", "Red", "Sunny", "Bex", "Jojo", "Kit", "Sparks", "Dee"]


def _child(plan) -> Child:
    rng = plan.rng
    age = rng.choices(AGES, AGE_WEIGHTS)[0]
    born = plan.as_of - dt.timedelta(days=age * 365 + rng.randrange(365))
    referred_days_ago = rng.randrange(3 * 365)  # first referred at some time in three years
    care = rng.choices(CARE, CARE_WEIGHTS)[0]
    child = Child(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        given_names=rng.choice(FIRST),
        family_name=rng.choice(FAMILY),
        date_of_birth=born,
        gender=rng.choices(GENDERS, GENDER_WEIGHTS)[0],
        ethnicity=rng.choices(ETHNICITIES, ETHNICITY_WEIGHTS)[0],
        disability=rng.choices(["yes", "no", "not_known"], [8, 70, 22])[0],
        learning_disability=rng.choices(["yes", "no", "not_known"], [6, 70, 24])[0],
        care_status=care,
        legal_status="s20" if care == Child.CareStatus.LOOKED_AFTER else "",
        placing_authority="Demoshire" if care == "looked_after" and rng.random() < 0.3 else "",
        postcode=f"ZZ{rng.randrange(1, 10)} {rng.randrange(10)}{rng.choice(LETTERS)}"
        f"{rng.choice(LETTERS)}",
        created_at=dt.datetime.combine(
            plan.as_of - dt.timedelta(days=referred_days_ago), dt.time(9), tzinfo=dt.UTC
        ),
    )
    child.refresh_name_keys()  # bulk inserts do not call save()
    return child


def _children(plan, born: dict):
    for _ in range(plan.children):
        child = _child(plan)
        plan.child_ids.append(child.pk)
        born[child.pk] = child
        yield child


def _aliases(plan, born: dict):
    """About one child in ten has a nickname."""
    rng = plan.rng
    for child_id in plan.child_ids:
        if rng.random() < 0.1:
            alias = ChildAlias(
                child_id=child_id, kind=ChildAlias.Kind.NICKNAME, name=rng.choice(NICKNAMES)
            )
            alias.name_key = name_key(alias.name)
            yield alias


CONCERNS = ["high", "medium", "at_risk", "none"]
CONCERN_WEIGHTS = [20, 40, 35, 5]
DECISIONS = [choice for choice, _ in Referral.Decision.choices]
DECISION_WEIGHTS = [30, 15, 25, 20, 10]
AWAITING_TRIAGE_DAYS = 2  # referrals received in the last two days are still in the queue
SOCIAL_CARE = {
    "not_known": Referral.SocialCare.NOT_KNOWN,
    "child_in_need": Referral.SocialCare.OPEN,
    "child_protection": Referral.SocialCare.OPEN,
    "looked_after": Referral.SocialCare.OPEN,
}


def _referrals(plan, born: dict):
    """About 1.3 referrals a child over three years; the newest are still awaiting triage."""
    rng = plan.rng
    referrer = next(u for u in plan.users if u.email.startswith("bench.referrer@"))
    triager = next(u for u in plan.users if u.email.startswith("bench.mash_social_worker@"))
    number = 0
    for child_id in plan.child_ids:
        child = born[child_id]
        for extra in range(1 if rng.random() < 0.75 else 2):
            number += 1
            received = child.created_at + dt.timedelta(days=extra * rng.randrange(30, 300))
            if received.date() > plan.as_of:
                continue
            waiting = (plan.as_of - received.date()).days < AWAITING_TRIAGE_DAYS
            social_care = SOCIAL_CARE[child.care_status]
            if child.placing_authority:
                social_care = Referral.SocialCare.PLACED
            referral = Referral(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                reference=f"CSE-SYN-{number:07d}",
                status=Referral.Status.RECEIVED if waiting else Referral.Status.TRIAGED,
                child_id=child_id,
                child_given_names=child.given_names,
                child_family_name=child.family_name,
                child_date_of_birth=child.date_of_birth,
                child_postcode=child.postcode,
                child_social_care=social_care,
                child_placing_authority=child.placing_authority,
                referrer=referrer,
                referrer_agency_id=referrer.agency_id,
                referrer_name=referrer.full_name,
                referrer_email=referrer.email,
                emergency=rng.random() < 0.03,
                level_of_concern=rng.choices(CONCERNS, CONCERN_WEIGHTS)[0],
                review_urgently=rng.random() < 0.08,
                circumstances="Synthetic referral.",
                consent=Referral.Consent.PARENTAL_RESPONSIBILITY,
                parents_aware=True,
                submitted_at=received,
                received_at=received,
                received_by=Referral.ReceivedBy.MASH,
                decision="" if waiting else rng.choices(DECISIONS, DECISION_WEIGHTS)[0],
                triaged_by=None if waiting else triager,
                triaged_at=None if waiting else received + dt.timedelta(hours=rng.randrange(1, 24)),
                forwarded_to_macse_at=None if waiting else received + dt.timedelta(hours=24),
                created_at=received,
            )
            if not waiting:  # received, then triaged, then sent on to MACSE
                changed(
                    referral,
                    referral.triaged_at,
                    status=Referral.Status.RECEIVED,
                    decision="",
                    triaged_by=None,
                    triaged_at=None,
                )
                changed(referral, referral.forwarded_to_macse_at, forwarded_to_macse_at=None)
            yield referral


def _marfs(plan, referrals: list):
    for referral in referrals:
        if referral.needs_marf:
            yield Marf(
                referral_id=referral.pk,
                referrer_relationship="Synthetic referrer",
                parents_consented=True,
                current_concerns="Synthetic MARF.",
                created_at=referral.created_at,
            )


def _clocks(plan, referrals: list):
    """Each referral's 24-hour clock: open while waiting, then not required; a referral that
    needs a strategy discussion has its clock written with the discussion that meets it
    (strategy/synthetic.py)."""
    started_by = ContentType.objects.get_for_model(Referral)
    strategy = clock(Kind.STRATEGY_DISCUSSION)
    for referral in referrals:
        decided = referral.triaged_at
        needed = referral.decision == Referral.Decision.STRATEGY_DISCUSSION
        if decided and needed:
            continue
        deadline = Deadline(
            kind=Kind.STRATEGY_DISCUSSION,
            child_id=referral.child_id,
            started_by_type=started_by,
            started_by_id=str(referral.pk),
            starts_at=referral.received_at,
            **strategy.thresholds(referral.received_at),
            not_required_at=decided,
        )
        if decided:
            changed(deadline, decided, not_required_at=None)
        yield deadline


def generate(plan) -> None:
    born: dict = {}
    # Each row's history is dated when it came into being (D20): a child when put on the
    # register, a referral when received, a clock when it started.
    plan.counts["children"] = bulk_insert(
        Child, _children(plan, born), dated=lambda child: child.created_at
    )
    plan.counts["other names"] = bulk_insert(
        ChildAlias, _aliases(plan, born), dated=lambda alias: born[alias.child_id].created_at
    )
    referrals = list(_referrals(plan, born))
    plan.referrals_by_pk = {referral.pk: referral for referral in referrals}
    plan.counts["referrals"] = bulk_insert(
        Referral, referrals, dated=lambda referral: referral.received_at
    )
    plan.counts["MARFs"] = bulk_insert(
        Marf, _marfs(plan, referrals), dated=lambda marf: marf.created_at
    )
    plan.counts["clocks"] = bulk_insert(
        Deadline, _clocks(plan, referrals), dated=lambda deadline: deadline.starts_at
    )
