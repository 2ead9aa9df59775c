"""Links from case records (issue 8, items 4 and 5): the people, places, vehicles, phones and
online handles a CSE1, a strategy discussion or meeting, a CSE2 or a MACSE agenda item names,
recorded and linked to the record's child; who may (whoever may change the record under its own
app's policy, everyone else 404, audited); malformed input kept and flagged; idempotent; one
"children linked" alert per new connection; the links into it from the record pages and to a
child's connections from the child's pages. All names, plates and numbers are fictional."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import NoticeRecipient
from intelligence import linking, source_links
from intelligence.models import ChildLink, LinkAlert, Mention, Person, Report, Vehicle
from macse import policy as macse_policy
from referrals import policy as referrals_policy
from shield import policy as shield_policy
from strategy import policy as strategy_policy
from tests.factories.accounts import UserFactory
from tests.factories.macse import make_agenda
from tests.factories.referrals import make_decided, make_discussion, make_meeting
from tests.factories.shield import make_assessment, make_case

pytestmark = pytest.mark.django_db

ROLES = list(RoleCode)
SEEN = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
TEAM_MANAGERS = {RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER}


def _cse1(**fields):
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    mash = UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])
    return make_decided(referrer, mash, **fields)


def _cse2():
    case = make_case()
    return make_assessment(case.child, case.worker)


def _item():
    return make_agenda().items.get(child__isnull=False)


# slug -> (how the record is made, the roles that may record links from it)
KINDS = {
    "cse1": (_cse1, referrals_policy.TRIAGE_ROLES),
    # Who records strategy records, and the team managers who may amend a held one.
    "strategy-discussion": (
        make_discussion,
        strategy_policy.RECORD_ROLES | (referrals_policy.REGISTER_ROLES & TEAM_MANAGERS),
    ),
    # Not held yet: only those who record it.
    "strategy-meeting": (make_meeting, strategy_policy.RECORD_ROLES),
    # Those who see every child's Shield records and complete CSE2s (the child's own worker:
    # test_the_childs_shield_worker_may_record_from_a_cse2).
    "cse2": (_cse2, shield_policy.COHORT_ROLES & shield_policy.ASSESS_ROLES),
    "macse-item": (_item, macse_policy.DECIDE_ROLES),
}
ALLOWED_ROLE = {
    "cse1": RoleCode.MASH_SOCIAL_WORKER,
    "strategy-discussion": RoleCode.EDT_SOCIAL_WORKER,
    "strategy-meeting": RoleCode.MASH_TEAM_MANAGER,
    "cse2": RoleCode.SHIELD_TEAM_MANAGER,
    "macse-item": RoleCode.MACSE_ADMINISTRATOR,
}


def _url(record) -> str:
    return source_links.links_url(record)


def _rows(**values) -> dict:
    """A POST of the links form: every field blank unless given."""
    from intelligence.source_forms import SourceLinksForm

    blank = {name: "" for name in SourceLinksForm().fields}
    blank["location_kind"] = "other"
    return {**blank, **values}


EVERYTHING = _rows(
    person_1_name="Dax Morrow",
    person_1_aliases="Daxy, DM",
    person_1_age="about 30",
    vehicle_1_registration="xr15kqz",
    vehicle_1_colour="Grey",
    phone_1="07700 900123",
    handle_1_platform="Snap",
    handle_1_handle="@Quill.Fen_77",
    location_premises="Ashdale Road park",
    location_kind="park",
    location_postcode="l369xx",
)


def _links(record):
    return ChildLink.objects.filter(
        source_type=ContentType.objects.get_for_model(record), source_id=str(record.pk)
    )


def _mentions(record):
    return Mention.objects.filter(
        source_type=ContentType.objects.get_for_model(record), source_id=str(record.pk)
    )


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_each_kind_records_what_it_names_and_links_it_to_the_records_child(slug, client_for):
    make, _ = KINDS[slug]
    record = make()
    client = client_for(ALLOWED_ROLE[slug])
    page = client.get(_url(record))
    assert page.status_code == 200
    assert "Nothing yet." in page.text and str(record.child) in page.text

    response = client.post(_url(record), EVERYTHING)

    assert response.status_code == 302 and response["Location"] == _url(record)
    links = _links(record)
    assert links.count() == 5
    assert {link.child_id for link in links} == {record.child_id}
    assert not links.filter(police_only=True).exists()  # a case record, not police-only
    assert _mentions(record).count() == 5
    assert not _mentions(record).filter(police_only=True).exists()
    person = Person.objects.get()
    assert sorted(person.aliases.values_list("name", flat=True)) == ["DM", "Daxy"]
    page = client.get(_url(record))
    for shown in ("Dax Morrow", "XR15 KQZ", "07700 900123", "quill.fen_77", "L36 9XX"):
        assert shown in page.text
    assert "Nothing yet." not in page.text
    # The GET, the POST and the GET after it: each a view of the child, in the access log.
    views = AccessEvent.objects.filter(user=client.user, action="view", child_id=record.child_id)
    assert views.count() == 3


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_who_may_record_links_from_each_kind_of_record(slug, client, client_for):
    make, allowed = KINDS[slug]
    record = make()
    url = _url(record)
    answers = {role: client_for(role).get(url).status_code for role in ROLES}
    expected = {role: 200 if role in allowed else 404 for role in ROLES}
    assert answers == expected
    posted = {role: client_for(role).post(url, EVERYTHING).status_code for role in ROLES}
    assert posted == {role: 302 if role in allowed else 404 for role in ROLES}
    assert client.get(url).status_code == 302  # anonymous: to sign in
    assert _links(record).count() == 5  # recorded by the first allowed; the others add nothing


def test_a_refused_user_gets_404_and_the_denial_is_in_the_access_log(client_for):
    discussion = make_discussion()
    url = _url(discussion)
    # A service manager sees the discussion (strategy.policy) but may not change it.
    manager = client_for(RoleCode.SERVICE_MANAGER)
    assert manager.get(strategy_url(discussion)).status_code == 200
    assert manager.get(url).status_code == 404
    assert manager.post(url, EVERYTHING).status_code == 404
    # A referrer does not see it at all.
    referrer = client_for(RoleCode.REFERRER)
    assert referrer.get(url).status_code == 404
    for user in (manager.user, referrer.user):
        denials = AccessEvent.objects.filter(user=user, action="deny")
        assert denials.filter(object_id=str(discussion.pk), child_id=discussion.child_id).exists()
    assert not _links(discussion).exists()


def strategy_url(discussion) -> str:
    return reverse("strategy:discussion-detail", kwargs={"pk": discussion.pk})


def test_an_unknown_kind_or_a_malformed_key_is_404(client_for):
    client = client_for(RoleCode.MASH_TEAM_MANAGER)
    discussion = make_discussion()
    for source, pk in (("report", discussion.pk), ("cse1", "not-a-uuid"), ("cse2", "x1")):
        url = reverse("intelligence:source-links", kwargs={"source": source, "pk": pk})
        assert client.get(url).status_code == 404


def test_the_childs_shield_worker_may_record_from_a_cse2_another_worker_may_not(client_for):
    case = make_case()
    assessment = make_assessment(case.child, case.worker)
    worker = client_for(user=case.worker)
    assert worker.post(_url(assessment), EVERYTHING).status_code == 302
    other = client_for(RoleCode.SHIELD_WORKER)
    assert other.get(_url(assessment)).status_code == 404
    assert _links(assessment).count() == 5


def test_a_cse1_without_a_confirmed_child_has_no_links_page(client_for):
    from tests.factories.referrals import make_received

    referral = make_received(UserFactory(roles=[RoleCode.REFERRER]))
    url = reverse("intelligence:source-links", kwargs={"source": "cse1", "pk": referral.pk})
    assert client_for(RoleCode.MASH_SOCIAL_WORKER).get(url).status_code == 404


def test_a_police_only_macse_item_is_for_police_only_users_and_its_links_are_police_only(
    client_for,
):
    item = _item()
    type(item).objects.filter(pk=item.pk).update(police_only=True)
    item.refresh_from_db()
    assert client_for(RoleCode.MACSE_ADMINISTRATOR).get(_url(item)).status_code == 404
    chair = client_for(RoleCode.MACSE_CHAIR)
    assert chair.post(_url(item), EVERYTHING).status_code == 302
    assert _links(item).count() == 5 and not _links(item).filter(police_only=False).exists()
    assert not _mentions(item).filter(police_only=False).exists()


def test_a_standing_macse_item_has_no_child_so_no_links_page(client_for):
    from macse import services

    meeting = make_agenda()
    item = services.item_add(
        meeting=meeting, by=meeting.administrator, section="locations", title="Ashdale Road park"
    )
    assert client_for(RoleCode.MACSE_ADMINISTRATOR).get(_url(item)).status_code == 404


# --- Bad input and idempotency ----------------------------------------------------------------


def test_nothing_entered_is_an_error_on_the_form_and_records_nothing(client_for):
    discussion = make_discussion()
    response = client_for(RoleCode.MASH_SOCIAL_WORKER).post(_url(discussion), _rows())
    assert response.status_code == 200
    assert source_links.NOTHING in response.text and "Error:" in response.text
    assert not _links(discussion).exists()


def test_a_malformed_plate_phone_and_postcode_are_kept_as_typed_and_flagged(client_for):
    discussion = make_discussion()
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    response = client.post(
        _url(discussion),
        _rows(
            vehicle_1_registration="QQQQQQQQQ1",
            phone_1="0770",
            location_premises="Flat above the takeaway",
            location_postcode="XYZ",
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert "Check what was typed: QQQQQQQQQ1" in response.text
    linked = dict((type(entity).__name__, entity) for _, entity in source_links.linked(discussion))
    assert set(linked) == {"Vehicle", "Phone", "Location"}
    assert all(not entity.valid and entity.problem for entity in linked.values())
    assert linked["Phone"].display == "0770" and linked["Location"].display.endswith("XYZ")
    assert response.text.count("govuk-tag--yellow") == 3


def test_the_same_things_named_twice_from_one_record_are_one_link(client_for):
    discussion = make_discussion()
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    twice = _rows(
        person_1_name="Dax Morrow",
        person_2_name="dax  morrow",
        vehicle_1_registration="XR15 KQZ",
        vehicle_2_registration="xr15kqz",
        vehicle_3_registration="AB12 C??",
        phone_1="07700 900123",
        phone_2="+44 7700 900123",
    )
    client.post(_url(discussion), twice)
    client.post(
        _url(discussion), _rows(vehicle_1_registration="ab12c??", person_1_name="DAX MORROW")
    )
    assert _links(discussion).count() == 4  # a person, a full plate, a part plate, a phone
    assert _mentions(discussion).count() == 4
    assert Person.objects.count() == 1
    assert Vehicle.objects.filter(partial=True).count() == 1
    assert Vehicle.objects.count() == 2


def test_a_car_named_at_a_strategy_discussion_links_the_child_to_a_schools_report_once(
    client_for,
):
    teacher = UserFactory(roles=[RoleCode.REFERRER])
    officer = UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])
    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    report = Report.objects.create(
        submitted_by=teacher,
        observed_from=SEEN,
        what_happened="A grey hatchback waits at the school gates at home time.",
        provenance=Report.Provenance.SAW,
    )
    car = linking.vehicle_record(registration="XR15 KQZ")
    first = make_discussion()
    linking.child_link(child=first.child, entity=car, source=report, by=teacher)
    second = make_discussion()
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)

    client.post(_url(second), _rows(vehicle_1_registration="xr15 kqz"))
    client.post(_url(second), _rows(vehicle_1_registration="XR15KQZ"))

    alert = LinkAlert.objects.get()
    assert {alert.first_child_id, alert.second_child_id} == {first.child_id, second.child_id}
    for user in (officer, manager):
        assert NoticeRecipient.objects.filter(user=user).count() == 1


def test_a_cse1s_free_text_is_shown_beside_the_form_and_its_vehicles_are_already_linked(
    client_for,
):
    referral = _cse1(
        known_people="An older man called Dax who drives the children about",
        known_places="The park on Ashdale Road, and a flat above the takeaway",
        known_vehicles="A grey hatchback, reg XR15 KQZ",
    )
    page = client_for(RoleCode.MASH_SOCIAL_WORKER).get(_url(referral))
    assert page.status_code == 200
    for text in (
        "What the CSE1 referral says",
        "An older man called Dax",
        "The park on Ashdale Road",
        "A grey hatchback, reg XR15 KQZ",
    ):
        assert text in page.text
    # Linked when MASH confirmed the child (intelligence.referral_links): shown as linked.
    assert [entity.display for _, entity in source_links.linked(referral)] == ["XR15 KQZ"]
    assert "Nothing yet." not in page.text


def test_only_a_cse1_shows_its_free_text(client_for):
    page = client_for(RoleCode.MASH_SOCIAL_WORKER).get(_url(make_discussion()))
    assert "What the" not in page.text


# --- Links from the record pages and the child's pages ----------------------------------------

LINK = source_links.LINK_TEXT


def test_the_referral_page_links_to_it_with_the_count_for_mash_only(client_for):
    referral = _cse1(known_vehicles="reg XR15 KQZ and AB12 C??")
    detail = reverse("referrals:referral-detail", kwargs={"pk": referral.pk})
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER).get(detail)
    assert f'href="{_url(referral)}"' in mash.text and f"{LINK} (2)" in mash.text
    for role in (RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER):
        assert LINK not in client_for(role).get(detail).text  # they see it, but may not change it
    referrer = client_for(user=referral.referrer).get(detail)
    assert referrer.status_code == 200 and LINK not in referrer.text


def test_the_strategy_pages_link_to_it_for_those_who_may_record(client_for):
    meeting = make_meeting()
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    mash.post(_url(meeting.discussion), _rows(phone_1="07700 900123"))
    for record, count in ((meeting.discussion, 1), (meeting, 0)):
        page = mash.get(record.get_absolute_url())
        assert f'href="{_url(record)}"' in page.text and f"{LINK} ({count})" in page.text
        other = client_for(RoleCode.SERVICE_MANAGER).get(record.get_absolute_url())
        assert other.status_code == 200 and LINK not in other.text


def test_the_cse2_page_links_to_it_with_the_count_for_those_who_assess(client_for):
    case = make_case()
    assessment = make_assessment(case.child, case.worker)
    worker = client_for(user=case.worker)
    worker.post(_url(assessment), _rows(phone_1="07700 900123", handle_1_handle="quill.fen_77"))
    page = worker.get(assessment.get_absolute_url())
    assert f'href="{_url(assessment)}"' in page.text and f"{LINK} (2)" in page.text
    manager = client_for(RoleCode.SERVICE_MANAGER).get(assessment.get_absolute_url())
    assert manager.status_code == 200 and LINK not in manager.text


def test_the_macse_item_page_links_to_it_for_the_administrator_and_the_chair(client_for):
    item = _item()
    for role in (RoleCode.MACSE_ADMINISTRATOR, RoleCode.MACSE_CHAIR):
        page = client_for(role).get(item.get_absolute_url())
        assert f'href="{_url(item)}"' in page.text and f"{LINK} (0)" in page.text
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE).get(item.get_absolute_url())
    assert health.status_code == 200 and LINK not in health.text


CONNECTIONS = source_links.CONNECTIONS_TEXT


def test_the_childs_pages_link_to_its_connections_for_those_who_may_see_them(client_for):
    case = make_case()
    child = case.child
    assessment = make_assessment(child, case.worker)
    connections = reverse("intelligence:child-connections", kwargs={"pk": child.pk})
    pages = [
        reverse("referrals:child-detail", kwargs={"pk": child.pk}),
        reverse("shield:case-detail", kwargs={"pk": case.pk}),
        assessment.get_absolute_url(),
    ]
    for role in (RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER):
        viewer = client_for(role)
        for url in pages:
            page = viewer.get(url)
            assert page.status_code == 200
            assert f'href="{connections}"' in page.text and CONNECTIONS in page.text, (role, url)
    worker = client_for(user=case.worker)  # the child's Shield worker: their Shield pages
    for url in pages[1:]:
        assert f'href="{connections}"' in worker.get(url).text
    # MASH see the child's record, and a MASH team manager its Shield records, not its links.
    assert CONNECTIONS not in client_for(RoleCode.MASH_SOCIAL_WORKER).get(pages[0]).text
    mash_manager = client_for(RoleCode.MASH_TEAM_MANAGER)
    for url in pages:
        page = mash_manager.get(url)
        assert page.status_code == 200 and CONNECTIONS not in page.text
