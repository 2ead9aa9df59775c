"""Issue 10's break-glass and access-log review in a browser, with axe on every page:

- A health representative, called out about a child outside their access, asks for break-glass
  access from the home page with a reason, and reads the child's record under its warning.
- A service manager (told at once) opens the report of break-glass uses, reviews this one, then
  reads who has seen the child's record and the health representative's access pattern.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from cse_framework.accounts.models import Team
from cse_framework.accounts.roles import RoleCode
from governance.breakglass.models import Grant
from tests.e2e.conftest import assert_accessible, make_user, sign_in
from tests.factories.accounts import TeamFactory
from tests.factories.referrals import ChildFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("memory_broker"),
]

REASON = "Police called at 22:40: she is missing and they need her known associates."


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_break_glass_then_its_review_and_the_access_log(page: Page, browser, base_url):
    TeamFactory(kind=Team.Kind.MASH, name="MASH")
    child = ChildFactory(given_names="Marnie", family_name="Oakenfold")
    health = make_user(RoleCode.HEALTH_REPRESENTATIVE)
    manager = make_user(RoleCode.SERVICE_MANAGER)

    sign_in(page, base_url, health)
    page.get_by_role("link", name="break-glass access to a child's record").click()
    expect(_heading(page)).to_have_text("Break-glass access to a child's record")
    assert_accessible(page)
    page.get_by_label("Child record number").fill(str(child.pk))
    page.get_by_label("Why do you need this record now?").fill("Urgent")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 20 characters")
    expect(page.get_by_label("Child record number")).to_have_value(str(child.pk))
    assert_accessible(page)
    page.get_by_label("Why do you need this record now?").fill(REASON)
    page.get_by_role("button", name="Open the record").click()
    expect(_heading(page)).to_have_text(re.compile("Marnie"))
    expect(page.get_by_text("through break-glass access until")).to_be_visible()
    assert_accessible(page)
    grant = Grant.objects.get()

    manager_page = browser.new_context(base_url=base_url).new_page()
    sign_in(manager_page, base_url, manager, next_path="/notices/")
    expect(manager_page.get_by_text(f"Break-glass {grant.pk}").first).to_be_visible()
    manager_page.goto(f"{base_url}/break-glass/report/")
    expect(_heading(manager_page)).to_have_text("Break-glass uses")
    expect(manager_page.get_by_text(REASON)).to_be_visible()
    assert_accessible(manager_page)
    manager_page.get_by_role("link", name=f"Review break-glass {grant.pk}").click()
    assert_accessible(manager_page)
    manager_page.get_by_label("Appropriate use").check()
    manager_page.get_by_role("button", name="Record the review").click()
    expect(manager_page.get_by_text("Review recorded")).to_be_visible()
    grant.refresh_from_db()
    assert grant.outcome == Grant.Outcome.APPROPRIATE and grant.reviewed_by == manager.user

    manager_page.goto(f"{base_url}/access-log/children/{child.pk}/")
    expect(_heading(manager_page)).to_have_text("Who has seen this record")
    assert_accessible(manager_page)
    manager_page.get_by_role("link", name=health.user.full_name).click()
    expect(manager_page.get_by_text("Access pattern")).to_be_visible()
    expect(manager_page.get_by_role("link", name=str(child.pk))).to_be_visible()
    assert_accessible(manager_page)
