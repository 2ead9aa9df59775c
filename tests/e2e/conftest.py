"""Browser-test fixtures: one headless Debian Chromium per run, a fresh context per test, the live
server (static files served by pytest-django's StaticFilesHandler), axe and a real-UI sign-in.
"""

import os
import re
from collections.abc import Iterator

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop only drives the browser).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from cse_framework.accounts.services import backup_codes_regenerate  # noqa: E402
from tests.factories.accounts import PASSWORD, UserFactory  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

_axe = Axe()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for the whole run (never a downloaded browser)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_context(browser: Browser, **options) -> BrowserContext:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (no cookies, no storage) for each test."""
    context = _new_context(browser)
    yield context
    context.close()


@pytest.fixture
def no_js_context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context with JavaScript turned off."""
    context = _new_context(browser, java_script_enabled=False)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def base_url(live_server) -> str:
    """The live server's address; it serves /static/ from the finders (static/build included)."""
    return live_server.url


# --- The database between browser tests ----------------------------------------------------------
# Browser tests are transactional: the live server's thread must see what the test wrote, so
# Django empties every table after each test. Two things need care around that:
#
# * the roles are rows loaded by a data migration (accounts 0002_roles), so emptying the tables
#   drops them; each test makes sure they exist, and they are put back after the tables are
#   emptied, so later tests find the database as the migrations left it;
# * on PostgreSQL the access log refuses TRUNCATE (audit 0002_append_only), which is how Django
#   empties the tables; that one statement trigger is switched off for the emptying only. The
#   row triggers refusing UPDATE and DELETE stay on throughout.

TRUNCATE_TRIGGER = "audit_accessevent_no_truncate"


def _load_roles() -> None:
    """What migration accounts 0002_roles does: one row per role."""
    from cse_framework.accounts.models import Role
    from cse_framework.accounts.roles import RoleCode

    Role.objects.bulk_create([Role(code=code.value) for code in RoleCode], ignore_conflicts=True)


def _truncate_trigger(enabled: bool) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [TRUNCATE_TRIGGER]
        )
        if cursor.fetchone():
            action = "ENABLE" if enabled else "DISABLE"
            cursor.execute(f"ALTER TABLE audit_accessevent {action} TRIGGER {TRUNCATE_TRIGGER}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Around the teardown of a browser test (which empties the tables): see above."""
    blocker = item._request.getfixturevalue("django_db_blocker") if _uses_db(item) else None
    if blocker is None:
        return (yield)
    with blocker.unblock():
        _truncate_trigger(enabled=False)
    try:
        return (yield)
    finally:
        with blocker.unblock():
            _truncate_trigger(enabled=True)
            _load_roles()


def _uses_db(item) -> bool:
    return item.get_closest_marker("django_db") is not None and hasattr(item, "_request")


@pytest.fixture(autouse=True)
def _roles(transactional_db) -> None:
    """The roles exist even if an earlier transactional test emptied the tables."""
    _load_roles()


def assert_accessible(page: Page, context=None) -> None:
    """Run axe-core on the page (or a part of it); fail listing every violation, any impact."""
    results = _axe.run(page, context=context) if context else _axe.run(page)
    if results.violations_count:
        lines = [f"{results.violations_count} accessibility violation(s) on {page.url}:"]
        for violation in results.response["violations"]:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                f"[{violation['helpUrl']}]"
            )
            for node in violation["nodes"]:
                lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
        pytest.fail("\n".join(lines), pytrace=False)


class SignedInUser:
    """A user with backup codes; each sign-in through the UI uses the next unused code."""

    def __init__(self, user, codes: list[str]):
        self.user = user
        self.codes = list(codes)

    def next_code(self) -> str:
        return self.codes.pop(0)


def make_user(*roles, **fields) -> SignedInUser:
    user = UserFactory(roles=list(roles), **fields)
    return SignedInUser(user, backup_codes_regenerate(user=user))


def enter_password(page: Page, account: SignedInUser) -> None:
    """Step 1 of signing in: email address and password, on whatever sign-in page is open."""
    page.get_by_label("Email address").fill(account.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/account/sign-in/security-code/"))


def enter_security_code(page: Page, account: SignedInUser) -> None:
    """Step 2 of signing in: a backup code."""
    page.get_by_label("Security code").fill(account.next_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/account/sign-in/" not in page.url, f"sign-in did not complete: {page.url}"


def sign_in(page: Page, base_url: str, account: SignedInUser, next_path: str = "") -> None:
    """Sign in through the real pages: email and password, then a backup code."""
    url = f"{base_url}/account/sign-in/"
    if next_path:
        url += f"?next={next_path}"
    page.goto(url)
    enter_password(page, account)
    enter_security_code(page, account)


@pytest.fixture
def signed_in_page(page: Page, base_url: str):
    """sign in a new user with the given roles in this test's page: signed_in_page(*roles)."""

    def make(*roles, next_path: str = "") -> SignedInUser:
        account = make_user(*roles)
        sign_in(page, base_url, account, next_path)
        return account

    return make
