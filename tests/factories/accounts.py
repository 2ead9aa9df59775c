"""Factories for agencies, teams and users. Fictional people only (D15)."""

import factory
from factory.django import DjangoModelFactory

from cse_framework.accounts.models import Agency, Role, Team, User

PASSWORD = "test-only-Heron-Compass-77"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Test agency {n}")
    kind = Agency.Kind.CHILDRENS_SOCIAL_CARE


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Test team {n}")
    agency = factory.SubFactory(AgencyFactory)
    kind = Team.Kind.PARTNER


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    agency = factory.SubFactory(AgencyFactory)
    team = factory.SubFactory(TeamFactory, agency=factory.SelfAttribute("..agency"))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if create and extracted:
            # Transactional tests flush the rows the roles migration loaded: put them back.
            self.roles.add(*(Role.objects.get_or_create(code=code)[0] for code in extracted))
