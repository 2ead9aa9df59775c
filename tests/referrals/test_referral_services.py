"""CSE1 referrals: drafts, the checklist, submission and receipt (D4), the urgent flag and triage
order (D19), double submits, and who may see a referral."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cse_framework import access
from cse_framework.accounts.models import Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import OutboxMessage
from cse_framework.workflow import TransitionNotAllowedError, transition
from referrals import selectors, services
from referrals.models import Referral
from tests.factories.accounts import TeamFactory, UserFactory
from tests.factories.referrals import make_draft

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
THURSDAY_10AM = dt.datetime(2026, 11, 26, 10, 0, tzinfo=LONDON)
FRIDAY_6PM = dt.datetime(2026, 11, 27, 18, 0, tzinfo=LONDON)
MONDAY_9AM = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


@pytest.fixture
def mash_worker():
    return UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER], team=TeamFactory(kind=Team.Kind.MASH))


def _draft(by, born=dt.date(2011, 5, 1), **fields):
    return make_draft(by, child_date_of_birth=born, **fields)


def test_draft_gets_a_human_friendly_reference(teacher):
    """Every referral has a reference like CSE-2026-000001, never reused."""
    first, second = _draft(teacher), _draft(teacher)
    assert first.reference.startswith("CSE-")
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert first.status == Referral.Status.DRAFT


def test_submitted_in_office_hours_is_received_at_once(teacher, mash_worker):
    """D4: in office hours MASH receives it when it is submitted, and MASH is notified."""
    referral = services.referral_submit(referral=_draft(teacher), by=teacher, now=THURSDAY_10AM)
    assert referral.status == Referral.Status.RECEIVED
    assert referral.received_at == THURSDAY_10AM
    assert referral.received_by == Referral.ReceivedBy.MASH
    notice = OutboxMessage.objects.get(recipient=mash_worker)
    assert notice.reference == referral.reference
    assert "Quillfeather" not in notice.subject + notice.link


def test_submitted_on_friday_evening_is_received_on_monday(teacher):
    """D4: out of hours, received at the next working day's 09:00."""
    referral = services.referral_submit(referral=_draft(teacher), by=teacher, now=FRIDAY_6PM)
    assert referral.submitted_at == FRIDAY_6PM
    assert referral.received_at == MONDAY_9AM
    assert referral.received_by == Referral.ReceivedBy.MASH


def test_out_of_hours_emergency_goes_to_edt_at_once(teacher):
    """D4: an emergency out of hours is received by EDT immediately."""
    edt = UserFactory(roles=[RoleCode.EDT_SOCIAL_WORKER], team=TeamFactory(kind=Team.Kind.EDT))
    draft = _draft(teacher, emergency=True)
    referral = services.referral_submit(referral=draft, by=teacher, now=FRIDAY_6PM)
    assert referral.received_at == FRIDAY_6PM
    assert referral.received_by == Referral.ReceivedBy.EDT
    assert OutboxMessage.objects.filter(recipient=edt).exists()


def test_double_submit_makes_one_referral(teacher):
    """A second submit returns the same referral and changes nothing."""
    draft = _draft(teacher)
    first = services.referral_submit(referral=draft, by=teacher, now=THURSDAY_10AM)
    again = services.referral_submit(referral=draft, by=teacher, now=FRIDAY_6PM)
    assert again.pk == first.pk
    assert again.received_at == THURSDAY_10AM
    assert Referral.objects.count() == 1
    assert first.history.count() == again.history.count()


def test_a_child_of_18_is_refused(teacher):
    """Adults go to Adult Services: a field error on the date of birth."""
    draft = _draft(teacher, born=dt.date(2008, 11, 1))
    with pytest.raises(ValidationError) as error:
        services.referral_submit(referral=draft, by=teacher, now=THURSDAY_10AM)
    assert "child_date_of_birth" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Referral.Status.DRAFT


