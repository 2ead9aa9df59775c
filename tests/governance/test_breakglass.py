"""Break-glass (issue 10 item 6): emergency access to a child's record outside the user's access,
for a reason, for BREAK_GLASS_MINUTES; audited as break-glass; the child's team manager and the
service manager told at once, once per grant; every use in a report for review."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cse_framework.accounts.models import Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import NoticeRecipient
from governance.breakglass import selectors
from governance.breakglass.models import Grant
from tests.factories.accounts import TeamFactory, UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_case

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
REASON = "Police called: she is missing tonight and I need her known associates now."
START = reverse("breakglass:start")


@pytest.fixture
def shield_team():
    return TeamFactory(kind=Team.Kind.SHIELD, name="Shield")


@pytest.fixture
def held_child(shield_team):
    """A child Shield holds: their case belongs to the Shield team, whose manager is told."""
    return make_case().child


def _told() -> list[int]:
    """Who has been sent a break-glass alert (other notices, of the case's allocation, aside)."""
    return list(
        NoticeRecipient.objects.filter(notice__reference__startswith="Break-glass").values_list(
            "user_id", flat=True
        )
    )


def _break(client, child, reason=REASON):
    return client.post(START, {"child": str(child.pk), "reason": reason})


def _child_page(client, child):
    return client.get(reverse("referrals:child-detail", kwargs={"pk": child.pk}))


@time_machine.travel(NOW, tick=False)
def test_break_glass_opens_the_record_for_a_while_audited_and_alerted_once(
    client_for, held_child, shield_team, settings
):
    settings.BREAK_GLASS_MINUTES = 30
    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER], team=shield_team)
    other_team_manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    service_manager = UserFactory(roles=[RoleCode.SERVICE_MANAGER])
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    assert _child_page(health, held_child).status_code == 404

    response = _break(health, held_child)

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:child-detail", kwargs={"pk": held_child.pk})
    grant = Grant.objects.get()
    assert (grant.user, grant.child, grant.reason) == (health.user, held_child, REASON)
    assert grant.expires_at == NOW + dt.timedelta(minutes=30)
    page = _child_page(health, held_child)
    assert page.status_code == 200
    assert "through break-glass access until 14:30" in page.content.decode()
    event = AccessEvent.objects.get(action=AccessEvent.Action.BREAK_GLASS)
    assert (event.user, event.child_id) == (health.user, held_child.pk)
    # The append-only log names the grant; the reason, free text, stays with the grant.
    assert event.justification == f"Break-glass {grant.pk}: the reason is kept with the grant"
    assert REASON not in event.justification
    told = set(_told())
    assert told == {manager.pk, service_manager.pk}
    assert other_team_manager.pk not in told

    # The team manager told can open the alert's link, the use's review page.
    link = reverse("breakglass:review", kwargs={"pk": grant.pk})
    assert client_for(user=manager).get(link).status_code == 200

    # Asking again while the grant lasts keeps the one grant and sends no second alert.
    assert _break(health, held_child).status_code == 302
    assert Grant.objects.count() == 1
    assert len(_told()) == 2


def test_the_access_ends_when_the_grant_expires(client_for, held_child, settings):
    settings.BREAK_GLASS_MINUTES = 30
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    with time_machine.travel(NOW, tick=False):
        _break(health, held_child)
    with time_machine.travel(NOW + dt.timedelta(minutes=29, seconds=59), tick=False):
        assert _child_page(health, held_child).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        assert _child_page(health, held_child).status_code == 404
        assert selectors.live_grant(health.user, held_child) is None
    # After expiry a new reason opens a new grant, and a new alert (signed in again: the
    # session's own idle limit has passed too).
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        _break(client_for(user=health.user), held_child)
    assert Grant.objects.count() == 2


def test_the_grant_opens_only_that_child(client_for, held_child):
    other = ChildFactory()
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    _break(health, held_child)
    assert _child_page(health, other).status_code == 404


