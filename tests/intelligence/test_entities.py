"""Entity pages and the list of "children linked" alerts (issue 8, items 4, 5 and 6; D12).

Police-only users find a person, place, vehicle, phone or handle by what they type (normalised
and looked up by key) and see everything of an entity: its details (malformed input flagged),
the entities likely the same, the children and entities linked to it (a server-drawn network
beside a table of the same links) and the reports naming it. Shield team managers, service
managers and a Shield worker allocated to a linked child see an entity only if something of it
is not police-only, and what rests on police-only intelligence only as "Possible link - contact
police"; everyone else 404, audited. Fixed numbers of queries, whatever the number of links. All
names, plates, places and handles are fictional (D15)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import entity_links, linking, police_services, services
from intelligence.alerts import POSSIBLE_LINK
from intelligence.models import Report
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_case, shield_worker

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
SEARCH = reverse("intelligence:entity-search")
ALERTS = reverse("intelligence:alert-list")


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


@pytest.fixture
def officer():
    return UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])


def _source(by):
    """A record that links a child to an entity (a shared report stands in for a CSE1)."""
    return Report.objects.create(
        submitted_by=by,
        observed_from=SEEN,
        what_happened="A grey car waits at the school gates at home time.",
        provenance=Report.Provenance.SAW,
    )


def _link(child, entity, by, police_only=False):
    return linking.child_link(
        child=child, entity=entity, source=_source(by), by=by, police_only=police_only
    )


def _url(kind, entity) -> str:
    return reverse("intelligence:entity-detail", kwargs={"kind": kind, "pk": entity.pk})


@pytest.fixture
def car_network(teacher, officer):
    """A grey car: named with a handle and a man in a school's report (police-only, as reports
    are); Wrenna linked to it by a shared record, Corin by police-only intelligence only; seen at
    Rowan Park (a shared link by police); two part plates that may be it, one linked to Idris by
    a shared record, the other known only from police-only intelligence."""
    report = services.report_submit(
        by=teacher,
        observed_from=SEEN,
        what_happened="A grey car at the Brambledown Academy gates; the driver calls girls over.",
        provenance="saw",
        vehicles=[{"registration": "XR15 KQZ", "colour": "Grey", "make": "Vauxhall"}],
        handles=[{"platform": "snapchat", "handle": "@quill.fen_77"}],
        people=[{"name": "Dax Fenwright", "aliases": ["D-Man"], "approximate_age": "about 25"}],
    )
    car = linking.vehicle_record(registration="XR15 KQZ")
    wrenna = ChildFactory(given_names="Wrenna", family_name="Ashcombe")
    corin = ChildFactory(given_names="Corin", family_name="Maddox")
    idris = ChildFactory(given_names="Idris", family_name="Penhale")
    tamsin = ChildFactory(given_names="Tamsin", family_name="Vale")
    _link(wrenna, car, teacher)
    _link(corin, car, teacher, police_only=True)
    park = linking.location_record(premises="Rowan Park", postcode="ZZ1 4QT", kind="park")
    entity_links.entity_link(
        first=car, second=park, relation="seen_at", source=officer, by=officer, police_only=False
    )
    shared_partial = linking.vehicle_record(registration="XR15 K??")
    hidden_partial = linking.vehicle_record(registration="XR15 ?QZ")
    _link(idris, shared_partial, teacher)
    _link(tamsin, hidden_partial, teacher, police_only=True)
    return {
        "report": report,
        "car": car,
        "park": park,
        "wrenna": wrenna,
        "corin": corin,
        "idris": idris,
        "tamsin": tamsin,
        "shared_partial": shared_partial,
        "hidden_partial": hidden_partial,
    }


# --- Finding an entity ----------------------------------------------------------------------------


def _found(client, q, **more) -> str:
    response = client.get(SEARCH, {"q": q, **more})
    assert response.status_code == 200
    return response.content.decode()


def test_police_find_each_kind_however_it_is_typed(car_network, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    linking.phone_record(number="07700900123")
    car_url = _url("vehicle", car_network["car"])
    assert car_url in _found(police, "xr15-kqz")
    assert car_url in _found(police, "XR15 K")  # the part known finds the full plate
    assert "07700 900123" in _found(police, "+44 7700 900123")
    assert "snapchat: quill.fen_77" in _found(police, "@Quill.Fen_77").lower()  # any platform
    assert "Dax Fenwright" in _found(police, "d-man")  # by an alias
    park_url = _url("place", car_network["park"])
    assert park_url in _found(police, "zz14qt")
    assert park_url in _found(police, "Rowan Park, ZZ1 4QT")
    assert park_url in _found(police, "rowan park")
    assert car_url not in _found(police, "xr15kqz", kind="phone")
    assert "Nothing recorded matches" in _found(police, "XR99 ZZZ")


def test_malformed_records_are_found_and_flagged(client_for):
    police = client_for(RoleCode.MACSE_CHAIR)
    odd = linking.vehicle_record(registration="XR15 KQZZZZ")
    assert not odd.valid
    html = _found(police, "xr15kqzzzz")
    assert "Check" in html and odd.problem in html


def test_the_search_is_paginated_in_a_fixed_number_of_queries(teacher, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    linking.person_record(name="Orrin Blackthorn")
    for _ in range(30):
        linking.person_record(name="Jay Fenwick")
    police.get(SEARCH, {"q": "orrin blackthorn"})  # the content types cached

    def queries(q, page=1):
        with CaptureQueriesContext(connection) as captured:
            html = _found(police, q, page=page)
        return len(captured), html

    one, _ = queries("orrin blackthorn")
    many, first = queries("jay fenwick")
    assert one == many
    assert first.count("Jay Fenwick</a>") == 25 and "30 found" in first
    _, second = queries("jay fenwick", page=2)
    assert second.count("Jay Fenwick</a>") == 5


@pytest.mark.parametrize(
    "role", [RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER, RoleCode.REFERRER]
)
def test_only_police_only_users_search(client_for, role):
    assert client_for(role).get(SEARCH, {"q": "xr15kqz"}).status_code == 404


# --- An entity's page ---------------------------------------------------------------------------


def test_police_see_everything_of_an_entity(car_network, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    response = police.get(_url("vehicle", car_network["car"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "XR15 KQZ",
        "Vauxhall",
        "Wrenna Ashcombe",
        "Corin Maddox",
        "Rowan Park",
        "Seen at",
        "XR15 K??",
        "XR15 ?QZ",
        "Likely the same",
        "quill.fen_77",
        "Dax Fenwright",
        car_network["report"].reference,
        "Link to another record",
    ):
        assert text in html, text
    assert POSSIBLE_LINK not in html
    assert 'role="img"' in html and 'aria-describedby="entity-connections-caption"' in html
    assert 'id="entity-connections-caption"' in html and 'scope="col"' in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    viewed = set(
        AccessEvent.objects.filter(user=police.user, action="view").values_list(
            "child_id", flat=True
        )
    )
    assert {car_network["wrenna"].pk, car_network["corin"].pk} <= viewed


@pytest.mark.parametrize("role", [RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER])
def test_managers_see_police_only_links_only_as_possible_link(car_network, client_for, role):
    manager = client_for(role)
    response = manager.get(_url("vehicle", car_network["car"]))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("XR15 KQZ", "Wrenna Ashcombe", "Rowan Park", "XR15 K??"):
        assert shown in html, shown
    for hidden in (
        "Corin Maddox",
        "XR15 ?QZ",
        "quill.fen_77",
        "Dax Fenwright",
        car_network["report"].reference,
        "Link to another record",
        "Police-only intelligence</th>",
    ):
        assert hidden not in html, hidden
    assert POSSIBLE_LINK in html
    viewed = set(AccessEvent.objects.filter(user=manager.user).values_list("child_id", flat=True))
    assert car_network["wrenna"].pk in viewed and car_network["corin"].pk not in viewed


def test_a_report_shared_with_partners_is_still_not_named_to_them(car_network, client_for, officer):
    """The sanitised version is what partners may read; that the report names the car is not."""
    report = car_network["report"]
    police_services.report_handle(
        report=report,
        by=officer,
        expected_version=report.version,
        police_reference="MP-26-0412",
        source_grade="2",
        intelligence_grade="B",
        handling="P",
        outcome="intelligence_log",
        sanitised="A vehicle has been seen near a school at home time.",
        share=True,
    )
    html = (
        client_for(RoleCode.SHIELD_TEAM_MANAGER)
        .get(_url("vehicle", car_network["car"]))
        .content.decode()
    )
    assert report.reference not in html and "near a school" not in html


def test_a_manager_sees_their_own_report_naming_the_entity(car_network, client_for):
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    own = services.report_submit(
        by=manager.user,
        observed_from=SEEN,
        what_happened="The grey car again, parked by the Kestrel Road shops.",
        provenance="saw",
        vehicles=[{"registration": "xr15kqz"}],
    )
    html = manager.get(_url("vehicle", car_network["car"])).content.decode()
    assert own.reference in html and "Kestrel Road shops" in html
    assert car_network["report"].reference not in html and POSSIBLE_LINK in html


def test_the_shield_worker_of_a_linked_child_sees_it_as_managers_do(car_network, client_for):
    worker = shield_worker()
    make_case(car_network["wrenna"], worker=worker)
    allocated = client_for(user=worker)
    html = allocated.get(_url("vehicle", car_network["car"])).content.decode()
    assert "Wrenna Ashcombe" in html and "Corin Maddox" not in html and POSSIBLE_LINK in html
    # The park is linked to the car, not to the worker's child.
    assert allocated.get(_url("place", car_network["park"])).status_code == 404
    other = client_for(user=shield_worker())
    assert other.get(_url("vehicle", car_network["car"])).status_code == 404


def test_an_entity_resting_only_on_police_only_intelligence_is_404_to_managers(
    car_network, client_for
):
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    handle = linking.handle_record(platform="snapchat", handle="quill.fen_77")
    assert manager.get(_url("handle", handle)).status_code == 404
    assert AccessEvent.objects.filter(
        user=manager.user, action="deny", object_type="intelligence.onlinehandle"
    ).exists()
    police = client_for(RoleCode.MACSE_CHAIR)
    assert police.get(_url("handle", handle)).status_code == 200


@pytest.mark.parametrize(
    "role",
    [RoleCode.REFERRER, RoleCode.MASH_TEAM_MANAGER, RoleCode.HEALTH_REPRESENTATIVE],
)
def test_other_roles_get_404_audited(car_network, client_for, role):
    client = client_for(role)
    assert client.get(_url("vehicle", car_network["car"])).status_code == 404
    assert AccessEvent.objects.filter(
        user=client.user, action="deny", object_type="intelligence.vehicle"
    ).exists()


def test_the_submitter_of_the_report_gets_404_too(car_network, client_for, teacher):
    assert client_for(user=teacher).get(_url("vehicle", car_network["car"])).status_code == 404


def test_unknown_kinds_and_ids_are_404(car_network, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    assert police.get(f"/intelligence/entities/boat/{car_network['car'].pk}/").status_code == 404
    assert police.get(_url("person", car_network["car"])).status_code in (200, 404)
    assert police.get("/intelligence/entities/vehicle/999999/").status_code == 404


def test_malformed_input_is_flagged_on_the_page(client_for, teacher):
    phone = linking.phone_record(number="0151 496")
    _link(ChildFactory(), phone, teacher)
    html = client_for(RoleCode.MACSE_CHAIR).get(_url("phone", phone)).content.decode()
    assert "Check" in html and phone.problem in html


def test_a_person_shows_their_other_names(client_for):
    person = linking.person_record(
        name="Dax Fenwright", aliases=["D-Man"], nicknames=["Daxy"], approximate_age="about 25"
    )
    html = client_for(RoleCode.MACSE_CHAIR).get(_url("person", person)).content.decode()
    assert "D-Man (alias)" in html and "Daxy (nickname)" in html and "about 25" in html


def _grow(car, teacher, officer, count, tag):
    """``count`` more children, linked records and reports about the car."""
    for n in range(count):
        _link(ChildFactory(), car, teacher, police_only=n % 2 == 0)
        other = linking.phone_record(number=f"07700 900{tag}{10 + n}")
        entity_links.entity_link(
            first=car, second=other, source=officer, by=officer, police_only=n % 3 == 0
        )
        services.report_submit(
            by=teacher,
            observed_from=SEEN,
            what_happened="The grey car again.",
            provenance="saw",
            vehicles=[{"registration": car.display}],
        )


@pytest.mark.parametrize(
    "role", [RoleCode.POLICE_INTELLIGENCE_OFFICER, RoleCode.SHIELD_TEAM_MANAGER]
)
def test_an_entity_page_runs_a_fixed_number_of_queries(teacher, officer, client_for, role):
    small = linking.vehicle_record(registration="XR15 KQZ")
    large = linking.vehicle_record(registration="XR16 KQZ")
    for car in (small, large):
        linking.vehicle_record(registration=f"{car.key[:5]} ??")  # a likely-same part plate
        _link(ChildFactory(), car, teacher)  # something shared, so managers may see it
    _grow(small, teacher, officer, 2, "1")
    _grow(large, teacher, officer, 30, "2")
    client = client_for(role)
    client.get(_url("vehicle", small))  # the content types and the session cached

    def queries(car):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url("vehicle", car)).status_code == 200
        return len(captured)

    assert queries(small) == queries(large) <= 18


# --- Links to entity pages from the other pages --------------------------------------------------


def test_alerts_connections_and_reports_link_to_entity_pages(car_network, client_for, teacher):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    car_url = _url("vehicle", car_network["car"])
    _, raised = _link(ChildFactory(), car_network["car"], teacher)
    (alert,) = [alert for alert in raised if alert.matched_id == car_network["shared_partial"].pk]
    detail = police.get(reverse("intelligence:alert-detail", kwargs={"pk": alert.pk}))
    html = detail.content.decode()
    assert car_url in html and _url("vehicle", car_network["shared_partial"]) in html
    connections = police.get(
        reverse("intelligence:child-connections", kwargs={"pk": car_network["wrenna"].pk})
    )
    assert car_url in connections.content.decode()
    report = police.get(car_network["report"].get_absolute_url()).content.decode()
    assert car_url in report
    own = client_for(user=teacher).get(car_network["report"].get_absolute_url()).content.decode()
    assert "XR15 KQZ" in own and car_url not in own


def test_the_landing_page_links_the_search_and_the_alerts(client_for):
    index = reverse("intelligence:index")
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER).get(index).content.decode()
    assert SEARCH in police and ALERTS in police
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER).get(index).content.decode()
    assert SEARCH not in manager and ALERTS in manager
    referrer = client_for(RoleCode.REFERRER).get(index).content.decode()
    assert SEARCH not in referrer and ALERTS not in referrer


# --- The list of alerts ---------------------------------------------------------------------------


def _alerts(teacher, *, police_only=False, count=2, handle="@quill.fen_77"):
    """``count`` children linked to one handle (the first by police-only intelligence if asked):
    an alert for each pair."""
    entity = linking.handle_record(platform="snapchat", handle=handle)
    children = [ChildFactory() for _ in range(count)]
    raised = []
    for n, child in enumerate(children):
        raised += _link(child, entity, teacher, police_only=police_only and n == 0)[1]
    return raised, children


def test_police_see_every_alert_newest_first(teacher, client_for):
    (shared,), shared_children = _alerts(teacher, handle="quill.fen_77")
    (hidden,), hidden_children = _alerts(teacher, police_only=True, handle="wren.song_09")
    html = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER).get(ALERTS).content.decode()
    for child in [*shared_children, *hidden_children]:
        assert str(child) in html
    assert html.index(f"LINK-{hidden.pk:06d}") < html.index(f"LINK-{shared.pk:06d}")
    assert "Police-only intelligence" in html and POSSIBLE_LINK not in html
    assert reverse("intelligence:alert-detail", kwargs={"pk": shared.pk}) in html


def test_managers_see_police_only_alerts_only_as_possible_link(teacher, client_for):
    (shared,), shared_children = _alerts(teacher, handle="quill.fen_77")
    (hidden,), hidden_children = _alerts(teacher, police_only=True, handle="wren.song_09")
    manager = client_for(RoleCode.SERVICE_MANAGER)
    html = manager.get(ALERTS).content.decode()
    assert all(str(child) in html for child in shared_children)
    assert not any(str(child) in html for child in hidden_children)
    assert "wren.song_09" not in html and POSSIBLE_LINK in html
    assert f"LINK-{hidden.pk:06d}" in html
    viewed = set(AccessEvent.objects.filter(user=manager.user).values_list("child_id", flat=True))
    assert {child.pk for child in shared_children} <= viewed
    assert not viewed & {child.pk for child in hidden_children}


def test_a_shield_worker_lists_only_the_alerts_about_a_child_they_hold(teacher, client_for):
    (mine,), (held, _) = _alerts(teacher, handle="quill.fen_77")
    (theirs,), _ = _alerts(teacher, handle="wren.song_09")
    worker = shield_worker()
    make_case(held, worker=worker)
    html = client_for(user=worker).get(ALERTS).content.decode()
    assert f"LINK-{mine.pk:06d}" in html and f"LINK-{theirs.pk:06d}" not in html
    assert client_for(user=shield_worker()).get(ALERTS).status_code == 200


@pytest.mark.parametrize("role", [RoleCode.REFERRER, RoleCode.MASH_TEAM_MANAGER])
def test_other_roles_may_not_open_the_alerts(client_for, role):
    assert client_for(role).get(ALERTS).status_code == 403


def test_the_alerts_are_paginated_in_a_fixed_number_of_queries(teacher, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    _alerts(teacher, count=2, handle="quill.fen_77")
    police.get(ALERTS)

    def queries(page=1):
        with CaptureQueriesContext(connection) as captured:
            html = police.get(ALERTS, {"page": page}).content.decode()
        return len(captured), html

    one, _ = queries()
    _alerts(teacher, count=9, handle="wren.song_09")  # 36 more alerts
    many, first = queries()
    assert one == many
    assert first.count("LINK-") == 25 and "37 in all" in first
    _, second = queries(page=2)
    assert second.count("LINK-") == 12
