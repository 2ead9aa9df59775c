"""Shield's access policy: a record is seen by whoever may see the child's Shield records, and
an action needs its role as well; a role that cannot act is refused without asking the database,
and the children a user may see are one subquery, built once per user and read as they are."""

import pytest

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from shield import policy
from shield.models import ShieldCase
from tests.factories.accounts import UserFactory
from tests.factories.shield import make_assessment, make_case, shield_worker

pytestmark = pytest.mark.django_db


def _verified(user):
    user.is_verified = lambda: True
    return user


def test_an_action_needs_its_role_and_the_childs_records_in_sight(django_assert_num_queries):
    worker = _verified(shield_worker())
    mine = make_assessment(make_case(worker=worker).child, worker)
    theirs = make_assessment(make_case().child, worker)
    worker.role_codes  # noqa: B018 -- the roles are read once per user, as a request does
    with django_assert_num_queries(0):  # a Shield worker never overrides a band
        assert not access.check(worker, policy.OVERRIDE, mine)
    assert access.check(worker, policy.ASSESS, mine)
    assert access.check(worker, access.VIEW, mine)
    assert not access.check(worker, policy.ASSESS, theirs)
    assert not access.check(worker, access.VIEW, theirs)
    manager = _verified(UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER]))
    assert access.check(manager, policy.OVERRIDE, theirs)


def test_the_scope_is_built_once_per_user_and_reads_the_allocations_as_they_are():
    worker = _verified(shield_worker())
    first = make_case(worker=worker)
    assert list(access.scope(worker, ShieldCase.objects.all())) == [first]
    second = make_case(worker=worker)  # allocated after the user's scope was first built
    assert set(access.scope(worker, ShieldCase.objects.all())) == {first, second}
    manager = _verified(UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER]))
    assert access.scope(manager, ShieldCase.objects.all()).count() == ShieldCase.objects.count()
