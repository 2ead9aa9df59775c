"""Hotspots (issue 8, item 7; D12): locations and online handles ranked by the reports naming them
whose "seen or heard" date is in a period and the children linked to them in the period, counted
in the database in a fixed number of queries; police-only intelligence counted only for
police-only users; the page's period form (London dates, errors that keep what was typed) and
who may open it. All places, handles and children are fictional (D15)."""

import datetime as dt
import re
from html import escape

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from intelligence import entity_kinds, hotspot_forms, hotspots, linking, services
from intelligence.hotspots import Period
from intelligence.models import Location, Mention, OnlineHandle, Report
from tests.factories.accounts import UserFactory
from tests.factories.macse import make_macse_meeting
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db

SEPTEMBER = Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
IN_SEPTEMBER = dt.datetime(2026, 9, 14, 16, 0, tzinfo=dt.UTC)
IN_AUGUST = dt.datetime(2026, 8, 20, 16, 0, tzinfo=dt.UTC)
TODAY = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
PARK = {"premises": "Wrenfield Rec", "postcode": "ZZ9 4QT", "kind": "park"}
TAKEAWAY = {"premises": "Golden Quay Takeaway", "postcode": "ZZ9 7LB", "kind": "takeaway"}
HANDLE = {"platform": "snapchat", "handle": "@quill.fen_77"}


def _verified(*roles):
    user = UserFactory(roles=list(roles))
    user.is_verified = lambda: True
    return user


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


@pytest.fixture
def officer():
    return _verified(RoleCode.POLICE_INTELLIGENCE_OFFICER)


@pytest.fixture
def manager():
    return _verified(RoleCode.SHIELD_TEAM_MANAGER)


def _report(by, *, seen=IN_SEPTEMBER, locations=(), handles=()) -> Report:
    return services.report_submit(
        by=by,
        observed_from=seen,
        what_happened="Young people are given alcohol and lifts from here.",
        provenance="saw",
        locations=list(locations),
        handles=list(handles),
    )


def _link(child, entity, by, *, at=IN_SEPTEMBER, police_only=False):
    with time_machine.travel(at, tick=False):
        linking.child_link(
            child=child, entity=entity, source=_report(by, seen=at), by=by, police_only=police_only
        )


def _place(fields) -> Location:
    return linking.location_record(**fields)


def _counts(page) -> dict:
    return {row.entity.display: (row.reports, row.children) for row in page.object_list}


def test_reports_in_the_period_by_seen_date_and_children_linked_in_it_are_counted(teacher, officer):
    park = _place(PARK)
    _report(teacher, locations=[PARK])
    _report(teacher, locations=[PARK, PARK])  # named twice in one report: one report
    _report(teacher, seen=IN_AUGUST, locations=[PARK])  # seen before the period
    wrenna, corin = ChildFactory(), ChildFactory()
    _link(wrenna, park, teacher)
    _link(wrenna, park, teacher)  # the same child by another record: one child
    _link(corin, park, teacher, police_only=True)
    _link(ChildFactory(), park, teacher, at=IN_AUGUST)  # linked before the period

    page = hotspots.hotspots(Location, user=officer, period=SEPTEMBER)

    # The links' own reports name no place, so only the three reports above count.
    assert _counts(page) == {park.display: (2, 2)}


def test_the_period_is_of_london_dates(teacher, officer):
    """23:30 UTC on 30 September is 00:30 on 1 October in London (BST): not in September."""
    _report(teacher, seen=dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.UTC), locations=[PARK])
    _report(teacher, seen=dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.UTC), locations=[TAKEAWAY])
    page = hotspots.hotspots(Location, user=officer, period=SEPTEMBER)
    assert _counts(page) == {_place(TAKEAWAY).display: (1, 0)}


def test_ranked_by_reports_then_children(teacher, officer):
    park, takeaway = _place(PARK), _place(TAKEAWAY)
    common = _place({"premises": "Larch Lane Shop", "postcode": "ZZ9 2BW"})
    for _ in range(2):
        _report(teacher, locations=[TAKEAWAY])
    _report(teacher, locations=[PARK])
    _report(teacher, locations=[{"premises": "Larch Lane Shop", "postcode": "ZZ9 2BW"}])
    _link(ChildFactory(), common, teacher)
    _link(ChildFactory(), common, teacher)
    _link(ChildFactory(), park, teacher)
    page = hotspots.hotspots(Location, user=officer, period=SEPTEMBER)
    assert [row.entity for row in page.object_list] == [takeaway, common, park]


def test_handles_are_ranked_the_same_way(teacher, officer):
    handle = linking.handle_record(**HANDLE)
    _report(teacher, handles=[HANDLE, {"platform": "instagram", "handle": "larch_cat"}])
    _report(teacher, handles=[{"platform": "snap", "handle": "Quill.Fen_77"}])  # the same handle
    _link(ChildFactory(), handle, teacher)
    page = hotspots.hotspots(OnlineHandle, user=officer, period=SEPTEMBER)
    assert [(row.entity, row.reports, row.children) for row in page.object_list][0] == (
        handle,
        2,
        1,
    )
    assert len(page.object_list) == 2
    # Locations and handles are counted apart.
    assert not hotspots.hotspots(Location, user=officer, period=SEPTEMBER).object_list


