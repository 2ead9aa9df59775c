"""Links to issue 10 pages where they are needed: a person's page offers a system administrator
the second-factor reset (item 2) and auditors the access pattern (item 7); a child's record
offers a subject-access request to its roles (item 4). Nobody else sees these links."""

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _page(client, person) -> str:
    response = client.get(reverse("leavers:detail", kwargs={"pk": person.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_administrator_is_offered_the_second_factor_reset(client_for):
    person = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    administrator = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    page = _page(administrator, person)
    assert reverse("accounts:second-factor-reset", kwargs={"pk": person.pk}) in page
    assert reverse("audit:user-pattern", kwargs={"pk": person.pk}) in page
    # Never for their own account.
    own = _page(administrator, administrator.user)
    assert reverse("accounts:second-factor-reset", kwargs={"pk": administrator.user.pk}) not in own


def test_a_service_manager_sees_the_pattern_but_no_reset(client_for):
    person = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    page = _page(client_for(RoleCode.SERVICE_MANAGER), person)
    assert reverse("audit:user-pattern", kwargs={"pk": person.pk}) in page
    assert "reset-second-factor" not in page


def test_a_team_manager_sees_neither(client_for):
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    person = UserFactory(roles=[RoleCode.SHIELD_WORKER], team=manager.user.team)
    page = _page(manager, person)
    assert "reset-second-factor" not in page
    assert reverse("audit:user-pattern", kwargs={"pk": person.pk}) not in page


def test_the_childs_record_offers_a_subject_access_request_to_its_roles(client_for):
    from governance.subject_access.policy import ROLES
    from tests.factories.referrals import ChildFactory

    child = ChildFactory()
    link = reverse("subject_access:new", kwargs={"child_pk": child.pk})
    record = reverse("referrals:child-detail", kwargs={"pk": child.pk})
    assert RoleCode.SERVICE_MANAGER in ROLES and RoleCode.MASH_SOCIAL_WORKER not in ROLES
    assert link in client_for(RoleCode.SERVICE_MANAGER).get(record).content.decode()
    assert link not in client_for(RoleCode.MASH_SOCIAL_WORKER).get(record).content.decode()
