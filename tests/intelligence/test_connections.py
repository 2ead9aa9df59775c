"""A child's connections within two steps (issue 8, items 5 and 6; D12): the same and
likely-same entities, police-only connections masked as "possible link - contact police" for the
managers and the child's Shield worker, nothing for other roles, a fixed number of queries, and
the page: a table and an SVG network whose text alternative is the table, audited. All names,
plates and handles are fictional (D15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import connections, linking
from intelligence.alerts import POSSIBLE_LINK
from tests.factories.accounts import UserFactory
from tests.factories.intelligence import make_report
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_case, shield_worker

pytestmark = pytest.mark.django_db


def _verified(*roles):
    user = UserFactory(roles=list(roles))
    user.is_verified = lambda: True
    return user


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


def _link(child, entity, by, police_only=False):
    linking.child_link(
        child=child, entity=entity, source=make_report(by), by=by, police_only=police_only
    )


@pytest.fixture
def network(teacher):
    """Wrenna is linked to a car and a handle; Corin to the same car; Tamsin to the same handle
    (police-only); Idris to a partial plate that may be the car; Bryony to a person whose alias
    is the name of Wrenna's person of concern."""
    wrenna = ChildFactory(given_names="Wrenna", family_name="Ashcombe")
    corin = ChildFactory(given_names="Corin", family_name="Maddox")
    tamsin = ChildFactory(given_names="Tamsin", family_name="Vale")
    idris = ChildFactory(given_names="Idris", family_name="Penhale")
    bryony = ChildFactory(given_names="Bryony", family_name="Keld")
    car = linking.vehicle_record(registration="XR15 KQZ", colour="Grey")
    handle = linking.handle_record(platform="snapchat", handle="@quill.fen_77")
    partial = linking.vehicle_record(registration="XR15 K??")
    jay = linking.person_record(name="Jaxon Thorne")
    other_jay = linking.person_record(name="Dale Corrie", aliases=["Jaxon Thorne"])
    _link(wrenna, car, teacher)
    _link(wrenna, handle, teacher)
    _link(wrenna, jay, teacher)
    _link(corin, car, teacher)
    _link(tamsin, handle, teacher, police_only=True)
    _link(idris, partial, teacher)
    _link(bryony, other_jay, teacher)
    return {
        "child": wrenna,
        "corin": corin,
        "tamsin": tamsin,
        "idris": idris,
        "bryony": bryony,
    }


def _by_child(rows):
    return {str(row.other_child): row for row in rows if not row.masked}


def test_police_see_every_connection_within_two_steps(network):
    rows = connections.child_connections(network["child"], _verified(RoleCode.MACSE_CHAIR))
    found = _by_child(rows)
    assert set(found) == {"Corin Maddox", "Tamsin Vale", "Idris Penhale", "Bryony Keld"}
    assert (found["Corin Maddox"].kind, found["Corin Maddox"].how) == ("vehicle", "same")
    assert found["Corin Maddox"].entity_display == "XR15 KQZ"
    assert (found["Idris Penhale"].how, found["Idris Penhale"].matched_display) == (
        "likely same",
        "XR15 K??",
    )
    assert (found["Bryony Keld"].kind, found["Bryony Keld"].how) == ("person", "likely same")
    assert found["Bryony Keld"].matched_display == "Dale Corrie"
    assert found["Tamsin Vale"].police_only and not found["Corin Maddox"].police_only
    assert not any(row.masked for row in rows)


@pytest.mark.parametrize("role", [RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER])
def test_managers_see_police_only_connections_only_as_possible_link(network, role):
    rows = connections.child_connections(network["child"], _verified(role))
    assert set(_by_child(rows)) == {"Corin Maddox", "Idris Penhale", "Bryony Keld"}
    masked = [row for row in rows if row.masked]
    assert len(masked) == 1
    assert masked[0].label == POSSIBLE_LINK
    assert (masked[0].other_child, masked[0].entity_display, masked[0].kind) == (None, "", "")


def test_the_childs_shield_worker_sees_what_managers_see_and_another_worker_nothing(network):
    worker = shield_worker()
    worker.is_verified = lambda: True
    make_case(network["child"], worker=worker)
    rows = connections.child_connections(network["child"], worker)
    assert "Tamsin Vale" not in _by_child(rows) and rows[-1].masked
    assert connections.child_connections(network["child"], _verified(RoleCode.SHIELD_WORKER)) == []


@pytest.mark.parametrize(
    "role", [RoleCode.REFERRER, RoleCode.MASH_TEAM_MANAGER, RoleCode.ALLOCATED_SOCIAL_WORKER]
)
def test_other_roles_see_nothing(network, role):
    assert connections.view_of(_verified(role), network["child"]) is None
    assert connections.child_connections(network["child"], _verified(role)) == []


