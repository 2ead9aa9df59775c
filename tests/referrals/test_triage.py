"""MASH's work on a referral: the two pathways, the clocks a referral starts and closes, the
placing-authority contact (D18), authorisation of decisions, referrals taken by phone, and the
queue's filters."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse_framework.accounts.models import Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import OutboxMessage
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from referrals import services, triage
from referrals.models import Child, Referral
from referrals.policy import ChildPolicy, ReferralPolicy
from tests.factories.accounts import AgencyFactory, TeamFactory, UserFactory
from tests.factories.referrals import ChildFactory, make_draft, make_received

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
THURSDAY_10AM = dt.datetime(2026, 11, 26, 10, 0, tzinfo=LONDON)
FRIDAY_4PM = dt.datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)


@pytest.fixture
def mash_team():
    return TeamFactory(kind=Team.Kind.MASH)


@pytest.fixture
def referrer():
    return UserFactory(roles=[RoleCode.REFERRER])


@pytest.fixture
def mash(mash_team):
    return UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER], team=mash_team)


@pytest.fixture
def manager(mash_team):
    return UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER], team=mash_team)


def _confirmed(referral, by, child=None):
    return triage.referral_confirm_child(
        referral=referral, by=by, child=child, seen_version=referral.version
    )


def _decide(referral, by, decision=Referral.Decision.REFER_TO_SHIELD):
    return triage.referral_triage(
        referral=referral,
        by=by,
        level_of_concern="medium",
        decision=decision,
        rationale="Indicators present.",
        seen_version=referral.version,
    )


def _clock(referral, kind=Kind.STRATEGY_DISCUSSION) -> Deadline:
    return Deadline.objects.get(kind=kind, started_by_id=str(referral.pk))


def test_receipt_starts_the_24_hour_clock_owned_by_mash(referrer, mash_team):
    """D4: due 24 elapsed hours after MASH receipt; MASH owns it until a worker takes it."""
    referral = make_received(referrer, now=FRIDAY_4PM)
    clock = _clock(referral)
    assert clock.starts_at == referral.received_at == FRIDAY_4PM
    assert clock.due_at == FRIDAY_4PM + dt.timedelta(hours=24)
    assert clock.owning_team == mash_team and clock.owner is None
    assert clock.state(FRIDAY_4PM) == Deadline.State.OPEN
    assert clock.state(FRIDAY_4PM + dt.timedelta(hours=19)) == Deadline.State.DUE_SOON
    assert clock.state(FRIDAY_4PM + dt.timedelta(hours=25)) == Deadline.State.OVERDUE


def test_a_decision_without_a_strategy_discussion_closes_the_clock_as_not_required(referrer, mash):
    """D4: "not required", by that decision; a decision that needs one leaves it open."""
    closed = _decide(_confirmed(make_received(referrer), mash), mash)
    assert _clock(closed).state() == Deadline.State.NOT_REQUIRED
    assert _clock(closed).closed_by == closed
    needed = _decide(
        _confirmed(make_received(referrer), mash), mash, Referral.Decision.STRATEGY_DISCUSSION
    )
    assert _clock(needed).is_open


def test_a_decision_needs_a_confirmed_child(referrer, mash):
    """MASH says who the child is before deciding."""
    with pytest.raises(ValidationError, match="Confirm who the child is"):
        _decide(make_received(referrer), mash)


def test_pathway_1a_needs_a_marf(referrer):
    """A child not known to children's social care: the CSE1 cannot be sent without a MARF."""
    draft = make_draft(referrer, marf=False, child_social_care="not_known")
    with pytest.raises(ValidationError, match="Complete the MARF"):
        services.referral_submit(referral=draft, by=referrer)
    assert Referral.objects.get().status == Referral.Status.DRAFT


def test_pathway_1b_routes_to_the_allocated_worker_and_shield(referrer):
    """An open case: no MARF; the allocated social worker and Shield's managers are told."""
    worker = UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER])
    shield = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    child = ChildFactory(
        given_names="Jayden",
        family_name="Thorncastle",
        date_of_birth=dt.date(2011, 11, 2),
        care_status="child_in_need",
        allocated_social_worker=worker,
    )
    referral = make_received(
        referrer,
        child_given_names="Jayden",
        child_family_name="Thorncastle",
        child_date_of_birth=child.date_of_birth,
        child_social_care="open",
    )
    assert not hasattr(referral, "marf")
    assert referral.routed_to == worker and referral.routed_to_shield_at
    for recipient in (worker, shield):
        assert OutboxMessage.objects.filter(recipient=recipient, reference=referral.reference)
    # The worker may open the referral routed to them, and the child allocated to them.
    assert ReferralPolicy().scope(worker, Referral.objects.filter(pk=referral.pk)).exists()
    assert ChildPolicy().scope(worker, Child.objects.filter(pk=child.pk)).exists()


def test_pathway_1b_without_a_clear_match_is_routed_when_mash_confirms_the_child(referrer, mash):
    """No match on submission: Shield is told at once, the allocated worker once MASH confirms."""
    worker = UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER])
    child = ChildFactory(care_status="looked_after", allocated_social_worker=worker)
    referral = make_received(referrer, child_social_care="open", child_family_name="Unlisted")
    assert referral.routed_to is None and referral.routed_to_shield_at
    confirmed = _confirmed(referral, mash, child)
    assert confirmed.routed_to == worker
    assert OutboxMessage.objects.filter(recipient=worker, reference=referral.reference).exists()


