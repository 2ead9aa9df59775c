"""Issue 10 item 1 in a browser, with axe on every page of it: a partner professional asks for an
account from an address outside their agency's secure e-mail domains, so the request is flagged;
the agency's approver signs in, opens the queue, sees the flag, confirms the address and approves;
the new user's e-mail (its outbox row) holds a one-time link, which sets a password and leads, at
the first sign-in, to setting up the authenticator app. Every person is invented."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from cse_framework.accounts.models import AccessRequest, Agency, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import OutboxMessage
from tests.e2e.conftest import assert_accessible, make_user, sign_in
from tests.factories.accounts import AgencyFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("memory_broker"),
]

EMAIL = "ada.quillfeather@fenmoor-clinic.example.org"
NEW_PASSWORD = "Lantern-Quarry-Bramble-42"


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def _ask_for_an_account(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/account/sign-in/")
    assert_accessible(page)
    page.get_by_role("link", name="request an account").click()
    expect(_heading(page)).to_have_text("Request an account")
    assert_accessible(page)
    page.get_by_role("button", name="Send request").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Ada Quillfeather")
    page.get_by_label("Work email address").fill(EMAIL)
    page.get_by_label("Job title").fill("School nurse")
    page.get_by_label("Work phone number").fill("01632 960001")
    page.get_by_label("Agency you work for").select_option(label="Fenmoor health trust")
    page.get_by_label("Why do you need access?").fill("To refer children I am worried about.")
    page.get_by_role("button", name="Send request").click()
    expect(_heading(page)).to_have_text("Request sent")
    assert_accessible(page)


def _approve(page: Page, base_url: str, approver) -> AccessRequest:
    sign_in(page, base_url, approver)
    page.get_by_role("link", name="Access requests").first.click()
    expect(_heading(page)).to_have_text("Access requests")
    request = AccessRequest.objects.get()
    row = page.get_by_role("row", name=re.compile(request.reference))
    expect(row).to_contain_text("Flagged")
    assert_accessible(page)
    row.get_by_role("link", name=request.reference).click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("Flagged")
    assert_accessible(page)
    page.get_by_role("button", name="Approve and create the account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("confirm you have checked")
    assert_accessible(page)
    page.get_by_label("I have checked this email address belongs to our staff").check()
    page.get_by_role("button", name="Approve and create the account").click()
    expect(page.get_by_text(f"Request {request.reference} approved")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()  # the approver leaves; the new user uses the same browser
    return request


def _set_password_and_enrol(page: Page, base_url: str) -> None:
    user = User.objects.get(email=EMAIL)
    message = OutboxMessage.objects.get(recipient=user)
    assert message.link.startswith("/account/set-password/")
    page.goto(base_url + message.link)
    expect(_heading(page)).to_have_text("Set your password")
    assert page.url.endswith("/set-password/")  # the token left the address at once
    assert message.link.rstrip("/").rsplit("/", 1)[1] not in page.url
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(_heading(page)).to_contain_text("Sign in")
    expect(page.get_by_text("Your password has been set")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(_heading(page)).to_have_text("Set up your authenticator app")
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Security code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(_heading(page)).to_contain_text("backup codes")
    # The link worked once.
    page.goto(base_url + message.link)
    expect(_heading(page)).to_have_text("The link does not work")


def test_an_agency_approver_approves_a_flagged_request(page: Page, base_url: str):
    agency = AgencyFactory(
        name="Fenmoor health trust", kind=Agency.Kind.HEALTH, secure_email_domains="nhs.net"
    )
    approver = make_user(RoleCode.AGENCY_APPROVER, agency=agency)
    _ask_for_an_account(page, base_url)
    request = _approve(page, base_url, approver)
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.APPROVED and request.flagged
    _set_password_and_enrol(page, base_url)
