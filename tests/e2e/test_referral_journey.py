"""Browser tests of the referral journeys, end to end, with axe on every page of them.

- A designated teacher refers a child not known to children's social care: the CSE1, the
  indicator checklist, the MARF, check and send (pathway 1a); and the same with JavaScript off.
- A health worker refers a child whose case is open, misspelling the family name: no MARF, and
  the referral goes to the child's allocated social worker and to Shield (pathway 1b) without
  the referrer being told of the match on the register.
- A MASH worker triages both from the queue: confirms the child (the possible match, or a new
  record on the register), then records the decision.

Sign-in's own pages are checked with axe in test_browser.py. Every person and child here is
invented; phone numbers are in Ofcom's drama range.
"""

import datetime as dt
import re
from dataclasses import dataclass, replace

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import OutboxMessage
from referrals.models import Child, IndicatorResponse, Referral
from tests.e2e.conftest import SignedInUser, assert_accessible, make_user, sign_in
from tests.factories.referrals import ChildFactory, make_draft, make_received

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collectstatic output; the live server serves static from the finders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

REFERRALS = "/referrals/"
QUEUE = "/referrals/queue/"
CHECK_URL = re.compile(r"/referrals/[0-9a-f-]+/check/$")
REFERRER_PHONE = "0151 496 0123"
PARENT_PHONE = "0151 496 0456"
NEW_CHILD = "None of these: add the child to the register"


@dataclass(frozen=True)
class DescribedChild:
    """A child as a referrer describes them (or as the register holds them)."""

    given_names: str
    family_name: str
    date_of_birth: dt.date
    postcode: str

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


def _born(years_ago: int, month: int, day: int) -> dt.date:
    """A birthday that keeps the child the same age band whenever the tests run."""
    return dt.date(timezone.localdate().year - years_ago, month, day)


TEACHERS_CHILD = DescribedChild("Maisie", "Quillfeather", _born(14, 3, 14), "ZZ3 5QT")
REGISTER_CHILD = DescribedChild("Ottilie", "Thorncastle", _born(13, 2, 3), "ZZ7 2QT")
# The health worker misspells the family name; the date of birth and postcode are the same.
HEALTH_WORKERS_CHILD = replace(REGISTER_CHILD, family_name="Thorncastel")


# People ---------------------------------------------------------------------------------------


def _teacher() -> SignedInUser:
    return make_user(
        RoleCode.REFERRER, full_name="Harriet Pennywhistle", job_title="Designated teacher"
    )


def _health_worker() -> SignedInUser:
    return make_user(
        RoleCode.HEALTH_REPRESENTATIVE, full_name="Tamsin Wrenfield", job_title="School nurse"
    )


def _open_case_on_register() -> tuple[Child, SignedInUser]:
    """The register's record of a child in need, and the social worker allocated to her."""
    worker = make_user(RoleCode.ALLOCATED_SOCIAL_WORKER, full_name="Bronwen Stilesby")
    child = ChildFactory(
        given_names=REGISTER_CHILD.given_names,
        family_name=REGISTER_CHILD.family_name,
        date_of_birth=REGISTER_CHILD.date_of_birth,
        postcode=REGISTER_CHILD.postcode,
        care_status=Child.CareStatus.CHILD_IN_NEED,
        allocated_social_worker=worker.user,
    )
    return child, worker


# Steps of the referrer's journey ----------------------------------------------------------------


def _audit(page: Page, axe: bool) -> None:
    if axe:
        assert_accessible(page)


def _choose(scope: Page | Locator, question: str, answer: str) -> None:
    """Tick the answer to a question asked as a fieldset of radios or checkboxes."""
    scope.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def _expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _submit_empty_and_see_errors(page: Page, button: str, axe: bool) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    _audit(page, axe)


def _start_referral(page: Page, axe: bool) -> None:
    """From the Referrals page to the CSE1, sent empty first to show the error summary."""
    _expect_heading(page, "Referrals")
    _audit(page, axe)
    page.get_by_role("link", name="Refer a child", exact=True).click()
    _expect_heading(page, "About the child and your concern")
    _audit(page, axe)
    _submit_empty_and_see_errors(page, "Save and continue", axe)
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's first name")


