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
