"""Links between entities (issue 8, item 4): stored once per pair and source, the pair in order
(the lower content type and id first), never an entity to itself; a report links the entities it
names to one another, police-only as its mentions are; police-only users link two entities by
hand from an entity's page (chosen from those offered, or typed and found by normalised key),
everyone else 404, audited. All names, plates and handles are fictional (D15)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import entity_links, linking, services
from intelligence.models import EntityLink, Mention, Report
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


def _report(by, **named):
    return services.report_submit(
        by=by,
        observed_from=SEEN,
        what_happened="A grey car waits at the gates of Brambledown Academy at home time.",
        provenance="saw",
        **named,
    )


def _end(entity):
    return ContentType.objects.get_for_model(entity).pk, entity.pk


def test_a_link_is_stored_once_in_order_whichever_way_round_it_is_given(teacher):
    car = linking.vehicle_record(registration="XR15 KQZ")
    handle = linking.handle_record(platform="snapchat", handle="@quill.fen_77")
    report = Report.objects.create(
        submitted_by=teacher, observed_from=SEEN, what_happened="Seen.", provenance="saw"
    )
    link, created = entity_links.entity_link(
        first=handle, second=car, relation="uses", source=report, by=teacher
    )
    again, created_again = entity_links.entity_link(
        first=car, second=handle, relation="drives", source=report, by=teacher
    )
    assert created and not created_again and again.pk == link.pk
    assert EntityLink.objects.count() == 1
    low, high = sorted([_end(car), _end(handle)])
    assert (link.first_type_id, link.first_id) == low
    assert (link.second_type_id, link.second_id) == high
    assert link.relation == "uses" and not link.police_only and link.created_by == teacher


def test_two_people_link_in_order_of_their_ids(teacher):
    jay = linking.person_record(name="Jaxon Thorne")
    dale = linking.person_record(name="Dale Corrie")
    link, _ = entity_links.entity_link(first=dale, second=jay, source=teacher, by=teacher)
    assert (link.first_id, link.second_id) == (jay.pk, dale.pk)


def test_the_same_pair_from_another_source_is_another_link(teacher):
    car = linking.vehicle_record(registration="XR15 KQZ")
    place = linking.location_record(premises="Rowan Park", postcode="ZZ1 4QT")
    entity_links.entity_link(
        first=car, second=place, relation="seen_at", source=teacher, by=teacher
    )
    officer = UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])
    entity_links.entity_link(
        first=car, second=place, relation="seen_at", source=officer, by=officer, police_only=True
    )
    assert EntityLink.objects.count() == 2


def test_an_entity_is_never_linked_to_itself(teacher):
    car = linking.vehicle_record(registration="XR15 KQZ")
    same = linking.vehicle_record(registration="xr15kqz")  # the same car, typed differently
    with pytest.raises(ValidationError) as refused:
        entity_links.entity_link(first=car, second=same, source=teacher, by=teacher)
    assert entity_links.SELF_LINK in refused.value.messages
    assert not EntityLink.objects.exists()


def test_an_unknown_relation_is_refused(teacher):
    car = linking.vehicle_record(registration="XR15 KQZ")
    phone = linking.phone_record(number="07700 900123")
    with pytest.raises(ValidationError):
        entity_links.entity_link(
            first=car, second=phone, relation="owns", source=teacher, by=teacher
        )
    assert not EntityLink.objects.exists()


def test_a_report_links_the_entities_it_names_to_one_another_police_only(teacher):
    report = _report(
        teacher,
        people=[{"name": "Dax Fenwright", "aliases": ["D-Man"]}],
        vehicles=[{"registration": "XR15 KQZ"}],
        handles=[{"platform": "snapchat", "handle": "@Silver_Wheels_07"}],
        phones=["07700 900123", "07700900123"],  # one number, typed twice
    )
    links = EntityLink.objects.filter(
        source_type=ContentType.objects.get_for_model(Report), source_id=str(report.pk)
    )
    assert links.count() == 6  # four entities: every pair once
    assert set(links.values_list("relation", "police_only", "created_by")) == {
        ("associated", True, teacher.pk)
    }
    mentioned = set(Mention.objects.values_list("entity_type_id", "entity_id"))
    ends = {(link.first_type_id, link.first_id) for link in links} | {
        (link.second_type_id, link.second_id) for link in links
    }
    assert ends == mentioned
    for link in links:
        assert (link.first_type_id, link.first_id) < (link.second_type_id, link.second_id)


def test_a_report_naming_one_entity_links_nothing(teacher):
    _report(teacher, vehicles=[{"registration": "XR15 KQZ"}])
    assert not EntityLink.objects.exists()


def test_linking_a_reports_entities_again_adds_nothing(teacher):
    report = _report(
        teacher,
        vehicles=[{"registration": "XR15 KQZ"}],
        phones=["07700 900123"],
        handles=[{"platform": "snapchat", "handle": "quill.fen_77"}],
    )
    entities = [
        linking.vehicle_record(registration="XR15 KQZ"),
        linking.phone_record(number="07700 900123"),
        linking.handle_record(platform="snapchat", handle="quill.fen_77"),
    ]
    new = entity_links.entities_link_together(
        entities=entities, source=report, by=teacher, police_only=True
    )
    assert new == [] and EntityLink.objects.count() == 3


# --- Linking by hand ------------------------------------------------------------------------------


def _page(kind, entity):
    return reverse("intelligence:entity-link", kwargs={"kind": kind, "pk": entity.pk})


@pytest.fixture
def officer(client_for):
    return client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)


def test_police_link_a_car_to_a_handle_typed_differently(officer):
    car = linking.vehicle_record(registration="XR15 KQZ")
    handle = linking.handle_record(platform="snapchat", handle="quill.fen_77")
    response = officer.post(
        _page("vehicle", car),
        {
            "other": "typed",
            "kind": "handle",
            "platform": "snapchat",
            "text": "@Quill.Fen_77",
            "relation": "uses",
            "police_only": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "intelligence:entity-detail", kwargs={"kind": "vehicle", "pk": car.pk}
    )
    link = EntityLink.objects.get()
    assert {(link.first_id, link.first_type_id), (link.second_id, link.second_type_id)} == {
        (car.pk, _end(car)[0]),
        (handle.pk, _end(handle)[0]),
    }
    assert link.relation == "uses" and link.police_only
    # The officer's own judgement is the source of a link made by hand.
    assert (link.source_type.model, link.source_id) == ("user", str(officer.user.pk))
    assert AccessEvent.objects.filter(
        user=officer.user, action="create", object_type="intelligence.entitylink"
    ).exists()
    again = officer.post(
        _page("vehicle", car),
        {"other": "typed", "kind": "handle", "text": "snapchat.com/add/quill.fen_77"}
        | {"relation": "uses"},
    )
    assert again.status_code == 302 and EntityLink.objects.count() == 1


def test_a_link_not_ticked_police_only_is_shared(officer):
    car = linking.vehicle_record(registration="XR15 KQZ")
    linking.phone_record(number="07700 900123")
    officer.post(
        _page("vehicle", car),
        {"other": "typed", "kind": "phone", "text": "+44 7700 900123", "relation": "associated"},
    )
    assert EntityLink.objects.get().police_only is False


def test_the_form_offers_likely_same_and_recently_viewed_records(officer):
    car = linking.vehicle_record(registration="XR15 KQZ")
    partial = linking.vehicle_record(registration="XR15 K??")
    place = linking.location_record(premises="Rowan Park", postcode="ZZ1 4QT")
    officer.get(reverse("intelligence:entity-detail", kwargs={"kind": "place", "pk": place.pk}))
    html = officer.get(_page("vehicle", car)).content.decode()
    assert f'value="vehicle-{partial.pk}"' in html and "XR15 K??" in html
    assert f'value="place-{place.pk}"' in html and "Rowan Park" in html
    assert f'value="vehicle-{car.pk}"' not in html  # not the record itself
    response = officer.post(
        _page("vehicle", car), {"other": f"place-{place.pk}", "relation": "seen_at"}
    )
    assert response.status_code == 302
    assert EntityLink.objects.get().relation == "seen_at"


def test_what_is_typed_and_not_found_is_an_error_keeping_what_was_typed(officer):
    car = linking.vehicle_record(registration="XR15 KQZ")
    response = officer.post(
        _page("vehicle", car),
        {"other": "typed", "kind": "phone", "text": "07700 900999", "relation": "associated"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "No phone number is recorded as 07700 900999" in html
    assert 'value="07700 900999"' in html
    assert not EntityLink.objects.exists()


def test_typing_without_a_kind_or_text_is_an_error(officer):
    car = linking.vehicle_record(registration="XR15 KQZ")
    response = officer.post(_page("vehicle", car), {"other": "typed", "relation": "associated"})
    html = response.content.decode()
    assert "Select what kind of record you typed" in html
    assert "Enter the registration, phone number, username, name or postcode" in html
    assert (
        "Select the record to link to, or type it"
        in officer.post(_page("vehicle", car), {}).content.decode()
    )


def test_a_name_several_people_have_offers_them_to_choose_from(officer):
    car = linking.vehicle_record(registration="XR15 KQZ")
    first = linking.person_record(name="Jaxon Thorne")
    second = linking.person_record(name="Dale Corrie", aliases=["Jaxon Thorne"])
    response = officer.post(
        _page("vehicle", car),
        {"other": "typed", "kind": "person", "text": "JAXON THORNE", "relation": "drives"},
    )
    html = response.content.decode()
    assert "2 records match JAXON THORNE: select the one you mean above" in html
    assert f'value="person-{first.pk}"' in html and f'value="person-{second.pk}"' in html
    chosen = officer.post(
        _page("vehicle", car), {"other": f"person-{second.pk}", "relation": "drives"}
    )
    assert chosen.status_code == 302
    assert EntityLink.objects.get().relation == "drives"


def test_linking_a_record_to_itself_is_an_error_on_the_page(officer):
    car = linking.vehicle_record(registration="XR15 KQZ")
    response = officer.post(
        _page("vehicle", car),
        {"other": "typed", "kind": "vehicle", "text": "xr15-kqz", "relation": "associated"},
    )
    assert response.status_code == 200
    assert entity_links.SELF_LINK in response.content.decode()
    assert not EntityLink.objects.exists()


@pytest.mark.parametrize(
    "role",
    [RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER, RoleCode.REFERRER],
)
def test_only_police_only_users_link_by_hand(client_for, role):
    car = linking.vehicle_record(registration="XR15 KQZ")
    client = client_for(role)
    assert client.get(_page("vehicle", car)).status_code == 404
    posted = client.post(
        _page("vehicle", car),
        {"other": "typed", "kind": "phone", "text": "07700 900123", "relation": "associated"},
    )
    assert posted.status_code == 404
    assert not EntityLink.objects.exists()
    assert AccessEvent.objects.filter(
        user=client.user, action="deny", object_type="intelligence.vehicle"
    ).exists()


def test_the_chair_links_by_hand_too(client_for):
    chair = client_for(RoleCode.MACSE_CHAIR)
    car = linking.vehicle_record(registration="XR15 KQZ")
    assert chair.get(_page("vehicle", car)).status_code == 200
    assert chair.get(_page("boat", car)).status_code == 404
