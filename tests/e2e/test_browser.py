"""Browser tests: sign-in (with and without JavaScript), accessibility of every landing page,
the idle warning, a form kept across an expired session, and the 404 page."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from tests.e2e.conftest import (
    assert_accessible,
    enter_password,
    enter_security_code,
    make_user,
    sign_in,
)
from tests.factories.referrals import ChildFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collectstatic output; the live server serves static from the finders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SIGN_IN = "/account/sign-in/"


def test_sign_in_pages_are_accessible(page: Page, base_url):
    """The sign-in page, its error state and the security-code page pass axe."""
    account = make_user(RoleCode.REFERRER)
    page.goto(base_url + SIGN_IN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to CSE Framework")
    # The live server serves the built GOV.UK styles, so axe checks the page as users see it.
    expect(page.locator(".govuk-header")).to_have_css("background-color", "rgb(29, 112, 184)")
    assert_accessible(page)

    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)

    enter_password(page, account)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)

    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your security code")
    assert_accessible(page)


def test_sign_in_works_without_javascript(no_js_context, base_url):
    """With JavaScript off, a password and a backup code sign the user in to the home page."""
    page = no_js_context.new_page()
    account = make_user(RoleCode.REFERRER)
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(re.escape(SIGN_IN)))
    enter_password(page, account)
    enter_security_code(page, account)
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("CSE Framework")
    expect(page.get_by_role("link", name="Sign out").first).to_be_visible()


LANDING_PAGES = [
    ("/referrals/", RoleCode.REFERRER, "Referrals"),
    ("/strategy/", RoleCode.MASH_SOCIAL_WORKER, None),
    ("/shield/", RoleCode.SHIELD_WORKER, None),
    ("/macse/", RoleCode.MACSE_ADMINISTRATOR, None),
    ("/intelligence/", RoleCode.REFERRER, None),
    ("/intelligence/new/", RoleCode.REFERRER, "Pass on intelligence"),
    ("/intelligence/mine/", RoleCode.REFERRER, "Your intelligence"),
    ("/macse/cohort/", RoleCode.MACSE_ADMINISTRATOR, "Children on MACSE"),
    ("/dashboards/", RoleCode.SERVICE_MANAGER, None),
    ("/access-log/", RoleCode.SERVICE_MANAGER, None),
    ("/account/", RoleCode.MASH_SOCIAL_WORKER, "Your account"),
    ("/referrals/children/", RoleCode.MASH_SOCIAL_WORKER, "Child register"),
]


@pytest.mark.parametrize(
    ("path", "role", "heading"), LANDING_PAGES, ids=[path for path, _, _ in LANDING_PAGES]
)
def test_landing_page_is_accessible(page: Page, base_url, path, role, heading):
    """Each landing page, seen by a user whose role may see it, passes axe."""
    if path == "/referrals/children/":
        ChildFactory.create_batch(3)
    account = make_user(role)
    sign_in(page, base_url, account, next_path=path)
    expect(page).to_have_url(base_url + path)
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_be_visible()
    if heading:
        expect(h1).to_have_text(heading)
    if path == "/referrals/children/":
        expect(page.locator("tbody tr")).to_have_count(3)
    assert_accessible(page)


def test_idle_warning_appears_at_25_minutes_and_stay_signed_in_keeps_the_session(
    page: Page, base_url
):
    """The idle warning shows at 25 minutes, not before; "Stay signed in" renews the session."""
    account = make_user(RoleCode.REFERRER)
    sign_in(page, base_url, account)
    page.clock.install()
    page.goto(base_url + "/account/")
    warning = page.locator("#session-warning")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("24:00")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("01:01")
    expect(warning).to_be_visible()
    dialog = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    expect(dialog).to_be_focused()
    # axe-core waits on timers of its own: let the (fake) clock run in real time from here on.
    page.clock.resume()
    assert_accessible(page)

    with page.expect_response(re.compile(r"/account/keep-alive/$")) as keep_alive:
        page.get_by_role("button", name="Stay signed in").click()
    response = keep_alive.value
    # A session that had ended would answer with a redirect to the sign-in page instead.
    assert response.request.method == "POST"
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    expect(warning).to_be_hidden()

    page.reload()
    expect(page).to_have_url(base_url + "/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text(account.user.email)).to_be_visible()


def test_form_sent_after_the_session_ended_is_kept_and_sent_after_signing_in(page: Page, base_url):
    """A form posted after the session ended is kept, then sent once the user signs in again."""
    account = make_user(RoleCode.MASH_SOCIAL_WORKER)
    sign_in(page, base_url, account, next_path="/account/")
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    page.get_by_label("Job title").fill("Senior practitioner (kept)")

    Session.objects.all().delete()  # what the 30-minute idle expiry does
    page.get_by_role("button", name="Save your details").click()

    expect(page).to_have_url(re.compile(re.escape(SIGN_IN)))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "We have kept what you entered"
    )
    assert User.objects.get(pk=account.user.pk).job_title == ""

    enter_password(page, account)
    enter_security_code(page, account)
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the form you were working on")
    page.get_by_role("button", name="Send your form").click()

    expect(page).to_have_url(base_url + "/account/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your details have been saved"
    )
    expect(page.get_by_label("Job title")).to_have_value("Senior practitioner (kept)")
    assert User.objects.get(pk=account.user.pk).job_title == "Senior practitioner (kept)"


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_unknown_page_shows_the_accessible_404_page(page: Page, base_url, signed_in):
    """An unknown address shows the GOV.UK "Page not found" page, which passes axe."""
    if signed_in:
        sign_in(page, base_url, make_user(RoleCode.REFERRER))
    response = page.goto(base_url + "/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title("Page not found - CSE Framework")
    expect(page.get_by_text("If you typed the web address, check it is correct.")).to_be_visible()
    assert_accessible(page)
