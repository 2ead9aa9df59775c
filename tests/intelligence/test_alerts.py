"""'Children linked' alerts reach the right people (issue 8, item 5; D12, D21): notices carry a
reference and a link only; the alert's page shows police-only users everything, Shield and
service managers the children and the entity unless the link rests on police-only intelligence
(then only "possible link - contact police"), everyone else 404; links from referrals' vehicles.
All names and plates are fictional."""

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import Notice, NoticeRecipient
from intelligence import alerts, linking
from intelligence.models import LinkAlert, Vehicle
from intelligence.referral_links import link_referral, registrations_in
from tests.factories.accounts import UserFactory
from tests.factories.intelligence import make_report
from tests.factories.referrals import ChildFactory, make_decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


@pytest.fixture
def officer():
    return UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])


@pytest.fixture
def manager():
    return UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])


def _linked(teacher, *, police_only=False):
    handle = linking.handle_record(platform="snapchat", handle="@quill.fen_77")
    first, second = ChildFactory(), ChildFactory()
    alerts.child_link_and_alert(
        child=first, entity=handle, source=make_report(teacher), by=teacher, police_only=police_only
    )
    _, raised = alerts.child_link_and_alert(
        child=second, entity=handle, source=make_report(teacher), by=teacher
    )
    return raised[0], first, second


def test_a_schools_car_and_a_referral_naming_it_raise_one_alert_told_by_reference_and_link(
    teacher, officer, manager
):
    mash = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER])
    bystander = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    car = linking.vehicle_record(registration="XR15 KQZ", colour="Grey")
    child_a = ChildFactory(given_names="Wrenna", family_name="Ashcombe")
    alerts.child_link_and_alert(child=child_a, entity=car, source=make_report(teacher), by=teacher)
    assert not Notice.objects.exists()

    referral = make_decided(
        teacher, mash, known_vehicles="A grey hatchback, reg xr15 kqz, and 2 men in it"
    )

    alert = LinkAlert.objects.get()
    assert {alert.first_child_id, alert.second_child_id} == {child_a.pk, referral.child_id}
    assert Vehicle.objects.count() == 1  # the same car, typed differently
    link = reverse("intelligence:alert-detail", kwargs={"pk": alert.pk})
    reference = f"LINK-{alert.pk:06d}"
    linked = Notice.objects.filter(reference=reference)
    assert linked.count() == 1
    notice = linked.get()
    assert notice.subject == "Children linked through a shared vehicle"
    assert notice.link == link
    assert set(notice.recipients.values_list("user", flat=True)) == {officer.pk, manager.pk}
    assert bystander.pk not in NoticeRecipient.objects.values_list("user", flat=True)
    # D21: nothing of the children or the car in what the notice says.
    words = f"{notice.subject} {notice.reference} {notice.link}".lower()
    for detail in ("wrenna", "ashcombe", referral.child.family_name.lower(), "xr15", "kqz"):
        assert detail not in words


def test_a_police_only_alert_tells_the_shield_manager_only_possible_link(teacher, officer, manager):
    alert, *_ = _linked(teacher, police_only=True)
    assert alert.police_only
    (full,) = Notice.objects.filter(recipients__user=officer)
    (possible,) = Notice.objects.filter(recipients__user=manager)
    assert full.subject == "Children linked through a shared online handle"
    assert possible.subject == "Possible link - contact police"
    assert possible.reference == full.reference == alerts.alert_reference(alert)


def test_linking_twice_raises_no_second_notice(teacher, officer):
    handle = linking.handle_record(platform="snapchat", handle="@quill.fen_77")
    first, second = ChildFactory(), ChildFactory()
    report = make_report(teacher)
    alerts.child_link_and_alert(child=first, entity=handle, source=make_report(teacher), by=teacher)
    for source in (report, report, make_report(teacher)):
        alerts.child_link_and_alert(child=second, entity=handle, source=source, by=teacher)
    assert Notice.objects.count() == 1


