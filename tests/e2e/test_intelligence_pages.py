"""axe over the intelligence pages that police and Shield managers use: the queue of new
reports, handling a report (with its errors), a PAIR call, a "children linked" alert and a
child's connections (the network drawing and its table); and the same alert seen by a Shield
team manager when it rests on police-only intelligence ("Possible link - contact police").
Every person, plate and handle is invented."""

import re

import pytest
from playwright.sync_api import Page, expect

from cse_framework.accounts.roles import RoleCode
from intelligence import alerts, linking
from tests.e2e.conftest import assert_accessible, make_user, sign_in
from tests.factories.accounts import UserFactory
from tests.factories.intelligence import make_report
from tests.factories.referrals import ChildFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _linked(*, police_only: bool):
    teacher = UserFactory(roles=[RoleCode.REFERRER])
    car = linking.vehicle_record(registration="XR15 KQZ", colour="Grey")
    first = ChildFactory(given_names="Wrenna", family_name="Ashcombe")
    second = ChildFactory(given_names="Lowen", family_name="Penhallow")
    alerts.child_link_and_alert(
        child=first, entity=car, source=make_report(teacher), by=teacher, police_only=police_only
    )
    _, raised = alerts.child_link_and_alert(
        child=second, entity=car, source=make_report(teacher), by=teacher
    )
    return raised[0], first


def test_police_pages_pass_axe(page: Page, base_url):
    alert, child = _linked(police_only=True)
    officer = make_user(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    sign_in(page, base_url, officer, next_path="/intelligence/police/queue/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"INT-\d+")).first.click()
    expect(page).to_have_url(re.compile(r"/intelligence/\d+/handle/$"))
    assert_accessible(page)
    report_url = page.url.removesuffix("handle/")
    page.get_by_role("button", name=re.compile("Save")).click()  # nothing chosen: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(report_url)
    expect(page.get_by_role("link", name="Grade and handle this report")).to_be_visible()
    assert_accessible(page)
    page.goto(base_url + "/intelligence/police/pair/new/")
    assert_accessible(page)
    page.goto(base_url + f"/intelligence/alerts/{alert.pk}/")
    expect(page.get_by_text("Ashcombe").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Everything connected to Wrenna")).click()
    expect(page.locator("svg[role=img]")).to_be_visible()
    assert_accessible(page)


def test_a_shield_manager_sees_only_a_possible_link_and_the_page_passes_axe(page: Page, base_url):
    alert, _ = _linked(police_only=True)
    manager = make_user(RoleCode.SHIELD_TEAM_MANAGER)
    sign_in(page, base_url, manager, next_path=f"/intelligence/alerts/{alert.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible link - contact police")
    expect(page.get_by_text("Ashcombe")).to_have_count(0)
    assert_accessible(page)
