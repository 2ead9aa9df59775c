"""Strategy discussions: the clocks they meet and start (D4, D16), compliance (police and
health), the rules of outcomes and actions, and recording one through the form."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse_framework.accounts.models import Agency, Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from strategy.models import AgreedAction, StrategyDiscussion
from tests.factories.accounts import AgencyFactory, TeamFactory, UserFactory
from tests.factories.referrals import make_discussion

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _clock(kind, started_by) -> Deadline:
    return Deadline.objects.get(kind=kind, started_by_id=str(started_by.pk))


def test_holding_it_meets_the_24_hour_clock_at_the_time_held():
    discussion = make_discussion()
    clock = _clock(Kind.STRATEGY_DISCUSSION, discussion.referral)
    assert clock.met_at == discussion.held_at and clock.closed_by == discussion
    assert clock.state() == Deadline.State.MET_ON_TIME


def test_a_meeting_clock_runs_72_hours_from_when_it_was_held_not_recorded():
    """Held at 10:00, recorded the next day: the meeting is due 72 hours after 10:00."""
    probe = make_discussion()
    held = probe.held_at
    discussion = make_discussion(
        outcomes=["strategy_meeting", "section_47"],
        held_at=held,
        now=held + dt.timedelta(hours=20),
    )
    meeting = _clock(Kind.STRATEGY_MEETING, discussion)
    assert meeting.starts_at == held and meeting.due_at == held + dt.timedelta(hours=72)


def test_refer_to_shield_opens_the_initial_cse2_clock_for_the_shield_team():
    """D16: 10 working days, owned by the Shield team, whose managers are told."""
    shield = TeamFactory(kind=Team.Kind.SHIELD)
    UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER], team=shield)
    discussion = make_discussion(outcomes=["refer_to_shield"])
    clock = _clock(Kind.INITIAL_CSE2, discussion)
    assert clock.owning_team == shield and clock.child == discussion.child
    assert (clock.due_at - clock.starts_at) >= dt.timedelta(days=12)  # 10 working days


def test_without_police_it_needs_a_reason_and_is_flagged_not_compliant():
    health = AgencyFactory(name="Health only (test)", kind=Agency.Kind.HEALTH)
    only_health = [{"name": "Nurse Example", "agency": health, "role": ""}]
    with pytest.raises(ValidationError) as error:
        make_discussion(participants=only_health)
    assert "say why police did not" in str(error.value.message_dict["not_compliant_reason"])
    discussion = make_discussion(
        participants=only_health, not_compliant_reason="Police unavailable; briefed after."
    )
    assert not discussion.compliant and discussion.health_took_part


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcomes": ["no_further_action", "section_17"]}, "outcomes"),
        ({"outcomes": []}, "outcomes"),
        ({"actions": [{"description": "Visit", "due_on": dt.date(2026, 12, 1)}]}, "actions"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(change, field):
    with pytest.raises(ValidationError) as error:
        make_discussion(**change)
    assert field in error.value.message_dict
    assert not StrategyDiscussion.objects.exists() and not AgreedAction.objects.exists()


def test_held_in_the_future_or_before_receipt_is_refused():
    probe = make_discussion()
    received = probe.referral.received_at
    for held in (received - dt.timedelta(minutes=5), probe.recorded_at + dt.timedelta(hours=1)):
        with pytest.raises(ValidationError) as error:
            make_discussion(held_at=held, now=probe.recorded_at)
        assert "held_at" in error.value.message_dict


def test_each_action_is_a_clock_due_by_17_00_on_its_day():
    owner = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    agency = AgencyFactory(name="School (test)", kind=Agency.Kind.EDUCATION)
    discussion = make_discussion(
        actions=[
            {"description": "Safety plan", "owner": owner, "due_on": dt.date(2026, 12, 4)},
            {
                "description": "Share attendance",
                "owner_name": "Head of year",
                "owner_agency": agency,
                "due_on": dt.date(2026, 12, 3),
            },
        ]
    )
    clocks = {a.description: _clock(Kind.ACTION, a) for a in discussion.actions.all()}
    assert clocks["Safety plan"].owner == owner
    assert clocks["Safety plan"].due_at == dt.datetime(2026, 12, 4, 17, 0, tzinfo=LONDON)
    assert clocks["Share attendance"].owner is None


def test_mash_records_a_discussion_through_the_form(client_for):
    """The form pre-fills the CSE1's risks; the detail page shows what was recorded."""
    from tests.factories.referrals import make_decided

    manager = client_for(RoleCode.MASH_TEAM_MANAGER)
    referral = make_decided(UserFactory(roles=[RoleCode.REFERRER]), manager.user)
    url = reverse("strategy:discussion-new", kwargs={"referral_pk": referral.pk})
    page = manager.get(url)
    assert referral.reference in page.context["form"].initial["information_considered"]
    police = AgencyFactory(name="Police (form test)", kind=Agency.Kind.POLICE)
    health = AgencyFactory(name="Health (form test)", kind=Agency.Kind.HEALTH)
    held = referral.triaged_at.astimezone(LONDON) + dt.timedelta(minutes=1)
    data = {
        "held_on_0": held.day,
        "held_on_1": held.month,
        "held_on_2": held.year,
        "held_time": held.strftime("%H:%M"),
        "chair": manager.user.pk,
        "information_considered": "CSE1 risks; school attendance.",
        "risk_to_others": "None found.",
        "outcomes": ["section_17"],
        "rationale": "Assessment needed.",
        "participants-TOTAL_FORMS": "3",
        "participants-INITIAL_FORMS": "0",
        "participants-0-name": "DC Example",
        "participants-0-agency": police.pk,
        "participants-1-name": "Nurse Example",
        "participants-1-agency": health.pk,
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
    }
    response = manager.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    discussion = StrategyDiscussion.objects.get()
    assert discussion.compliant and discussion.outcomes == ["section_17"]
    detail = manager.get(response["Location"]).content.decode()
    assert "DC Example" in detail and "Section 17 assessment" in detail


def test_the_strategy_page_lists_an_overdue_discussion_and_why_it_is_late(client_for):
    """A 24-hour clock past its time: the referral's link, the child, and the way to say why it
    is late; once a reason is given, the reason."""
    from tests.factories.referrals import THURSDAY_10AM, make_decided

    manager = client_for(RoleCode.MASH_TEAM_MANAGER)
    referral = make_decided(UserFactory(roles=[RoleCode.REFERRER]), manager.user)
    clock = _clock(Kind.STRATEGY_DISCUSSION, referral)
    assert clock.due_at == THURSDAY_10AM + dt.timedelta(hours=24)  # in the past: overdue
    page = manager.get(reverse("strategy:index")).content.decode()
    assert f'href="{referral.get_absolute_url()}">{referral.reference}</a>' in page
    assert str(referral.child) in page and "Overdue" in page
    assert reverse("timescales:explain", kwargs={"pk": clock.pk}) in page
    clock.breach_reason_code = Deadline.BreachReason.CAPACITY
    clock.save()
    page = manager.get(reverse("strategy:index")).content.decode()
    assert "Reason: Not enough staff available" in page
    assert reverse("timescales:explain", kwargs={"pk": clock.pk}) not in page
