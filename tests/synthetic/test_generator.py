"""The synthetic-data generator: deterministic, every kind of object, never on real data."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.synthetic import generator
from cse_framework.synthetic.models import SyntheticDataSet
from cse_framework.synthetic.users import bench_email
from cse_framework.timescales.models import Deadline
from referrals.models import Child, Marf, Referral
from strategy.models import StrategyDiscussion, StrategyMeeting
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 1)


def _snapshot():
    children = list(
        Child.objects.order_by("id").values_list(
            "id", "given_names", "family_name", "date_of_birth", "gender", "postcode", "created_at"
        )
    )
    referrals = list(
        Referral.objects.order_by("id").values_list("id", "reference", "status", "received_at")
    )
    events = list(
        AccessEvent.objects.order_by("child_id", "at", "request_id").values_list(
            "child_id", "at", "action", "request_id"
        )
    )
    return children, referrals, events


def _generate_and_roll_back(seed: int):
    with transaction.atomic():
        plan = generator.generate(children=40, seed=seed, as_of=AS_OF)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return plan, snapshot


def test_same_seed_gives_the_same_data():
    """Deterministic: the same seed and date build identical rows."""
    first_plan, first = _generate_and_roll_back(seed=7)
    second_plan, second = _generate_and_roll_back(seed=7)
    assert first == second
    assert first_plan.counts == second_plan.counts
    _, other = _generate_and_roll_back(seed=8)
    assert other != first


def test_every_kind_of_object_is_produced():
    """Children, their access log, bench users for every role, and the marker."""
    plan = generator.generate(children=40, seed=1, as_of=AS_OF)
    assert Child.objects.count() == 40
    assert plan.counts["children"] == 40
    assert AccessEvent.objects.count() == plan.counts["access events"] > 0
    assert set(plan.counts) == {
        "children",
        "other names",
        "referrals",
        "MARFs",
        "clocks",
        "strategy discussions",
        "participants",
        "strategy meetings",
        "agreed actions",
        "strategy clocks",
        "access events",
    }
    assert Referral.objects.count() == plan.counts["referrals"] >= 40
    assert Marf.objects.count() == plan.counts["MARFs"] > 0
    assert Deadline.objects.count() == plan.counts["clocks"] + plan.counts["strategy clocks"]
    # Every referral has its 24-hour clock; each discussion closed its referral's, when held.
    assert Deadline.objects.filter(kind="strategy_discussion").count() == plan.counts["referrals"]
    discussions = StrategyDiscussion.objects.all()
    assert discussions.count() == plan.counts["strategy discussions"] > 0
    for discussion in discussions[:5]:
        met = Deadline.objects.get(kind="strategy_discussion", closed_by_id=str(discussion.pk))
        assert met.met_at == discussion.held_at and met.started_by == discussion.referral
    assert Deadline.objects.filter(kind="action").count() == plan.counts["agreed actions"] > 0
    meetings = StrategyMeeting.objects.count()
    assert Deadline.objects.filter(kind="strategy_meeting").count() == meetings
    # Every MARF belongs to a referral whose pathway needs one (1a).
    assert not Marf.objects.filter(referral__child_social_care="open").exists()
    # Name keys are set although the rows were bulk inserted, so matching finds them.
    assert not Child.objects.filter(family_name_key="").exists()
    assert Referral.objects.filter(status=Referral.Status.TRIAGED).exists()
    for role in RoleCode:
        assert User.objects.get(email=bench_email(role)).has_role(role)
    assert SyntheticDataSet.objects.get().children == 40
    assert Child.objects.first().history.count() == 1  # history written in bulk too


def test_children_are_10_to_17_with_fictional_details():
    """Ages 10-17 at the as-of date; made-up postcodes (D15)."""
    generator.generate(children=200, seed=2, as_of=AS_OF)
    ages = {child.age_on(AS_OF) for child in Child.objects.all()}
    assert ages <= set(range(10, 18))
    assert len(ages) >= 6
    assert all(child.postcode.startswith("ZZ") for child in Child.objects.all())


def test_refuses_a_database_with_real_children():
    """Never mixes synthetic data into a database that holds anything else."""
    ChildFactory()
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("generate_synthetic", children=5)


def test_refuses_to_run_twice():
    """One data set per database."""
    generator.generate(children=5, seed=1, as_of=AS_OF)
    with pytest.raises(generator.RefusedError, match="already holds"):
        generator.generate(children=5, seed=1, as_of=AS_OF)


def test_refuses_production(settings):
    """Synthetic data never goes into production."""
    settings.PRODUCTION = True
    with pytest.raises(generator.RefusedError, match="production"):
        generator.generate(children=5, seed=1, as_of=AS_OF)