@pytest.mark.parametrize(
    ("born", "codes", "urgent"),
    [
        (dt.date(2014, 6, 1), {"missing_overnight"}, True),  # 12, high-level indicator
        (dt.date(2014, 6, 1), {"staying_out_late"}, False),  # 12, low-level only
        (dt.date(2011, 6, 1), {"missing_overnight"}, False),  # 15, high-level: not automatic
        (dt.date(2011, 6, 1), {"sexually_assaulted"}, True),  # any age: a disclosure
    ],
)
def test_review_urgently_flag(teacher, born, codes, urgent):
    """D19: under 13 with a high-level indicator, or a disclosure, is flagged by the product."""
    draft = _draft(teacher, born=born)
    for code in codes:
        services.referral_indicator_record(referral=draft, by=teacher, code=code, present="yes")
    services.referral_indicator_record(referral=draft, by=teacher, code="sexting", present="no")
    referral = services.referral_submit(referral=draft, by=teacher, now=THURSDAY_10AM)
    assert referral.review_urgently is urgent


def test_checklist_is_fixed_once_submitted(teacher):
    """A received referral's indicators cannot be changed."""
    referral = services.referral_submit(referral=_draft(teacher), by=teacher, now=THURSDAY_10AM)
    with pytest.raises(ValidationError):
        services.referral_indicator_record(
            referral=referral, by=teacher, code="sexting", present="yes"
        )


def test_triage_order_follows_d19(teacher, mash_worker, django_assert_max_num_queries):
    """Emergency, then review urgently, then level of concern, then oldest receipt first."""
    made = {}
    plan = [
        ("old medium", {"level_of_concern": "medium"}, dt.date(2011, 1, 1), set(), 9),
        ("new high", {"level_of_concern": "high"}, dt.date(2011, 1, 1), set(), 11),
        (
            "urgent",
            {"level_of_concern": "at_risk"},
            dt.date(2011, 1, 1),
            {"sexually_assaulted"},
            12,
        ),
        (
            "emergency",
            {"emergency": True, "level_of_concern": "none"},
            dt.date(2011, 1, 1),
            set(),
            13,
        ),
        ("older high", {"level_of_concern": "high"}, dt.date(2011, 1, 1), set(), 10),
    ]
    for name, fields, born, codes, hour in plan:
        draft = _draft(teacher, born=born, **fields)
        for code in codes:
            services.referral_indicator_record(referral=draft, by=teacher, code=code, present="yes")
        now = THURSDAY_10AM.replace(hour=hour)
        made[services.referral_submit(referral=draft, by=teacher, now=now).pk] = name
    with django_assert_max_num_queries(2):
        order = [made[r.pk] for r in selectors.triage_queue(user=_verified(mash_worker))]
    assert order == ["emergency", "urgent", "older high", "new high", "old medium"]


def _verified(user):
    user.is_verified = lambda: True
    return user


def test_referrer_sees_only_their_agencys_referrals(teacher, mash_worker):
    """A referrer never sees another agency's referral; MASH sees every received one."""
    other_agency_referrer = UserFactory(roles=[RoleCode.REFERRER])
    mine = services.referral_submit(referral=_draft(teacher), by=teacher, now=THURSDAY_10AM)
    theirs = _draft(other_agency_referrer)
    visible = set(access.scope(_verified(teacher), Referral.objects.all()))
    assert visible == {mine}
    assert set(access.scope(_verified(mash_worker), Referral.objects.all())) == {mine}
    assert not access.check(_verified(teacher), access.VIEW, theirs)


def test_transition_refuses_a_move_the_dict_does_not_allow(teacher):
    """A received referral cannot go back to draft; the loser of a race is told its state."""
    referral = services.referral_submit(referral=_draft(teacher), by=teacher, now=THURSDAY_10AM)
    with pytest.raises(TransitionNotAllowedError) as error:
        transition(referral, Referral.Status.DRAFT)
    assert error.value.current == Referral.Status.RECEIVED


def test_edt_queue_holds_only_out_of_hours_emergencies(teacher, client_for):
    """The EDT queue shows what EDT received; MASH's queue shows everything awaiting triage."""
    from django.urls import reverse

    emergency = services.referral_submit(
        referral=_draft(teacher, emergency=True), by=teacher, now=FRIDAY_6PM
    )
    ordinary = services.referral_submit(referral=_draft(teacher), by=teacher, now=FRIDAY_6PM)
    edt = client_for(RoleCode.EDT_SOCIAL_WORKER)
    page = edt.get(reverse("referrals:edt-queue"))
    assert [referral.pk for referral, *_ in page.context["rows"]] == [emergency.pk]
    everything = edt.get(reverse("referrals:triage-queue")).context["rows"]
    assert {referral.pk for referral, *_ in everything} == {emergency.pk, ordinary.pk}