def test_a_child_no_team_holds_alerts_the_mash_managers(client_for):
    mash = TeamFactory(kind=Team.Kind.MASH, name="MASH")
    mash_manager = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER], team=mash)
    left = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER], team=mash, is_active=False)
    child = ChildFactory()
    _break(client_for(RoleCode.SHIELD_WORKER), child)
    told = set(_told())
    assert mash_manager.pk in told
    assert left.pk not in told


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"child": "not-a-number", "reason": REASON}, "child", "correct format"),
        ({"child": "", "reason": REASON}, "child", "Enter the child record number"),
        ({"reason": "Urgent."}, "reason", "at least 20 characters"),
    ],
)
def test_bad_input_is_refused_and_kept(client_for, held_child, posted, field, message):
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    data = {"child": str(held_child.pk), **posted}
    response = health.post(START, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert data["reason"] in response.content.decode()
    assert not Grant.objects.exists()


def test_an_unknown_record_number_says_so(client_for):
    response = client_for(RoleCode.HEALTH_REPRESENTATIVE).post(
        START, {"child": "6f0c7d0e-0000-4000-8000-000000000000", "reason": REASON}
    )
    assert "No child record has this number" in response.context["form"].errors["child"][0]


def test_someone_who_already_sees_the_child_needs_no_break_glass(client_for, held_child):
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    response = _break(mash, held_child)
    assert response.status_code == 302
    assert not Grant.objects.exists()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.BREAK_GLASS).exists()


def test_the_analyst_and_administrators_cannot_break_glass(client_for, held_child):
    for role in (RoleCode.LSCB_ANALYST, RoleCode.SYSTEM_ADMINISTRATOR):
        assert _break(client_for(role), held_child).status_code == 403
    assert not Grant.objects.exists()


def test_a_merged_record_number_opens_the_record_kept(client_for):
    from referrals import register

    kept, merged = ChildFactory(), ChildFactory()
    register.child_merge(
        kept=kept,
        merged=merged,
        by=UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER]),
        reason="The same child.",
    )
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    _break(health, merged)
    assert Grant.objects.get().child == kept


def test_the_report_lists_every_use_with_the_events_while_open(client_for, held_child):
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    with time_machine.travel(NOW, tick=False):
        _break(health, held_child)
        _child_page(health, held_child)
        _child_page(health, held_child)
    reviewer = client_for(RoleCode.SERVICE_MANAGER)
    page = reviewer.get(reverse("breakglass:report"))
    grant = page.context["grants"][0]
    # The break-glass event itself and the two views of the record.
    assert grant.events_during == 3
    assert REASON in page.content.decode()


def test_report_queries_do_not_grow_with_its_rows(client_for, django_assert_max_num_queries):
    reviewer = client_for(RoleCode.SERVICE_MANAGER)

    def make(count):
        for _ in range(count):
            Grant.objects.create(
                user=UserFactory(),
                child=ChildFactory(),
                reason=REASON,
                opened_at=NOW,
                expires_at=NOW + dt.timedelta(minutes=30),
            )

    make(2)
    with django_assert_max_num_queries(12) as few:
        reviewer.get(reverse("breakglass:report"))
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        reviewer.get(reverse("breakglass:report"))


def test_a_use_is_reviewed_once_and_not_by_its_user(client_for, held_child):
    service = client_for(RoleCode.SERVICE_MANAGER)
    # A service manager sees every child, so their own "use" is made directly for this test.
    own = Grant.objects.create(
        user=service.user,
        child=held_child,
        reason=REASON,
        opened_at=NOW,
        expires_at=NOW + dt.timedelta(minutes=30),
    )
    url = reverse("breakglass:review", kwargs={"pk": own.pk})
    response = service.post(url, {"outcome": "appropriate", "note": ""})
    assert "Someone else must review" in response.content.decode()

    other = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    assert other.post(url, {"outcome": "inappropriate", "note": "Spoken to."}).status_code == 302
    own.refresh_from_db()
    assert (own.outcome, own.reviewed_by, own.review_note) == (
        "inappropriate",
        other.user,
        "Spoken to.",
    )
    again = other.post(url, {"outcome": "appropriate", "note": ""})
    assert again.status_code == 200
    own.refresh_from_db()
    assert own.outcome == "inappropriate"
    report = other.get(reverse("breakglass:report") + "?show=unreviewed")
    assert list(report.context["grants"]) == []
