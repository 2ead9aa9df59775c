"""seed_demo: the first run's data shows every part of the product alive, and a second run adds
nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from cse_framework.timescales.models import Deadline
from referrals.models import Referral
from shield.models import Assessment, Flag, MissingEpisode, ShieldCase
from strategy.models import Amendment, StrategyDiscussion, StrategyMeeting

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_data_has_clocks_in_every_state_and_strategy_work_at_each_stage():
    printed = _seed()
    assert "mash.manager@example.org" in printed and "codes:" in printed
    states = {clock.state() for clock in Deadline.objects.all()}
    assert {"overdue", "due_soon", "open", "met_on_time", "not_required"} <= states
    assert Referral.objects.filter(status="draft").exists()
    assert StrategyDiscussion.objects.count() == 2
    assert StrategyMeeting.objects.filter(held_at__isnull=True).count() == 1
    held = StrategyMeeting.objects.get(held_at__isnull=False)
    assert held.signed_off and not held.compliant
    assert Amendment.objects.get().meeting == held
    counts = _counts()
    _seed()
    assert _counts() == counts


def _counts() -> tuple:
    models = (Referral, Deadline, StrategyMeeting, ShieldCase, Assessment, Flag, MissingEpisode)
    return tuple(model.objects.count() for model in models)


def test_demo_children_open_to_shield_have_cse2_versions_rising_falling_and_level():
    """Three children allocated to the demo Shield worker, each with 3-4 completed CSE2s made
    through the services, a flag and a missing episode; the last review clock open."""
    _seed()
    cases = ShieldCase.objects.filter(worker__email="shield.worker@example.org", status="open")
    trends = {}
    for case in cases.select_related("child"):
        versions = list(Assessment.objects.filter(child=case.child).order_by("sequence"))
        assert 3 <= len(versions) <= 4
        assert all(done.completed for done in versions)
        assert [done.sequence for done in versions] == list(range(1, len(versions) + 1))
        trends[case.child.given_names] = {done.direction for done in versions[1:]}
        assert Flag.objects.filter(child=case.child, removed_on__isnull=True).count() == 1
        assert MissingEpisode.objects.filter(child=case.child, interview_done=True).count() == 1
        assert versions[-1].monitoring.missing_episodes_3_months == 1
        review = Deadline.objects.get(kind="cse2_review", started_by_id=str(versions[-1].pk))
        assert review.is_open and review.owner == case.worker
        initial = Deadline.objects.get(kind="initial_cse2", child=case.child)
        assert initial.closed_by == versions[0]
    assert trends == {"Poppy": {"increased"}, "Evie": {"decreased"}, "Mason": {"same"}}
    bands = {done.band for done in Assessment.objects.filter(status="completed")}
    assert bands == {"lower", "medium", "high"}