def _describe_child(page: Page, child: DescribedChild, social_care: str, axe: bool) -> None:
    """The CSE1: about you (prefilled, but for the phone), the child, the concern, consent."""
    page.get_by_label("Your phone number", exact=True).fill(REFERRER_PHONE)
    page.get_by_label("Child's first name", exact=True).fill(child.given_names)
    page.get_by_label("Child's last name", exact=True).fill(child.family_name)
    born = page.get_by_role("group", name="Date of birth", exact=True)
    born.get_by_label("Day", exact=True).fill(str(child.date_of_birth.day))
    born.get_by_label("Month", exact=True).fill(str(child.date_of_birth.month))
    born.get_by_label("Year", exact=True).fill(str(child.date_of_birth.year))
    _choose(page, "Gender", "Female")
    page.get_by_label("Postcode (optional)", exact=True).fill(child.postcode)
    _choose(
        page,
        "Is the child known to children's social care?",
        Referral.SocialCare(social_care).label,
    )
    _choose(page, "Your level of concern", "High")
    _choose(
        page,
        "Suspected model of exploitation (select all that apply)",
        "Relationship or 'boyfriend'",
    )
    page.get_by_label("What has happened? The circumstances of any incidents", exact=True).fill(
        "Seen getting into a car with unknown adults after school, three times this month."
    )
    _choose(
        page,
        "Who consented to this information being shared?",
        "A person with parental responsibility",
    )
    _choose(page, "Do the child's parents or carers know about this referral?", "Yes")
    _choose(page, "Does the child or young person know about this referral?", "No")
    _audit(page, axe)
    page.get_by_role("button", name="Save and continue", exact=True).click()


def _answer_indicators(page: Page, axe: bool) -> None:
    """The checklist: an indicator present needs its basis (an error until given), and a note."""
    _expect_heading(page, "Indicators of child sexual exploitation")
    _audit(page, axe)
    page.locator("#id_cars_unknown_adults_0").check()  # Yes
    _submit_empty_and_see_errors(page, "Save and continue", axe)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Entering or leaving cars driven by unknown adults: say whether this is evidence"
    )
    page.locator("#id_cars_unknown_adults__basis_0").check()  # Evidence
    page.locator("#id_cars_unknown_adults__note").fill("Seen by two members of staff.")
    page.locator("#id_older_adults_1").check()  # Possible
    page.locator("#id_older_adults__basis_1").check()  # Professional concern
    _audit(page, axe)
    page.get_by_role("button", name="Save and continue", exact=True).click()


def _complete_marf(page: Page, axe: bool) -> None:
    """The MARF: empty first (errors), then the required answers and one parent."""
    _expect_heading(page, "Multi-agency referral form (MARF)")
    _audit(page, axe)
    _submit_empty_and_see_errors(page, "Save and continue", axe)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter your relationship to the child"
    )
    page.get_by_label("This is a safeguarding concern", exact=True).check()
    page.get_by_label("Your relationship to the child", exact=True).fill("Class teacher")
    _choose(page, "Have the parents or carers consented to this referral?", "Yes")
    page.get_by_label("Reason for referral and current concerns", exact=True).fill(
        "Repeatedly collected from school by unknown adults in different cars."
    )
    parent = page.get_by_role("group", name="Parent or carer 1", exact=True)
    parent.get_by_label("Full name", exact=True).fill("Rowena Quillfeather")
    parent.get_by_label("Relationship to the child", exact=True).fill("Mother")
    _choose(parent, "Has parental responsibility", "Yes")
    parent.get_by_label("Address and phone (optional)", exact=True).fill(PARENT_PHONE)
    _audit(page, axe)
    page.get_by_role("button", name="Save and continue", exact=True).click()


def _check_and_send(page: Page, axe: bool) -> str:
    """Check the referral, send it, and return the reference the confirmation shows."""
    _expect_heading(page, "Check your referral, then send it")
    _audit(page, axe)
    page.get_by_role("button", name="Send the referral to MASH", exact=True).click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    _audit(page, axe)
    return page.locator(".govuk-panel__body strong").inner_text().strip()


def _teacher_refers(page: Page, base_url: str, axe: bool) -> str:
    sign_in(page, base_url, _teacher(), next_path=REFERRALS)
    _start_referral(page, axe)
    _describe_child(page, TEACHERS_CHILD, Referral.SocialCare.NOT_KNOWN, axe)
    _answer_indicators(page, axe)
    _complete_marf(page, axe)
    expect(page.get_by_text("Rowena Quillfeather, Mother")).to_be_visible()
    return _check_and_send(page, axe)


