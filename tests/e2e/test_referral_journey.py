"""Browser tests of the CSE1: a designated teacher refers a child (with and without JavaScript),
MASH triages it from the queue, and every page passes axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from cse_framework.accounts.roles import RoleCode
from referrals.models import Referral
from tests.e2e.conftest import assert_accessible, make_user, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _refer(page: Page, base_url: str, *, check_accessibility: bool) -> None:
    page.goto(base_url + "/referrals/")
    page.get_by_role("link", name="Refer a child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the child and your concern")
    page.get_by_role("button", name="Save and continue").click()  # empty: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    if check_accessibility:
        assert_accessible(page)
    page.get_by_label("Child's first name").fill("Maisie")
    page.get_by_label("Child's last name").fill("Quillfeather")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2012")
    page.get_by_label("High").check()
    page.get_by_label("Relationship or 'boyfriend'").check()
    page.get_by_label("A person with parental responsibility").check()
    page.locator("#id_parents_aware_0").check()
    page.locator("#id_young_person_aware_1").check()
    page.get_by_label("What has happened, and what have you seen?").fill(
        "Seen getting into a car with unknown adults after school."
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Indicators of child sexual exploitation"
    )
    if check_accessibility:
        assert_accessible(page)
    page.locator("#id_cars_unknown_adults_0").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your referral, then send it")
    if check_accessibility:
        assert_accessible(page)
    page.get_by_role("button", name="Send the referral to MASH").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    if check_accessibility:
        assert_accessible(page)


def test_teacher_refers_a_child_and_mash_sees_it(page: Page, base_url, browser):
    """The CSE1 journey and MASH's triage pass axe on every page."""
    teacher = make_user(RoleCode.REFERRER)
    sign_in(page, base_url, teacher)
    _refer(page, base_url, check_accessibility=True)
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.RECEIVED
    expect(page.get_by_text(referral.reference)).to_be_visible()

    mash_page = browser.new_context().new_page()
    sign_in(mash_page, base_url, make_user(RoleCode.MASH_SOCIAL_WORKER))
    mash_page.goto(base_url + "/referrals/queue/")
    assert_accessible(mash_page)
    mash_page.get_by_role("link", name=referral.reference).click()
    mash_page.get_by_role("link", name="Triage this referral").click()
    expect(mash_page.get_by_role("heading", level=1)).to_have_text("Triage the referral")
    assert_accessible(mash_page)
    mash_page.get_by_label("Medium").check()
    mash_page.get_by_label("Refer to Shield").check()
    mash_page.get_by_label("Why this decision?").fill("Several indicators; refer to Shield.")
    mash_page.get_by_role("button", name="Record the decision").click()
    expect(mash_page.get_by_text("Decision: Refer to Shield.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    mash_page.context.close()


def test_teacher_refers_a_child_without_javascript(no_js_context, base_url):
    """The same journey works with JavaScript turned off."""
    page = no_js_context.new_page()
    sign_in(page, base_url, make_user(RoleCode.REFERRER))
    _refer(page, base_url, check_accessibility=False)
    assert Referral.objects.get().status == Referral.Status.RECEIVED
    expect(page).to_have_url(re.compile(r"/referrals/[0-9a-f-]+/$"))