def test_a_child_placed_by_another_authority_opens_the_d18_clock(referrer, mash, manager):
    """Due 4 working hours after receipt (Friday 16:00 -> Monday 12:00); the recorded contact,
    with the team managers' consultation, meets it."""
    shield_manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    referral = make_received(
        referrer,
        now=FRIDAY_4PM,
        child_social_care="placed",
        child_placing_authority="Demoshire",
    )
    clock = _clock(referral, Kind.PLACING_AUTHORITY)
    assert clock.due_at == dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)
    contacted = dt.datetime(2026, 11, 23, 9, 30, tzinfo=LONDON)
    contact = triage.placing_authority_contact_record(
        referral=referral,
        by=mash,
        contacted_at=contacted,
        method="phone",
        contact_name="Duty manager, Demoshire",
        information_shared="Shared the concerns.",
        mash_team_manager=manager,
        cse_team_manager=shield_manager,
        next_steps="Joint strategy discussion.",
    )
    clock.refresh_from_db()
    assert clock.met_at == contacted and clock.closed_by == contact
    assert clock.state() == Deadline.State.MET_ON_TIME


def test_placing_authority_is_required_for_a_placed_child(referrer):
    """A field error, not a silent blank."""
    with pytest.raises(ValidationError) as error:
        make_draft(referrer, child_social_care="placed")
    assert "child_placing_authority" in error.value.message_dict


def test_a_missing_referrer_contact_is_a_field_error(mash):
    """A referral taken by phone needs a way to reach the referrer."""
    with pytest.raises(ValidationError) as error:
        make_draft(mash, on_behalf_agency=AgencyFactory(), referrer_name="Sam Example")
    assert "referrer_phone" in error.value.message_dict


def test_mash_takes_a_referral_by_phone_for_a_named_referrer(mash, client_for):
    """Recorded by MASH on behalf of the referrer: their agency, name and contact are kept; the
    outcome goes to the worker who took it, to pass on."""
    agency = AgencyFactory(name="Youth offending service (test)")
    draft = make_draft(
        mash,
        on_behalf_agency=agency,
        received_via="phone",
        referrer_name="Sam Example",
        referrer_phone="0151 496 0456",
    )
    assert draft.referrer is None and draft.taken_by == mash and draft.referrer_agency == agency
    referral = services.referral_submit(referral=draft, by=mash)
    decided = _decide(_confirmed(referral, mash), mash)
    assert OutboxMessage.objects.filter(recipient=mash, reference=decided.reference).exists()
    # A referrer from that agency does not see a referral MASH took for it.
    colleague = client_for(RoleCode.REFERRER)
    colleague.user.agency = agency
    colleague.user.save()
    assert (
        colleague.get(reverse("referrals:referral-detail", kwargs={"pk": referral.pk})).status_code
        == 404
    )


def test_decisions_wait_for_authorisation_when_the_team_requires_it(referrer, mash, manager):
    """The worker's decision waits; the manager authorises it (then it takes effect) or returns
    it with a reason (then it is made again)."""
    triage.team_set_decision_authorisation(team=mash.team, by=manager, required=True)
    mash.refresh_from_db()
    waiting = _decide(_confirmed(make_received(referrer), mash), mash)
    assert waiting.status == Referral.Status.AWAITING_AUTHORISATION
    assert waiting.forwarded_to_macse_at is None
    assert OutboxMessage.objects.filter(recipient=manager, reference=waiting.reference).exists()
    returned = triage.referral_return(
        referral=waiting,
        by=manager,
        reason="Check the school's view.",
        seen_version=waiting.version,
    )
    assert returned.status == Referral.Status.RECEIVED and returned.decision == ""
    again = _decide(returned, mash)
    authorised = triage.referral_authorise(referral=again, by=manager, seen_version=again.version)
    assert authorised.status == Referral.Status.TRIAGED
    assert authorised.authorised_by == manager and authorised.forwarded_to_macse_at
    assert authorised.history.filter(status=Referral.Status.AWAITING_AUTHORISATION).count() == 2


def test_a_team_managers_own_decision_needs_no_authorisation(referrer, manager):
    triage.team_set_decision_authorisation(team=manager.team, by=manager, required=True)
    manager.refresh_from_db()
    decided = _decide(_confirmed(make_received(referrer), manager), manager)
    assert decided.status == Referral.Status.TRIAGED


def test_queue_filters_by_status_and_team(referrer, client_for):
    """Waiting (the default), decided, and received by EDT."""
    waiting = make_received(referrer)
    emergency = make_received(
        referrer, emergency=True, now=dt.datetime(2026, 11, 28, 23, 0, tzinfo=LONDON)
    )
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    decided = _decide(_confirmed(make_received(referrer), mash.user), mash.user)
    url = reverse("referrals:triage-queue")

    def shown(**filters):
        return {referral.pk for referral, *_ in mash.get(url, filters).context["rows"]}

    assert shown() == {waiting.pk, emergency.pk}
    assert shown(status="triaged") == {decided.pk}
    assert shown(team="edt") == {emergency.pk}
