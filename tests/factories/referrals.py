import datetime

import factory
from factory.django import DjangoModelFactory

from referrals.models import Child


class ChildFactory(DjangoModelFactory):
    """A fictional child: invented names, a made-up postcode pattern (D15)."""

    class Meta:
        model = Child

    given_names = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Sequence(lambda n: f"Testchild{n}")
    date_of_birth = factory.Sequence(
        lambda n: datetime.date(2012, 1, 1) + datetime.timedelta(days=n)
    )
    gender = Child.Gender.FEMALE
    postcode = factory.Sequence(lambda n: f"ZZ{n % 9 + 1} {n % 10}QT")


MARF_DEFAULTS = {
    "referrer_relationship": "Designated safeguarding lead",
    "parents_consented": True,
    "current_concerns": "Seen getting into cars with unknown adults after school.",
}


def make_draft(by, *, marf: bool = True, **fields):
    """A CSE1 draft through the service, with fictional defaults, and its MARF when the pathway
    needs one (``marf=False`` leaves it out)."""
    from referrals import services

    values = {
        "child_given_names": "Maisie",
        "child_family_name": "Quillfeather",
        "child_date_of_birth": datetime.date(2011, 5, 1),
        "child_social_care": "not_known",
        "consent": "parental_responsibility",
        "parents_aware": True,
        "circumstances": "Seen getting into a car with unknown adults.",
        "level_of_concern": "medium",
        **fields,
    }
    draft = services.referral_draft_create(by=by, **values)
    if marf and draft.needs_marf:
        services.marf_save(referral=draft, by=by, **MARF_DEFAULTS)
    return draft


def make_received(by, *, now=None, **fields):
    from referrals import services

    return services.referral_submit(referral=make_draft(by, **fields), by=by, now=now)


# A Thursday morning in office hours, already past: MASH receives a referral sent then at once.
THURSDAY_10AM = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)


def make_decided(referrer, mash, *, decision="strategy_discussion", now=THURSDAY_10AM, **fields):
    """A referral received, its child confirmed (a new record) and decided by MASH."""
    from referrals import triage

    referral = make_received(referrer, now=now, **fields)
    referral = triage.referral_confirm_child(
        referral=referral, by=mash, child=None, seen_version=referral.version, now=now
    )
    return triage.referral_triage(
        referral=referral,
        by=mash,
        level_of_concern="high",
        decision=decision,
        rationale="Several high-level indicators.",
        seen_version=referral.version,
        now=now,
    )


def make_discussion(**overrides):
    """A strategy discussion held an hour after a referral needing one was decided."""
    from cse_framework.accounts.models import Agency
    from cse_framework.accounts.roles import RoleCode
    from strategy import services
    from tests.factories.accounts import AgencyFactory, UserFactory

    referrer = UserFactory(roles=[RoleCode.REFERRER])
    manager = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER])
    referral = make_decided(referrer, manager)
    police = AgencyFactory(name="Police (test)", kind=Agency.Kind.POLICE)
    health = AgencyFactory(name="Health (test)", kind=Agency.Kind.HEALTH)
    values = {
        "referral": referral,
        "by": manager,
        "held_at": referral.triaged_at + datetime.timedelta(minutes=30),
        "chair": manager,
        "participants": [
            {"name": "DC Example", "agency": police, "role": ""},
            {"name": "Nurse Example", "agency": health, "role": ""},
        ],
        "not_compliant_reason": "",
        "information_considered": "The CSE1's indicators.",
        "risk_to_others": "None found.",
        "outcomes": ["section_47"],
        "rationale": "Significant harm suspected.",
        "actions": [],
        "now": referral.triaged_at + datetime.timedelta(hours=1),
    }
    return services.discussion_record(**{**values, **overrides})


def make_meeting(discussion=None, **overrides):
    """A strategy meeting arranged for the day after a discussion that decided one, inviting a
    police officer with an account and a nurse without one."""
    from cse_framework.accounts.models import Agency
    from cse_framework.accounts.roles import RoleCode
    from strategy import services
    from tests.factories.accounts import AgencyFactory, UserFactory

    discussion = discussion or make_discussion(outcomes=["section_47", "strategy_meeting"])
    police = AgencyFactory(name="Police (test)", kind=Agency.Kind.POLICE)
    health = AgencyFactory(name="Health (test)", kind=Agency.Kind.HEALTH)
    officer = UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER], agency=police)
    values = {
        "discussion": discussion,
        "by": discussion.recorded_by,
        "scheduled_for": discussion.held_at + datetime.timedelta(hours=24),
        "venue": "Huyton police station, room 2",
        "chair": discussion.chair,
        "invitees": [
            {"user": officer, "name": officer.full_name, "agency": police, "role": "DC"},
            {"user": None, "name": "Nurse Example", "agency": health, "role": ""},
        ],
        "now": discussion.recorded_at,
    }
    return services.meeting_schedule(**{**values, **overrides})
