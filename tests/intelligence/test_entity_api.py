"""The entity and alert API (issue 8, item 9; D12): police-only users find entities by what they
type (normalised, looked up by key) and read an entity in full; Shield team managers, service
managers and the Shield worker of a linked child read it without what rests on police-only
intelligence (``possible_link`` says so); everyone else 404, audited. Alerts are listed and read
as the alert page shows them. Fixed numbers of queries. All names, plates and handles are
fictional (D15)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import entity_links, linking, services
from intelligence.alerts import POSSIBLE_LINK
from intelligence.models import Report
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_case, shield_worker

pytestmark = pytest.mark.django_db

ENTITIES = "/api/v1/intelligence-entities/"
ALERTS = "/api/v1/intelligence-alerts/"
SEEN = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


@pytest.fixture
def officer_user():
    return UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])


def _link(child, entity, by, police_only=False):
    source = Report.objects.create(
        submitted_by=by, observed_from=SEEN, what_happened="Seen.", provenance="saw"
    )
    return linking.child_link(
        child=child, entity=entity, source=source, by=by, police_only=police_only
    )


@pytest.fixture
def car(teacher, officer_user):
    """A grey car: Wrenna linked by a shared record, Corin by police-only intelligence; seen at
    Rowan Park (shared); a handle named with it in a school's report (police-only); a part plate
    that may be it, linked to Idris by a shared record."""
    services.report_submit(
        by=teacher,
        observed_from=SEEN,
        what_happened="A grey car at the gates; the driver calls girls over.",
        provenance="saw",
        vehicles=[{"registration": "XR15 KQZ", "colour": "Grey"}],
        handles=[{"platform": "snapchat", "handle": "@quill.fen_77"}],
    )
    vehicle = linking.vehicle_record(registration="XR15 KQZ")
    _link(ChildFactory(given_names="Wrenna", family_name="Ashcombe"), vehicle, teacher)
    _link(ChildFactory(given_names="Corin", family_name="Maddox"), vehicle, teacher, True)
    park = linking.location_record(premises="Rowan Park", postcode="ZZ1 4QT")
    entity_links.entity_link(
        first=vehicle, second=park, relation="seen_at", source=officer_user, by=officer_user
    )
    _link(
        ChildFactory(given_names="Idris", family_name="Penhale"),
        linking.vehicle_record(registration="XR15 K??"),
        teacher,
    )
    return vehicle


def _detail(entity, kind="vehicle") -> str:
    return f"{ENTITIES}{kind}-{entity.pk}/"


def test_police_find_an_entity_by_what_they_type(car, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    body = police.get(ENTITIES, {"q": "xr15-kqz"}).json()
    assert [row["ref"] for row in body["results"]] == [f"vehicle-{car.pk}"]
    row = body["results"][0]
    assert (row["kind"], row["display"], row["valid"]) == ("vehicle", "XR15 KQZ", True)
    handles = police.get(ENTITIES, {"q": "@Quill.Fen_77", "kind": "handle"}).json()["results"]
    assert [row["kind"] for row in handles] == ["handle"]
    assert police.get(ENTITIES, {"q": "xr15kqz", "kind": "phone"}).json()["results"] == []
    assert police.get(ENTITIES).json()["results"] == []  # no q: nothing
    assert police.get(ENTITIES, {"q": "x", "kind": "boat"}).status_code == 400


@pytest.mark.parametrize("role", [RoleCode.SHIELD_TEAM_MANAGER, RoleCode.REFERRER])
def test_finding_entities_is_for_police_only_users(car, client_for, role):
    response = client_for(role).get(ENTITIES, {"q": "xr15kqz"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_police_read_an_entity_in_full(car, client_for):
    police = client_for(RoleCode.MACSE_CHAIR)
    body = police.get(_detail(car)).json()
    assert (body["ref"], body["view"], body["possible_link"]) == (
        f"vehicle-{car.pk}",
        "full",
        None,
    )
    assert body["details"]["registration"] == "XR15 KQZ" and body["details"]["colour"] == "Grey"
    assert {child["name"] for child in body["children"]} == {"Wrenna Ashcombe", "Corin Maddox"}
    assert {row["display"] for row in body["linked_entities"]} == {
        "Rowan Park, ZZ1 4QT",
        "Snapchat: quill.fen_77",
    }
    park = next(row for row in body["linked_entities"] if row["kind"] == "place")
    assert park["relations"] == ["Seen at"] and park["police_only"] is False
    assert [row["display"] for row in body["likely_same"]] == ["XR15 K??"]
    viewed = set(AccessEvent.objects.filter(user=police.user).values_list("child_id", flat=True))
    assert {child["id"] for child in body["children"]} <= {str(pk) for pk in viewed}


@pytest.mark.parametrize("role", [RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER])
def test_managers_read_it_without_what_is_police_only(car, client_for, role):
    body = client_for(role).get(_detail(car)).json()
    assert body["view"] == "partner" and body["possible_link"] == POSSIBLE_LINK
    assert [child["name"] for child in body["children"]] == ["Wrenna Ashcombe"]
    assert [row["display"] for row in body["linked_entities"]] == ["Rowan Park, ZZ1 4QT"]
    assert "quill.fen_77" not in str(body) and "Corin" not in str(body)


def test_the_shield_worker_of_a_linked_child_reads_it_and_another_gets_404(car, client_for):
    worker = shield_worker()
    child = ChildFactory(given_names="Bryony", family_name="Keld")
    _link(child, car, UserFactory(roles=[RoleCode.REFERRER]))
    make_case(child, worker=worker)
    assert client_for(user=worker).get(_detail(car)).json()["view"] == "partner"
    assert client_for(user=shield_worker()).get(_detail(car)).status_code == 404


def test_a_police_only_entity_is_404_to_partners_audited(car, client_for):
    handle = linking.handle_record(platform="snapchat", handle="quill.fen_77")
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    assert manager.get(_detail(handle, "handle")).status_code == 404
    assert AccessEvent.objects.filter(
        user=manager.user, action="deny", object_type="intelligence.onlinehandle"
    ).exists()
    assert client_for(RoleCode.MACSE_CHAIR).get(_detail(handle, "handle")).status_code == 200


@pytest.mark.parametrize("role", [RoleCode.REFERRER, RoleCode.HEALTH_REPRESENTATIVE])
def test_other_roles_get_404(car, client_for, role):
    assert client_for(role).get(_detail(car)).status_code == 404


def test_unknown_references_are_404(car, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    assert police.get(f"{ENTITIES}vehicle-999999/").status_code == 404
    assert police.get(f"{ENTITIES}boat-{car.pk}/").status_code == 404


def test_anonymous_callers_get_401(car, client):
    assert client.get(_detail(car)).status_code == 401
    assert client.get(ALERTS).status_code == 401


def test_an_entity_is_read_in_a_fixed_number_of_queries(teacher, officer_user, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    small = linking.vehicle_record(registration="XR15 KQZ")
    large = linking.vehicle_record(registration="XR16 KQZ")
    for vehicle, count in ((small, 1), (large, 20)):
        for n in range(count):
            _link(ChildFactory(), vehicle, teacher, police_only=n % 2 == 1)
            other = linking.phone_record(number=f"07700 900{vehicle.key[3]}{10 + n}")
            entity_links.entity_link(
                first=vehicle, second=other, source=officer_user, by=officer_user
            )
    police.get(_detail(small))

    def queries(vehicle):
        with CaptureQueriesContext(connection) as captured:
            assert police.get(_detail(vehicle)).status_code == 200
        return len(captured)

    assert queries(small) == queries(large)


# --- Alerts ---------------------------------------------------------------------------------------


def _alert(teacher, *, police_only, handle):
    entity = linking.handle_record(platform="snapchat", handle=handle)
    first, second = ChildFactory(), ChildFactory()
    _link(first, entity, teacher, police_only=police_only)
    return _link(second, entity, teacher)[1][0], first, second


def test_police_read_every_alert_in_full(teacher, client_for):
    hidden, first, _ = _alert(teacher, police_only=True, handle="wren.song_09")
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    body = police.get(f"{ALERTS}{hidden.pk}/").json()
    assert body["view"] == "full" and body["police_only"] is True and body["likely"] is False
    assert body["reference"] == f"LINK-{hidden.pk:06d}"
    assert str(first.pk) in {child["id"] for child in body["children"]}
    assert body["entity"]["display"] == "Snapchat: wren.song_09"
    assert body["entity"]["ref"] == f"handle-{hidden.entity_id}"
    assert [row["id"] for row in police.get(ALERTS).json()["results"]] == [hidden.pk]


def test_managers_read_police_only_alerts_only_as_possible_link(teacher, client_for):
    shared, *shared_children = _alert(teacher, police_only=False, handle="quill.fen_77")
    hidden, *hidden_children = _alert(teacher, police_only=True, handle="wren.song_09")
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    rows = {row["id"]: row for row in manager.get(ALERTS).json()["results"]}
    assert list(rows) == [hidden.pk, shared.pk]  # newest first
    masked = rows[hidden.pk]
    assert masked["view"] == "possible" and masked["subject"] == POSSIBLE_LINK
    assert masked["children"] == [] and masked["entity"] is None and masked["raised_at"] is None
    assert rows[shared.pk]["view"] == "sanitised" and rows[shared.pk]["police_only"] is None
    assert len(rows[shared.pk]["children"]) == 2
    one = manager.get(f"{ALERTS}{hidden.pk}/").json()
    assert one["subject"] == POSSIBLE_LINK and "wren.song_09" not in str(one)
    viewed = set(AccessEvent.objects.filter(user=manager.user).values_list("child_id", flat=True))
    assert not viewed & {child.pk for child in hidden_children}
    assert {child.pk for child in shared_children} <= viewed


def test_other_roles_list_no_alert_and_read_none(teacher, client_for):
    alert, *_ = _alert(teacher, police_only=False, handle="quill.fen_77")
    referrer = client_for(RoleCode.REFERRER)
    assert referrer.get(ALERTS).json()["results"] == []
    assert referrer.get(f"{ALERTS}{alert.pk}/").status_code == 404
    assert AccessEvent.objects.filter(
        user=referrer.user, action="deny", object_type="intelligence.linkalert"
    ).exists()


def test_the_alert_list_runs_a_fixed_number_of_queries(teacher, client_for):
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    _alert(teacher, police_only=False, handle="quill.fen_77")
    police.get(ALERTS)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            body = police.get(ALERTS).json()
        return len(captured), body

    one, _ = queries()
    for n in range(6):
        _alert(teacher, police_only=n % 2 == 0, handle=f"fen.{n}")
    many, body = queries()
    assert one == many and len(body["results"]) == 7
