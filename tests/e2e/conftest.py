"""Browser-test fixtures: one headless Debian Chromium per run, a fresh context per test, the live
server (static files served by pytest-django's StaticFilesHandler), axe and a real-UI sign-in.

Roles: the transactional flush after each browser test empties the rows the roles migration
loaded; tests.factories.accounts.UserFactory puts back the ones a user is given.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

# Playwright's sync API runs an asyncio event loop in this thread (from launch until stop); Django's
# ORM refuses to run inside one unless told it is safe (it is: the loop only drives the browser).
# The setting goes again once the browser tests are over (see _restore_async_safety), so that
# other tests, and the processes they start (manage.py check --deploy), do not inherit it.
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_ASYNC_UNSAFE_BEFORE = os.environ.get(_ASYNC_UNSAFE)
os.environ[_ASYNC_UNSAFE] = "true"

import pytest  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Page,
    Playwright,
    sync_playwright,
)

from cse_framework.accounts.services import backup_codes_regenerate  # noqa: E402
from tests.factories.accounts import PASSWORD, UserFactory  # noqa: E402

E2E_DIR = Path(__file__).resolve().parent
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


def _restore_async_safety() -> None:
    if _ASYNC_UNSAFE_BEFORE is None:
        os.environ.pop(_ASYNC_UNSAFE, None)
    else:
        os.environ[_ASYNC_UNSAFE] = _ASYNC_UNSAFE_BEFORE


class _Chromium:
    """The one browser of the run; stopped after the last browser test, not at the end of the
    session, so Playwright's event loop is not left running under the tests that follow."""

    def __init__(self) -> None:
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None

    def start(self) -> Browser:
        if self.browser is None:
            os.environ[_ASYNC_UNSAFE] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self.browser

    def stop(self) -> None:
        try:
            if self.browser is not None:
                self.browser.close()
            if self.playwright is not None:
                self.playwright.stop()
        finally:
            self.browser = self.playwright = None
            _restore_async_safety()


_chromium = _Chromium()
_last_browser_test: list = []


def _is_browser_test(item) -> bool:
    return Path(item.path).resolve().is_relative_to(E2E_DIR)


def pytest_collection_finish(session) -> None:
    """Note the last browser test to run; with none selected, undo the setting above at once."""
    browser_tests = [item for item in session.items if _is_browser_test(item)]
    _last_browser_test[:] = browser_tests[-1:]
    if not browser_tests:
        _restore_async_safety()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem) -> None:
    """After the last browser test's own fixtures are torn down, stop the browser."""
    if _last_browser_test and item is _last_browser_test[0]:
        _chromium.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for the whole run (never a downloaded browser)."""
    yield _chromium.start()
    _chromium.stop()


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
    page.get_by_label("Email address", exact=True).fill(account.user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(re.compile(r"/account/sign-in/security-code/"))


def enter_security_code(page: Page, account: SignedInUser) -> None:
    """Step 2 of signing in: a backup code."""
    page.get_by_label("Security code", exact=True).fill(account.next_code())
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda url: "/account/sign-in/" not in url)


def sign_in(page: Page, base_url: str, account: SignedInUser, next_path: str = "") -> None:
    """Sign in through the real pages: email and password, then a backup code."""
    url = f"{base_url}/account/sign-in/"
    if next_path:
        url += f"?next={next_path}"
    page.goto(url)
    enter_password(page, account)
    enter_security_code(page, account)


@pytest.fixture
def memory_broker() -> Iterator[None]:
    """The Celery app publishes to memory for the test: no worker runs behind the live server,
    so a test that asks for a task's work runs the task itself, as a worker would."""
    from cse_framework.celery import app as celery_app
    from tests.notices.test_outbox import _switch_broker

    before = celery_app.conf.broker_url
    _switch_broker(celery_app, "memory://")
    yield
    _switch_broker(celery_app, before)
