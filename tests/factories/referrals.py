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