def test_others_count_only_what_is_not_police_only(teacher, officer, manager):
    """D12: a report's mentions are police-only, so are police-only links; a place known only
    from them is not listed at all for a Shield team manager."""
    park, takeaway = _place(PARK), _place(TAKEAWAY)
    report = _report(teacher, locations=[PARK, TAKEAWAY])
    # A mention from a report that rests on nothing police-only (as a shared source might).
    Mention.objects.filter(
        entity_type=ContentType.objects.get_for_model(Location), entity_id=takeaway.pk
    ).update(police_only=False)
    _link(ChildFactory(), park, teacher, police_only=True)
    _link(ChildFactory(), takeaway, teacher, police_only=True)
    _link(ChildFactory(), takeaway, teacher)

    assert _counts(hotspots.hotspots(Location, user=officer, period=SEPTEMBER)) == {
        park.display: (1, 1),
        takeaway.display: (1, 2),
    }
    assert _counts(hotspots.hotspots(Location, user=manager, period=SEPTEMBER)) == {
        takeaway.display: (1, 1)
    }
    assert report.pk  # the report itself is untouched


def _queries(model, user) -> int:
    with CaptureQueriesContext(connection) as captured:
        hotspots.hotspots(model, user=user, period=SEPTEMBER)
    return len(captured)


def test_a_fixed_number_of_queries_whatever_the_number_of_places(teacher, officer, manager):
    _report(teacher, locations=[PARK], handles=[HANDLE])
    _link(ChildFactory(), _place(PARK), teacher)
    for user in (officer, manager):  # the content types and the users' roles read once
        hotspots.hotspots(Location, user=user, period=SEPTEMBER)
    few = {user: _queries(Location, user) for user in (officer, manager)}
    for n in range(30):
        place = {"premises": f"Unit {n} Quarry Row", "postcode": "ZZ9 5HD"}
        _report(teacher, locations=[place], handles=[{"platform": "tiktok", "handle": f"fen{n}"}])
        _link(ChildFactory(), _place(place), teacher)
    assert {user: _queries(Location, user) for user in (officer, manager)} == few
    assert few[officer] == 3
    assert _queries(OnlineHandle, officer) == 3


def test_pages_of_25(teacher, officer):
    for n in range(30):
        _report(teacher, locations=[{"premises": f"Unit {n} Quarry Row", "postcode": "ZZ9 5HD"}])
    first = hotspots.hotspots(Location, user=officer, period=SEPTEMBER)
    second = hotspots.hotspots(Location, user=officer, period=SEPTEMBER, page=2)
    assert len(first.object_list) == 25 and len(second.object_list) == 5
    assert first.paginator.count == 30


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (dt.date(2026, 11, 20), dt.date(2026, 8, 20)),
        (dt.date(2026, 5, 31), dt.date(2026, 2, 28)),  # clamped to the month's end
        (dt.date(2027, 1, 15), dt.date(2026, 10, 15)),  # across the year
    ],
)
def test_the_default_period_is_the_last_3_calendar_months(today, start):
    assert hotspots.default_period(today) == Period(start, today)


def _form(today=dt.date(2026, 11, 20), **typed):
    data = {}
    for name, value in typed.items():
        for index, part in enumerate(value.split("/")):
            data[f"{name}_{index}"] = part
    return hotspot_forms.PeriodForm(data, today=today)


def test_the_form_refuses_a_to_before_from_and_a_future_from():
    backwards = _form(start="1/10/2026", end="30/9/2026")
    assert not backwards.is_valid()
    assert backwards.errors["end"] == [hotspot_forms.END_BEFORE_START]
    future = _form(start="21/11/2026", end="30/11/2026")
    assert not future.is_valid()
    assert future.errors["start"] == [hotspot_forms.FUTURE_START]
    same_day = _form(start="20/11/2026", end="20/11/2026")
    assert same_day.is_valid(), same_day.errors


def test_blank_dates_take_today_and_3_months_before_to():
    only_to = _form(end="30/9/2026")
    assert only_to.is_valid()
    assert only_to.period() == Period(dt.date(2026, 6, 30), dt.date(2026, 9, 30))
    only_from = _form(start="1/9/2026")
    assert only_from.is_valid()
    assert only_from.period() == Period(dt.date(2026, 9, 1), dt.date(2026, 11, 20))


URL = reverse("intelligence:hotspots")


@time_machine.travel(TODAY, tick=False)
def test_the_page_shows_both_tables_for_the_last_3_months(teacher, client_for):
    _report(teacher, seen=dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC), locations=[PARK])
    _report(teacher, seen=dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC), handles=[HANDLE])
    _report(teacher, seen=dt.datetime(2026, 8, 1, 9, tzinfo=dt.UTC), locations=[TAKEAWAY])
    response = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "From 20 August 2026 to 20 November 2026" in page
    assert "Wrenfield Rec" in page and "quill.fen_77" in page and "Snapchat" in page
    assert "Golden Quay" not in page
    assert "seen or heard" in page  # the page says which date counts
    assert "including those from police-only intelligence" in page
    park = _place(PARK)
    assert entity_kinds.url_of(park) in page  # each row opens its entity's page