def _assert_received_with_marf(reference: str) -> None:
    referral = Referral.objects.get(reference=reference)
    assert referral.status == Referral.Status.RECEIVED
    assert referral.child_social_care == Referral.SocialCare.NOT_KNOWN
    assert referral.referrer_phone == REFERRER_PHONE
    assert referral.indicators.get(code="cars_unknown_adults").basis == (
        IndicatorResponse.Basis.EVIDENCE
    )
    assert referral.marf.referrer_relationship == "Class teacher"
    assert referral.marf.parents_consented is True
    assert [person.name for person in referral.marf.people.all()] == ["Rowena Quillfeather"]


# Steps of MASH's triage ---------------------------------------------------------------------


def _open_from_queue(page: Page, base_url: str, reference: str) -> None:
    page.goto(base_url + QUEUE)
    _expect_heading(page, "MASH triage queue")
    assert_accessible(page)
    page.get_by_role("link", name=reference, exact=True).click()
    _expect_heading(page, "Triage the referral")
    expect(page.get_by_role("heading", name="Who is the child?", exact=True)).to_be_visible()
    assert_accessible(page)


def _see_confirm_child_error(page: Page) -> None:
    _submit_empty_and_see_errors(page, "Confirm the child", axe=True)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the child, or that the child is new to the register"
    )


def _confirm_child(page: Page, choice: str) -> None:
    """Who is the child: confirmed empty first (an error), then with the choice."""
    _see_confirm_child_error(page)
    _choose(page, "Who is this child?", choice)
    page.get_by_role("button", name="Confirm the child", exact=True).click()
    expect(page.get_by_text("Confirmed as")).to_be_visible()
    assert_accessible(page)