def test_confirming_the_referrals_child_again_makes_no_second_alert(teacher, officer):
    mash = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER])
    car = linking.vehicle_record(registration="XR15 KQZ")
    linking.child_link(child=ChildFactory(), entity=car, source=make_report(teacher), by=teacher)
    referral = make_decided(teacher, mash, known_vehicles="XR15 KQZ, and maybe XR15 K??")

    def counts():
        told = Notice.objects.filter(reference__startswith="LINK-")
        return LinkAlert.objects.count(), told.count(), Vehicle.objects.count()

    before = counts()
    # One alert for the two children, through the plate (the partial that may be it is the same
    # car: no second alert), and its notice; both vehicles kept.
    assert before == (1, 1, 2)
    link_referral(referral, mash)
    assert counts() == before


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Grey Corsa, reg AB12 CDE, and 2 men", ["AB12CDE"]),
        ("ab12 cde, then XR15 K?? seen twice", ["AB12CDE", "XR15K??"]),
        ("red BMW, plate began AB12", ["AB12"]),
        ("an old ABC 123D", ["ABC123D"]),
        ("none known", []),
    ],
)
def test_registrations_are_read_from_a_referrals_text(text, keys):
    assert registrations_in(text) == keys


def _page(client_for, role, alert):
    return client_for(role).get(reverse("intelligence:alert-detail", kwargs={"pk": alert.pk}))


def test_the_page_shows_police_everything_and_a_shield_manager_the_link(teacher, client_for):
    alert, first, second = _linked(teacher)
    police = _page(client_for, RoleCode.POLICE_INTELLIGENCE_OFFICER, alert)
    text = police.content.decode()
    assert police.status_code == 200
    assert str(first) in text and str(second) in text and "snapchat" in text.lower()
    assert "The same" in text
    shield = _page(client_for, RoleCode.SHIELD_TEAM_MANAGER, alert)
    text = shield.content.decode()
    assert shield.status_code == 200 and str(first) in text and "The same" not in text
    viewed = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW)
    assert set(viewed.values_list("child_id", flat=True)) == {first.pk, second.pk}
    assert _page(client_for, RoleCode.SHIELD_WORKER, alert).status_code == 404
    assert _page(client_for, RoleCode.REFERRER, alert).status_code == 404


def test_a_police_only_alerts_page_tells_managers_only_possible_link(teacher, client_for):
    alert, first, second = _linked(teacher, police_only=True)
    for role in (RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER):
        response = _page(client_for, role, alert)
        text = response.content.decode()
        assert response.status_code == 200 and "Possible link - contact police" in text
        for detail in (first.given_names, first.family_name, second.family_name, "quill"):
            assert detail.lower() not in text.lower()
    assert not AccessEvent.objects.filter(child_id__in=[first.pk, second.pk]).exists()
    response = _page(client_for, RoleCode.MACSE_CHAIR, alert)
    assert first.family_name in response.content.decode()


@pytest.mark.parametrize("police_only", [False, True])
def test_the_shield_worker_of_either_child_is_told_and_sees_it_as_the_team_does(
    teacher, client_for, police_only
):
    """The Shield worker allocated to one of the children gets the notice and may open the
    alert (only "possible link" when it rests on police-only intelligence); a Shield worker
    holding neither child gets neither the notice nor the page."""
    from tests.factories.shield import make_case

    handle = linking.handle_record(platform="snapchat", handle="@quill.fen_77")
    first, second = ChildFactory(), ChildFactory()
    case = make_case(second)
    stranger = make_case().worker
    alerts.child_link_and_alert(
        child=first, entity=handle, source=make_report(teacher), by=teacher, police_only=police_only
    )
    _, (alert,) = alerts.child_link_and_alert(
        child=second, entity=handle, source=make_report(teacher), by=teacher
    )
    told = NoticeRecipient.objects.filter(notice__reference=alerts.alert_reference(alert))
    assert told.filter(user=case.worker).count() == 1
    assert not told.filter(user=stranger).exists()
    subject = told.get(user=case.worker).notice.subject
    assert (subject == alerts.POSSIBLE_LINK) is police_only

    url = reverse("intelligence:alert-detail", kwargs={"pk": alert.pk})
    page = client_for(user=case.worker).get(url)
    assert page.status_code == 200
    assert (alerts.POSSIBLE_LINK in page.content.decode()) is police_only
    assert client_for(user=stranger).get(url).status_code == 404