@time_machine.travel(TODAY, tick=False)
def test_rows_open_the_entity_page_only_for_those_it_opens_for(teacher, client_for):
    """The entity page opens for police-only users and the managers; the MACSE administrator
    and the health representative see the names only."""
    park = _place(PARK)
    _link(ChildFactory(), park, teacher, at=dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC))
    for role, opens in (
        (RoleCode.SHIELD_TEAM_MANAGER, True),
        (RoleCode.MACSE_ADMINISTRATOR, False),
        (RoleCode.HEALTH_REPRESENTATIVE, False),
    ):
        client = client_for(role)
        page = client.get(URL).content.decode()
        assert "Wrenfield Rec" in page
        assert (entity_kinds.url_of(park) in page) is opens
        assert (client.get(entity_kinds.url_of(park)).status_code == 200) is opens


@time_machine.travel(TODAY, tick=False)
def test_others_are_told_police_only_intelligence_is_left_out(teacher, client_for):
    _report(teacher, seen=dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC), locations=[PARK])
    page = client_for(RoleCode.SERVICE_MANAGER).get(URL).content.decode()
    assert "leave out everything that comes from police-only intelligence" in page
    assert "Wrenfield Rec" not in page


@time_machine.travel(TODAY, tick=False)
def test_a_chosen_period_and_its_errors_keep_what_was_typed(teacher, client_for):
    _report(teacher, seen=dt.datetime(2026, 8, 1, 9, tzinfo=dt.UTC), locations=[TAKEAWAY])
    chair = client_for(RoleCode.MACSE_CHAIR)
    chosen = {"start_0": "1", "start_1": "8", "start_2": "2026"}
    chosen.update({"end_0": "31", "end_1": "8", "end_2": "2026"})
    page = chair.get(URL, chosen).content.decode()
    assert "From 1 August 2026 to 31 August 2026" in page and "Golden Quay" in page

    wrong = {**chosen, "end_0": "31", "end_1": "7"}
    response = chair.get(URL, wrong)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and escape(hotspot_forms.END_BEFORE_START) in page
    assert 'value="7"' in page and "<caption" not in page  # kept; no tables for a wrong period
    future = chair.get(URL, {"start_0": "21", "start_1": "11", "start_2": "2026"})
    assert escape(hotspot_forms.FUTURE_START) in future.content.decode()
    assert chair.get(URL, {**chosen, "start_1": "13"}).context["form"].errors["start"]


def _page_queries(client, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, query).status_code == 200
    return len(captured)


@time_machine.travel(TODAY, tick=False)
def test_the_page_runs_a_fixed_number_of_queries_and_pages_each_table(teacher, client_for):
    seen = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
    _report(teacher, seen=seen, locations=[PARK], handles=[HANDLE])
    officer = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    _page_queries(officer)
    few = _page_queries(officer)
    for n in range(30):
        place = {"premises": f"Unit {n} Quarry Row", "postcode": "ZZ9 5HD"}
        _report(
            teacher,
            seen=seen,
            locations=[place],
            handles=[{"platform": "tiktok", "handle": f"fen{n}"}],
        )
    assert _page_queries(officer) == few
    page = officer.get(
        URL, {"locations_page": "2", "start_0": "1", "start_1": "9", "start_2": "2026"}
    ).content
    page = page.decode()
    # Both tables paged apart; each page link keeps the period and the other table's page.
    assert "Page 2 of 2" in page and "Page 1 of 2" in page
    links = re.findall(r'href="(\?[^"#]+)#(locations|handles)"', page)
    assert any("handles_page=2" in href and "locations_page=2" in href for href, _ in links)
    assert all("start_0=1" in href for href, _ in links)


@pytest.mark.parametrize(
    ("role", "linked"),
    [
        (RoleCode.SHIELD_TEAM_MANAGER, True),
        (RoleCode.MACSE_ADMINISTRATOR, True),
        (RoleCode.POLICE_INTELLIGENCE_OFFICER, True),
        (RoleCode.REFERRER, False),
        (RoleCode.SHIELD_WORKER, False),
    ],
)
def test_the_intelligence_page_links_to_hotspots_for_those_who_may_open_it(
    role, linked, client_for
):
    client = client_for(role)
    page = client.get(reverse("intelligence:index")).content.decode()
    assert (URL in page) is linked
    assert client.get(URL).status_code == (200 if linked else 403)


def test_the_macse_meeting_page_links_to_hotspots_by_its_agenda(client_for):
    meeting = make_macse_meeting()
    url = reverse("macse:meeting-detail", kwargs={"pk": meeting.pk})
    page = client_for(RoleCode.HEALTH_REPRESENTATIVE).get(url).content.decode()
    assert URL in page and "Locations and online platforms" in page
