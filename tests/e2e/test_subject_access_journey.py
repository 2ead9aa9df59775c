"""Issue 10, item 4 in a browser, with axe on every page of it: the information-governance
officer starts a subject-access request from a child's record number, makes the pack, records a
redaction, makes the disclosure version and records the pack as sent. Every person is invented."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cse_framework.accounts.roles import RoleCode
from governance.subject_access.models import SubjectAccessRequest
from referrals.models import ParentCarer
from tests.e2e.conftest import assert_accessible, make_user, sign_in
from tests.factories.accounts import TeamFactory
from tests.factories.referrals import ChildFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_the_ig_officer_answers_a_subject_access_request(page: Page, base_url):
    child = ChildFactory(given_names="Wren", family_name="Testchild-Calloway")
    ParentCarer.objects.create(child=child, name="Ivo Marchbank", relationship="Stepfather")
    officer = make_user(RoleCode.INFORMATION_GOVERNANCE, team=TeamFactory())
    sign_in(page, base_url, officer, "/subject-access/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Subject-access requests")
    assert_accessible(page)
    page.get_by_role("link", name="Start a request from a record number").click()
    assert_accessible(page)
    page.get_by_label("The child's record number").fill(str(child.pk))
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Record a subject-access request")
    expect(page.get_by_text("Wren Testchild-Calloway")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record the request").click()  # nothing filled in
    expect(page.get_by_text("Say who asked").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The young person").check()
    page.get_by_label("Their name").fill("Wren Testchild-Calloway")
    today = timezone.localdate()
    page.locator("#id_received_on_0").fill(str(today.day))
    page.locator("#id_received_on_1").fill(str(today.month))
    page.locator("#id_received_on_2").fill(str(today.year))
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Record the request").click()

    sar = SubjectAccessRequest.objects.get(child=child)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request {sar.reference}")
    assert_accessible(page)
    page.get_by_role("button", name="Make the pack").click()
    expect(page.get_by_text("Pack 1 made")).to_be_visible()
    expect(page.get_by_text("A parent's or carer's own personal data")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Record a redaction.*parent-carer-")).click()
    assert_accessible(page)
    page.get_by_label("Third-party information").check()
    page.get_by_role("button", name="Record the redaction").click()
    expect(page.get_by_text(re.compile(r"Redaction of parent-carer-\d+ recorded"))).to_be_visible()
    page.get_by_role("button", name="Make the disclosure version (redactions applied)").click()
    expect(page.get_by_text("Disclosure version made as pack 2")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record the pack as sent").click()
    assert_accessible(page)
    page.get_by_label("Who the pack was sent to").fill("Wren Testchild-Calloway")
    page.get_by_label("How it was sent").fill("By hand at the council offices")
    page.get_by_role("button", name="Complete the request").click()
    expect(page.get_by_text(f"Request {sar.reference} completed")).to_be_visible()
    sar.refresh_from_db()
    assert sar.status == "completed" and sar.deadline.met_at is not None