def _decide(page: Page) -> None:
    """The decision: recorded empty first (errors), then Medium, Refer to Shield and a reason."""
    _submit_empty_and_see_errors(page, "Record the decision", axe=True)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a decision")
    _choose(page, "MASH's level of concern", "Medium")
    _choose(page, "Decision", "Refer to Shield")
    page.get_by_label("Why this decision?", exact=True).fill(
        "Several high-level indicators; Shield to assess and plan with the family."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision", exact=True).click()
    expect(page.get_by_text("Decision: Refer to Shield.")).to_be_visible()
    assert_accessible(page)


def _received(by: SignedInUser, child: DescribedChild, social_care: str) -> Referral:
    """A referral sent through the service (its MARF too, when the pathway needs one)."""
    return make_received(
        by.user,
        child_given_names=child.given_names,
        child_family_name=child.family_name,
        child_date_of_birth=child.date_of_birth,
        child_postcode=child.postcode,
        child_social_care=social_care,
    )


# The tests --------------------------------------------------------------------------------------


def test_teacher_refers_a_child_not_known_to_social_care(page: Page, base_url):
    """A teacher's CSE1, checklist and MARF reach MASH, and every page passes axe."""
    reference = _teacher_refers(page, base_url, axe=True)
    _assert_received_with_marf(reference)


def test_teacher_refers_a_child_without_javascript(no_js_context, base_url):
    """The teacher's whole journey, MARF included, works with JavaScript turned off."""
    page = no_js_context.new_page()
    reference = _teacher_refers(page, base_url, axe=False)
    _assert_received_with_marf(reference)


def test_health_worker_refers_a_child_with_an_open_case(page: Page, base_url):
    """An open case needs no MARF and goes to the allocated worker and Shield, match unrevealed."""
    register_child, allocated = _open_case_on_register()
    shield_manager = make_user(RoleCode.SHIELD_TEAM_MANAGER, full_name="Marcus Oldacre")
    sign_in(page, base_url, _health_worker(), next_path=REFERRALS)
    _start_referral(page, axe=True)
    _describe_child(page, HEALTH_WORKERS_CHILD, Referral.SocialCare.OPEN, axe=True)
    _answer_indicators(page, axe=True)
    expect(page).to_have_url(CHECK_URL)  # no MARF for an open case
    expect(page.get_by_role("heading", name="MARF")).to_have_count(0)
    reference = _check_and_send(page, axe=True)

    body = page.locator("body")
    expect(body).to_contain_text("it also goes to their allocated social worker")
    expect(body).not_to_contain_text(REGISTER_CHILD.family_name)
    expect(body).not_to_contain_text(allocated.user.full_name)
    expect(body).not_to_contain_text(re.compile("match", re.IGNORECASE))

    referral = Referral.objects.get(reference=reference)
    assert referral.status == Referral.Status.RECEIVED
    assert not hasattr(referral, "marf")
    assert referral.matches.filter(child=register_child).exists()
    assert referral.routed_to == allocated.user
    assert referral.routed_to_shield_at is not None
    for recipient in (allocated.user, shield_manager.user):
        assert OutboxMessage.objects.filter(recipient=recipient, reference=reference).exists()


def test_mash_triages_both_referrals(page: Page, base_url):
    """MASH confirms each child (the register's match, or a new record) and refers to Shield."""
    register_child, _ = _open_case_on_register()
    open_case = _received(_health_worker(), HEALTH_WORKERS_CHILD, Referral.SocialCare.OPEN)
    not_known = _received(_teacher(), TEACHERS_CHILD, Referral.SocialCare.NOT_KNOWN)
    mash = make_user(RoleCode.MASH_SOCIAL_WORKER, full_name="Priya Lanternfield")
    sign_in(page, base_url, mash, next_path=QUEUE)

    _open_from_queue(page, base_url, open_case.reference)
    match = f"{REGISTER_CHILD.full_name}, born {REGISTER_CHILD.date_of_birth:%-d %B %Y}"
    expect(page.get_by_text("Possible matches on the register")).to_be_visible()
    _confirm_child(page, f"{match}, {REGISTER_CHILD.postcode}")
    _decide(page)

    _open_from_queue(page, base_url, not_known.reference)
    expect(page.get_by_text("No possible matches were found on the register.")).to_be_visible()
    expect(page.get_by_label(re.compile(REGISTER_CHILD.family_name))).to_have_count(0)
    _confirm_child(page, NEW_CHILD)
    _decide(page)

    open_case.refresh_from_db()
    not_known.refresh_from_db()
    for referral in (open_case, not_known):
        assert referral.status == Referral.Status.TRIAGED
        assert referral.decision == Referral.Decision.REFER_TO_SHIELD
        assert referral.mash_level_of_concern == Referral.Concern.MEDIUM
    assert open_case.child == register_child
    assert not_known.child is not None and not_known.child != register_child
    assert not_known.child.family_name == TEACHERS_CHILD.family_name
    assert Child.objects.count() == 2


# Two bugs these journeys found (fixed), kept as regression tests ----------------------------


def test_checklist_basis_labels_work_after_an_error(page: Page, base_url):
    """After the checklist's basis error, clicking "Evidence" still selects it."""
    teacher = _teacher()
    draft = make_draft(teacher.user)
    sign_in(page, base_url, teacher, next_path=f"/referrals/{draft.pk}/checklist/")
    page.locator("#id_cars_unknown_adults_0").check()  # Yes, with no basis
    _submit_empty_and_see_errors(page, "Save and continue", axe=False)
    indicator = page.locator(".app-indicator").filter(has=page.locator("#id_cars_unknown_adults_0"))
    indicator.get_by_text("Evidence", exact=True).click()
    expect(indicator.locator("input#id_cars_unknown_adults__basis_0")).to_be_checked()


def test_confirm_child_error_keeps_the_possible_matches(page: Page, base_url):
    """After an empty "Confirm the child", the register's possible match is still offered."""
    _open_case_on_register()
    open_case = _received(_health_worker(), HEALTH_WORKERS_CHILD, Referral.SocialCare.OPEN)
    mash = make_user(RoleCode.MASH_SOCIAL_WORKER, full_name="Priya Lanternfield")
    sign_in(page, base_url, mash, next_path=f"/referrals/{open_case.pk}/triage/")
    confirm = page.get_by_role("group", name="Who is this child?", exact=True)
    expect(confirm.get_by_label(re.compile(REGISTER_CHILD.full_name))).to_have_count(1)
    _see_confirm_child_error(page)
    expect(confirm.get_by_label(re.compile(REGISTER_CHILD.full_name))).to_have_count(1)
