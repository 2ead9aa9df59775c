"""Issue 8's journey in a browser, with axe on every page of it:

1. A designated teacher passes on intelligence about a car at the school gates, says a child is
   named, and starts the CSE1 the confirmation offers: it carries the intelligence and begins
   with the car. MASH confirms the child, which links her to the car.
2. A police intelligence officer grades the report (3x5x2) from the queue.
3. A referral for another child names the same car, typed differently; MASH confirms the child.
4. That child's Shield worker is told "children linked" (a reference and a link), opens the
   alert, the child's connections (the network and its table) and the car's own page.

Every person, child, plate and school is invented.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cse_framework.accounts.roles import RoleCode
from intelligence.models import ChildLink, LinkAlert, Report
from referrals import triage
from referrals.models import Referral
from tests.e2e.conftest import assert_accessible, make_user, sign_in
from tests.e2e.test_referral_journey import (
    DescribedChild,
    _answer_indicators,
    _check_and_send,
    _complete_marf,
    _describe_child,
)
from tests.factories.referrals import ChildFactory, make_received
from tests.factories.shield import make_case

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PLATE = "XR15 KQZ"
SCHOOL_CHILD = DescribedChild(
    "Wrenna", "Ashcombe", dt.date(timezone.localdate().year - 14, 5, 9), "ZZ4 6QT"
)


def _teacher_passes_on_the_car(page: Page, base_url: str) -> Report:
    teacher = make_user(
        RoleCode.REFERRER, full_name="Harriet Pennywhistle", job_title="Designated teacher"
    )
    sign_in(page, base_url, teacher, next_path="/intelligence/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pass on intelligence")
    assert_accessible(page)
    seen = timezone.localdate() - dt.timedelta(days=1)
    when = page.get_by_role("group", name="Date seen or heard", exact=True)
    when.get_by_label("Day", exact=True).fill(str(seen.day))
    when.get_by_label("Month", exact=True).fill(str(seen.month))
    when.get_by_label("Year", exact=True).fill(str(seen.year))
    page.get_by_label("Where", exact=True).fill("The gates of Larchmont Academy")
    page.get_by_label("What was seen or heard", exact=True).fill(
        "A grey hatchback waits at the gates at home time; a Year 9 girl gets in most days."
    )
    page.get_by_label("A child is named and can be identified", exact=True).check()
    page.get_by_role("group", name="How do you know this?", exact=True).get_by_label(
        "I saw or heard it myself", exact=True
    ).check()
    # Each vehicle is a section under its heading ("Vehicle 1"), its fields labelled alike.
    expect(page.get_by_role("heading", name="Vehicle 1", exact=True)).to_be_visible()
    page.locator("#id_vehicle_1_registration").fill("xr15kqz")
    page.locator("#id_vehicle_1_colour").fill("Grey")
    page.get_by_role("button", name="Send to police", exact=True).click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Intelligence sent to police")
    expect(page.get_by_text("a referral is needed")).to_be_visible()
    assert_accessible(page)
    report = Report.objects.get()
    # The CSE1 the confirmation offers carries the intelligence and begins with the car.
    page.get_by_role("link", name=re.compile("Start a referral")).click()
    expect(
        page.get_by_text(f"This referral carries intelligence {report.reference}")
    ).to_be_visible()
    expect(page.get_by_label("Vehicles (optional)", exact=True)).to_have_value("XR15 KQZ Grey")
    assert_accessible(page)
    _describe_child(page, SCHOOL_CHILD, Referral.SocialCare.NOT_KNOWN, axe=False)
    _answer_indicators(page, axe=False)
    _complete_marf(page, axe=False)
    reference = _check_and_send(page, axe=False)
    referral = Referral.objects.get(reference=reference)
    assert referral.intelligence_report == report
    # MASH confirms who the child is (the triage pages have their own browser tests).
    mash = make_user(RoleCode.MASH_TEAM_MANAGER).user
    triage.referral_confirm_child(
        referral=referral, by=mash, child=None, seen_version=referral.version
    )
    assert ChildLink.objects.filter(source_id=str(referral.pk)).count() == 1
    return report


def _police_grade(page: Page, base_url: str, report: Report) -> None:
    officer = make_user(RoleCode.POLICE_INTELLIGENCE_OFFICER, full_name="Idris Blackmoor")
    sign_in(page, base_url, officer, next_path="/intelligence/police/queue/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"^{report.reference}\b.*grade and handle")).click()
    expect(page).to_have_url(re.compile(rf"/intelligence/{report.pk}/handle/$"))
    assert_accessible(page)
    page.get_by_label("Police reference", exact=True).fill("MP/26/004417")
    for question, answer in (
        ("Source", "2: untested"),
        ("Intelligence", "A: known directly to the source"),
        ("Handling", "P: lawful sharing permitted"),
        ("Outcome", "Intelligence log"),
    ):
        page.get_by_role("group", name=question, exact=True).get_by_label(
            answer, exact=True
        ).check()
    page.get_by_role("button", name="Save handling", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/handle/$"))
    report.refresh_from_db()
    assert report.grading == "2A P" and report.police_reference == "MP/26/004417"
    assert_accessible(page)
    page.context.clear_cookies()


def _another_referral_names_the_car() -> tuple[Referral, object]:
    """A referral for a child Shield already works with, naming the car typed another way; MASH
    confirms it is her."""
    worker = make_user(RoleCode.SHIELD_WORKER, full_name="Carys Fenwright")
    child = ChildFactory(given_names="Lowen", family_name="Penhallow")
    make_case(child, worker=worker.user)
    referral = make_received(
        make_user(RoleCode.REFERRER).user,
        child_given_names="Lowen",
        child_family_name="Penhallow",
        known_vehicles="Grey hatchback, reg xr15 kqz, two men in it",
    )
    triage.referral_confirm_child(
        referral=referral,
        by=make_user(RoleCode.MASH_TEAM_MANAGER).user,
        child=child,
        seen_version=referral.version,
    )
    return referral, worker


def test_a_car_from_a_school_links_two_children_for_the_shield_worker(page: Page, base_url):
    _report = _teacher_passes_on_the_car(page, base_url)
    page.context.clear_cookies()
    _police_grade(page, base_url, _report)
    referral, worker = _another_referral_names_the_car()
    alert = LinkAlert.objects.get()
    assert not alert.police_only  # both links come from referrals, not police intelligence

    sign_in(page, base_url, worker, next_path="/notices/")
    page.get_by_role("link", name=f"LINK-{alert.pk:06d}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/intelligence/alerts/{alert.pk}/$"))
    expect(page.get_by_text(PLATE).first).to_be_visible()
    expect(page.get_by_text("Ashcombe").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Everything connected to Lowen")).click()
    expect(page.locator("svg[role=img]")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Wrenna Ashcombe")
    expect(table).to_contain_text(PLATE)
    assert_accessible(page)
    table.get_by_role("link", name=PLATE).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PLATE)
    expect(page.locator("svg[role=img]")).to_be_visible()
    assert_accessible(page)