def test_a_connection_also_resting_on_shared_intelligence_is_not_masked(network, teacher):
    handle = linking.handle_record(platform="snapchat", handle="quill.fen_77")
    _link(network["tamsin"], handle, teacher)  # the same handle, now from a non-police source
    rows = connections.child_connections(network["child"], _verified(RoleCode.SHIELD_TEAM_MANAGER))
    assert "Tamsin Vale" in _by_child(rows)
    assert not any(row.masked for row in rows)


def _queries(child, user) -> int:
    with CaptureQueriesContext(connection) as captured:
        connections.child_connections(child, user)
    return len(captured)


def _mixed(child, teacher, count, tag):
    """``count`` links of the child, each kind of entity among them, each shared with another
    child (a partial plate for each full one, an alias for each person)."""
    for n in range(count):
        kind = n % 5
        if kind == 0:
            entity = linking.vehicle_record(registration=f"{tag}{10 + n} KQZ")
            _link(
                ChildFactory(), linking.vehicle_record(registration=f"{tag}{10 + n} K??"), teacher
            )
        elif kind == 1:
            entity = linking.handle_record(platform="snapchat", handle=f"fen{tag}{n}")
        elif kind == 2:
            entity = linking.person_record(name=f"Jaxon Thorne {tag} {n}")
            other = linking.person_record(
                name=f"Dale {tag} {n}", aliases=[f"Jaxon Thorne {tag} {n}"]
            )
            _link(ChildFactory(), other, teacher)
        elif kind == 3:
            entity = linking.phone_record(number=f"07700 900{tag == 'XR' and 1 or 2}{10 + n}")
        else:
            entity = linking.location_record(premises=f"Rowan Park {tag} {n}", postcode="ZZ1 4QT")
        _link(child, entity, teacher)
        _link(ChildFactory(), entity, teacher, police_only=n % 2 == 0)


def test_a_fixed_number_of_queries_with_1_and_20_links(teacher):
    officer = _verified(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    one, twenty = ChildFactory(), ChildFactory()
    _link(one, linking.vehicle_record(registration="XR15 KQZ"), teacher)
    _link(ChildFactory(), linking.vehicle_record(registration="XR15 KQZ"), teacher)
    for n in range(20):
        car = linking.vehicle_record(registration=f"XR{10 + n} QZX")
        _link(twenty, car, teacher)
        _link(ChildFactory(), car, teacher)
    connections.child_connections(one, officer)  # the content types cached
    assert _queries(one, officer) == _queries(twenty, officer)
    assert len(connections.child_connections(twenty, officer)) == 20

    five, many = ChildFactory(), ChildFactory()
    _mixed(five, teacher, 5, "XR")
    _mixed(many, teacher, 20, "XS")
    assert _queries(five, officer) == _queries(many, officer) <= 8
    assert len(connections.child_connections(many, officer)) == 20 + 4 + 4


def _page(client, child):
    return client.get(reverse("intelligence:child-connections", kwargs={"pk": child.pk}))


def test_the_page_for_police_shows_the_table_and_the_network_audited(network, client_for):
    client = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    response = _page(client, network["child"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and 'scope="col"' in html
    assert 'role="img"' in html and "aria-label=" in html
    assert 'aria-describedby="connections-table-caption"' in html
    assert 'id="connections-table-caption"' in html
    assert "<title>" in html and "The table below lists the same links" in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    for name in ("Corin Maddox", "Tamsin Vale", "Idris Penhale", "Bryony Keld", "XR15 KQZ"):
        assert name in html
    viewed = set(
        AccessEvent.objects.filter(user=client.user, action="view").values_list(
            "child_id", flat=True
        )
    )
    assert viewed == {network[name].pk for name in ("child", "corin", "tamsin", "idris", "bryony")}


def test_the_page_for_a_manager_masks_police_only_links(network, client_for):
    client = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    html = _page(client, network["child"]).content.decode()
    assert POSSIBLE_LINK in html
    assert "Tamsin Vale" not in html and "quill.fen_77" not in html
    assert "Corin Maddox" in html
    viewed = set(AccessEvent.objects.filter(user=client.user).values_list("child_id", flat=True))
    assert network["tamsin"].pk not in viewed


def test_the_page_for_the_childs_shield_worker_and_others(network, client_for):
    worker = shield_worker()
    make_case(network["child"], worker=worker)
    assert _page(client_for(user=worker), network["child"]).status_code == 200
    assert _page(client_for(RoleCode.SHIELD_WORKER), network["child"]).status_code == 404
    referrer = client_for(RoleCode.REFERRER)
    assert _page(referrer, network["child"]).status_code == 404
    assert AccessEvent.objects.filter(
        user=referrer.user, action="deny", child_id=network["child"].pk
    ).exists()


def test_a_child_with_no_connections(client_for):
    html = _page(client_for(RoleCode.MACSE_CHAIR), ChildFactory()).content.decode()
    assert "No other child is linked" in html and "<svg" not in html
