"""Entities recorded once under their normalised keys, and the "children linked" alerts that
links to the same (or a likely-same) entity raise: once per new connection (issue 8, items 4-5)."""

import pytest

from cse_framework.accounts.roles import RoleCode
from intelligence import linking
from intelligence.models import LinkAlert, Phone, Vehicle
from tests.factories.accounts import UserFactory
from tests.factories.intelligence import make_report
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


def test_the_same_phone_or_plate_typed_differently_is_one_entity():
    assert linking.phone_record(number="0151 496 0123") == linking.phone_record(
        number="+44 151 4960123"
    )
    assert Phone.objects.count() == 1
    first = linking.vehicle_record(registration="ab12 cde", colour="Grey")
    again = linking.vehicle_record(registration="AB12CDE", make="Vauxhall")
    assert first == again and Vehicle.objects.get().make == "Vauxhall"
    assert Vehicle.objects.get().colour == "Grey"  # what was known is kept


def test_two_children_linked_by_a_phone_raise_one_alert_once(teacher):
    phone = linking.phone_record(number="07700 900123")
    first, second = ChildFactory(), ChildFactory()
    _, none = linking.child_link(child=first, entity=phone, source=make_report(teacher), by=teacher)
    assert none == []
    report = make_report(teacher)
    _, alerts = linking.child_link(child=second, entity=phone, source=report, by=teacher)
    assert len(alerts) == 1 and not alerts[0].likely and not alerts[0].police_only
    assert {alerts[0].first_child_id, alerts[0].second_child_id} == {first.pk, second.pk}
    # Linking again (the same record, or another naming the same phone) makes no second alert.
    assert linking.child_link(child=second, entity=phone, source=report, by=teacher)[1] == []
    assert (
        linking.child_link(child=second, entity=phone, source=make_report(teacher), by=teacher)[1]
        == []
    )
    assert LinkAlert.objects.count() == 1


@pytest.mark.parametrize("partial_first", [True, False])
def test_a_partial_plate_links_to_the_full_plate_it_may_be(teacher, partial_first):
    partial = linking.vehicle_record(registration="AB12 C??")
    full = linking.vehicle_record(registration="AB12 CDE")
    other = linking.vehicle_record(registration="AB13 CDE")
    near, far, seen = ChildFactory(), ChildFactory(), ChildFactory()
    order = [(near, partial), (seen, full)] if partial_first else [(seen, full), (near, partial)]
    linking.child_link(child=far, entity=other, source=make_report(teacher), by=teacher)
    alerts = []
    for child, vehicle in order:
        alerts += linking.child_link(
            child=child, entity=vehicle, source=make_report(teacher), by=teacher
        )[1]
    assert len(alerts) == 1 and alerts[0].likely
    assert {alerts[0].first_child_id, alerts[0].second_child_id} == {near.pk, seen.pk}


@pytest.mark.parametrize("full_again_first", [True, False])
def test_the_same_car_as_a_full_and_a_partial_plate_is_one_connection(teacher, full_again_first):
    """Two children joined through one car raise one alert, however many of its plates (the
    full one, a partial one that fits it) each is linked to, and in whichever order."""
    full = linking.vehicle_record(registration="AB12 CDE")
    partial = linking.vehicle_record(registration="AB12 C??")
    seen, near = ChildFactory(), ChildFactory()
    alerts = linking.child_link(child=seen, entity=full, source=make_report(teacher), by=teacher)[1]
    steps = [(near, partial), (near, full), (seen, partial)]
    if full_again_first:
        steps = [(near, full), (near, partial), (seen, partial)]
    for child, vehicle in steps:
        alerts += linking.child_link(
            child=child, entity=vehicle, source=make_report(teacher), by=teacher
        )[1]
    assert len(alerts) == 1 and LinkAlert.objects.count() == 1
    # A third child through the same car is a new connection, for each of the other two.
    third = ChildFactory()
    new = linking.child_link(child=third, entity=partial, source=make_report(teacher), by=teacher)[
        1
    ]
    assert {frozenset((a.first_child_id, a.second_child_id)) for a in new} == {
        frozenset((third.pk, seen.pk)),
        frozenset((third.pk, near.pk)),
    }


def test_a_persons_alias_links_to_a_person_of_that_name(teacher):
    known = linking.person_record(name="Dorian Vexley", aliases=["Big D"])
    named = linking.person_record(name="big d")
    first, second = ChildFactory(), ChildFactory()
    linking.child_link(child=first, entity=known, source=make_report(teacher), by=teacher)
    _, alerts = linking.child_link(
        child=second, entity=named, source=make_report(teacher), by=teacher
    )
    assert len(alerts) == 1 and alerts[0].likely


def test_a_link_from_police_only_intelligence_makes_a_police_only_alert(teacher):
    handle = linking.handle_record(platform="snapchat", handle="@Some.Body_99")
    assert handle == linking.handle_record(platform="Snapchat", handle="some.body_99")
    first, second = ChildFactory(), ChildFactory()
    linking.child_link(
        child=first, entity=handle, source=make_report(teacher), by=teacher, police_only=True
    )
    _, alerts = linking.child_link(
        child=second, entity=handle, source=make_report(teacher), by=teacher
    )
    assert alerts[0].police_only


def test_finding_the_children_linked_runs_the_same_queries_however_many_links(
    teacher, django_assert_max_num_queries
):
    phone = linking.phone_record(number="07700 900456")
    for _ in range(20):
        linking.child_link(
            child=ChildFactory(), entity=phone, source=make_report(teacher), by=teacher
        )
    link, _ = linking.child_link(
        child=ChildFactory(), entity=phone, source=make_report(teacher), by=teacher
    )
    with django_assert_max_num_queries(3):
        found = linking.connections(link)
    assert len(found) == 20


def test_a_partial_plate_that_knows_too_little_raises_no_alert(teacher):
    vague = linking.vehicle_record(registration="A?")
    full = linking.vehicle_record(registration="AB12 CDE")
    linking.child_link(child=ChildFactory(), entity=vague, source=make_report(teacher), by=teacher)
    _, alerts = linking.child_link(
        child=ChildFactory(), entity=full, source=make_report(teacher), by=teacher
    )
    assert vague.partial and alerts == []
