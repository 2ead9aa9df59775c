"""seed_demo: the first run's data shows every part of the product alive, and a second run adds
nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from cse_framework.timescales.models import Deadline
from referrals.models import Referral
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
    counts = (Referral.objects.count(), Deadline.objects.count(), StrategyMeeting.objects.count())
    _seed()
    assert (
        Referral.objects.count(),
        Deadline.objects.count(),
        StrategyMeeting.objects.count(),
    ) == counts
