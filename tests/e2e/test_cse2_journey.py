"""Browser tests of the CSE2 journey, with axe on every page of it.

- A Shield worker opens a child's case from their caseload (the Shield landing page) and starts
  an initial CSE2. The draft is first sent with "Complete the CSE2" with a score above 0 that
  has no evidence, and no judgement or young person's views: the error summary shows every one
  of these at once, nothing is saved, and everything typed is kept. Put right, it completes: the
  summary page shows the total, the band, and that this is the child's first CSE2.
- Later the same worker completes a review whose total falls: its summary shows the previous
  result, "Risk decreased", the change in each category and the risk trajectory (an SVG image
  with a text alternative, and a table of both versions). The two versions are compared, and
  "Print (PDF)" gives a PDF whose text holds the child's name, the OFFICIAL-SENSITIVE marking,
  the review's total and band, and the direction.
- With JavaScript turned off, a worker starts a CSE2 (an error first) and fills in every kind of
  control of the draft (radios, checkboxes, date, select, text, a row of who took part), saves
  it, is told what completion still needs (what was typed is kept), then completes it. axe needs
  JavaScript, so it checks these pages in the other test (the start page's errors included).

The scoring scheme is the one a migration loads; the transactional flush of each browser test
empties it, so each test puts it back. Every date is fixed in the past (the case is opened on 1
June 2026), so the tests do not depend on the day they run. Every person is invented.
"""

import datetime as dt
import importlib
import io
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from cse_framework.accounts.models import Agency, Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from referrals.models import Child
from shield.models import Assessment
from tests.e2e.conftest import SignedInUser, assert_accessible, make_user, sign_in
from tests.factories.accounts import AgencyFactory, TeamFactory, UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import ensure_default_scheme, make_case

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collectstatic output; the live server serves static from the finders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# The migration that loads the default CSE2 scheme (its module name starts with a digit).
DEFAULT_SCHEME = importlib.import_module("shield.migrations.0002_default_scheme_and_immutability")
CATEGORIES = [name for name, _ in DEFAULT_SCHEME.CATEGORIES]
MAXIMUM = 54  # eight categories scored 0 to 6, and a judgement score of 0 to 6

SHIELD = "/shield/"
WORKER = "Rosalind Cheverton"
COLLEAGUE = "Ifeoma Castellane"
POLICE = "Merseyside Police (test)"
OFFICER = "DC Alun Brackenridge"
# Aged 16 on every date below: no floor for a child under 13.
CHILD_NAME = ("Delphine", "Marchbanks")
CHILD_BORN = dt.date(2010, 4, 12)
OPENED = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
INITIAL_ON = dt.date(2026, 6, 10)
REVIEW_ON = dt.date(2026, 9, 9)


@dataclass(frozen=True)
class Cse2:
    """What the worker enters: a score per category, the judgement, and the expected result."""

    scores: tuple[int, ...]
    judgement: int
    total: int
    band: str


# 23 + 3 = 26: Medium (19 to 34). No category at 6, so no floor.
INITIAL = Cse2(scores=(4, 3, 2, 3, 4, 2, 3, 2), judgement=3, total=26, band="Medium")
# 16 + 1 = 17: Lower (0 to 18). Category 2 unchanged, category 7 up, the rest down.
REVIEW = Cse2(scores=(2, 3, 1, 2, 2, 1, 4, 1), judgement=1, total=17, band="Lower")
CHANGES = ["Down 2", "No change", "Down 1", "Down 1", "Down 2", "Down 1", "Up 1", "Down 1"]
UNEVIDENCED = 5  # the category the first try leaves without evidence


# Helpers -----------------------------------------------------------------------------------------


def _expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _click(page: Page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()


def _group(scope: Page | Locator, legend: str) -> Locator:
    return scope.get_by_role("group", name=legend, exact=True)


def _choose(scope: Page | Locator, question: str, answer: str) -> None:
    """Tick the answer to a question asked as a fieldset of radios or checkboxes."""
    _group(scope, question).get_by_label(answer, exact=True).check()


def _enter_date(scope: Page | Locator, question: str, day: dt.date) -> None:
    """A GOV.UK date input: day, month and year boxes in a fieldset."""
    group = _group(scope, question)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def _summary_value(page: Page, key: str) -> Locator:
    """The value of a summary-list row of the page's first list with that key."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator(".govuk-summary-list__value").first


def _category(number: int) -> str:
    return f"{number}. {CATEGORIES[number - 1]}"


def _score(page: Page, number: int) -> Locator:
    return _group(page, _category(number))


def _evidence(page: Page, number: int) -> Locator:
    return page.get_by_label(f"Evidence for {_category(number)}", exact=True)


def _evidence_text(number: int, kind: str) -> str:
    return f"{kind}: seen by the worker in category {number}."


def _error_summary(page: Page) -> Locator:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    return summary


# People and the case -----------------------------------------------------------------------------


def _load_scheme() -> None:
    """The default CSE2 scheme, as its migration loads it (a flush empties it)."""
    ensure_default_scheme()


def _shield_case() -> tuple[SignedInUser, Child]:
    """A child referred to Shield on 1 June 2026 and allocated to a Shield worker, and the
    police agency of someone who takes part in the CSE2."""
    _load_scheme()
    team = TeamFactory(name="Shield", kind=Team.Kind.SHIELD)
    worker = make_user(RoleCode.SHIELD_WORKER, full_name=WORKER, team=team)
    given, family = CHILD_NAME
    child = ChildFactory(given_names=given, family_name=family, date_of_birth=CHILD_BORN)
    case = make_case(child, worker=worker.user, at=OPENED)
    assert case.worker == worker.user
    AgencyFactory(name=POLICE, kind=Agency.Kind.POLICE)
    return worker, child


# Steps ------------------------------------------------------------------------------------------


def _open_case_from_caseload(page: Page, child: Child, *, axe: bool = True) -> None:
    _expect_heading(page, "Shield")
    caseload = page.get_by_role("table", name="Your caseload (1)")
    row = caseload.get_by_role("row").filter(has_text=str(child))
    expect(row).to_contain_text("None completed yet")
    if axe:
        assert_accessible(page)
    row.get_by_role("link", name=str(child), exact=True).click()
    _expect_heading(page, str(child))
    expect(_summary_value(page, "Shield worker")).to_have_text(WORKER)
    if axe:
        assert_accessible(page)


def _start(
    page: Page, kind: str, on: dt.date, reason: str, *, empty_first: bool = False, axe: bool = True
) -> None:
    """From the case page: "Start a CSE2" (sent empty first if asked: the errors show), its
    kind and date, then the draft's page."""
    _click(page, "link", "Start a CSE2")
    _expect_heading(page, "Start a CSE2")
    if axe:
        assert_accessible(page)
    if empty_first:
        _click(page, "button", "Start the CSE2")
        summary = _error_summary(page)
        expect(summary).to_contain_text("Select the kind of CSE2")
        expect(summary).to_contain_text("Enter the date of the assessment")
        _expect_heading(page, "Start a CSE2")
        if axe:
            assert_accessible(page)
    _choose(page, "What kind of CSE2 is this?", kind)
    _enter_date(page, "Date of the assessment", on)
    page.get_by_label("Reason for the assessment (optional)", exact=True).fill(reason)
    _click(page, "button", "Start the CSE2")
    _expect_heading(page, "CSE2 draft")
    expect(
        _group(page, "What kind of CSE2 is this?").get_by_label(kind, exact=True)
    ).to_be_checked()
    date = _group(page, "Date of the assessment")
    expect(date.get_by_label("Day", exact=True)).to_have_value(str(on.day))
    expect(date.get_by_label("Year", exact=True)).to_have_value(str(on.year))
    expect(page.get_by_label("Reason for the assessment (optional)", exact=True)).to_have_value(
        reason
    )
    if axe:
        assert_accessible(page)


def _enter_scores(page: Page, cse2: Cse2, kind: str, *, skip_evidence: int = 0) -> None:
    for number, value in enumerate(cse2.scores, 1):
        _score(page, number).get_by_label(str(value), exact=True).check()
        if number != skip_evidence:
            _evidence(page, number).fill(_evidence_text(number, kind))


def _enter_judgement_and_views(page: Page, cse2: Cse2, views: str) -> None:
    _choose(page, "Professional judgement score", str(cse2.judgement))
    page.get_by_label("Rationale for the judgement score", exact=True).fill(
        "Older associates still about, but she now tells her carer where she goes."
    )
    page.get_by_label("The young person's wishes and feelings", exact=True).fill(views)
    _choose(page, "Their willingness to engage", "Partly willing to engage")


def _who_took_part(page: Page) -> None:
    person = _group(page, "Person 1")
    person.get_by_label("Name", exact=True).fill(OFFICER)
    person.get_by_label("Agency", exact=True).select_option(label=POLICE)
    person.get_by_label("Role (optional)", exact=True).fill("Detective constable")


def _first_try_misses_evidence(page: Page, child: Child) -> None:
    """Every score, one above 0 without its evidence, no judgement and no young person's views:
    "Complete the CSE2" shows every error at once, nothing is saved and what was typed is
    kept."""
    _enter_scores(page, INITIAL, "Initial", skip_evidence=UNEVIDENCED)
    _who_took_part(page)
    _click(page, "button", "Complete the CSE2")
    summary = _error_summary(page)
    missing = f"{CATEGORIES[UNEVIDENCED - 1]}: give the evidence for a score above 0"
    expect(page.locator(".govuk-error-message", has_text=missing)).to_be_visible()
    for needed in (
        "Enter the professional judgement score",
        "Give the rationale for the judgement score",
        "Record the young person's wishes and feelings, or why they could not be sought",
    ):
        expect(summary).to_contain_text(needed)
    _expect_heading(page, "CSE2 draft")
    assert_accessible(page)
    # The summary's link leads to the empty evidence box.
    summary.get_by_role("link", name=missing, exact=True).click()
    expect(_evidence(page, UNEVIDENCED)).to_be_focused()
    expect(_evidence(page, UNEVIDENCED)).to_have_value("")
    for number, value in enumerate(INITIAL.scores, 1):
        expect(_score(page, number).get_by_label(str(value), exact=True)).to_be_checked()
        if number != UNEVIDENCED:
            expect(_evidence(page, number)).to_have_value(_evidence_text(number, "Initial"))
    expect(_group(page, "Person 1").get_by_label("Name", exact=True)).to_have_value(OFFICER)
    expect(
        _group(page, "Person 1").get_by_label("Agency", exact=True).locator("option:checked")
    ).to_have_text(POLICE)
    draft = Assessment.objects.get(child=child)
    assert draft.status == "draft" and not draft.scores.exists()


def _complete_initial(page: Page) -> None:
    _evidence(page, UNEVIDENCED).fill(_evidence_text(UNEVIDENCED, "Initial"))
    _enter_judgement_and_views(page, INITIAL, "Says she wants to stay at school and see her nan.")
    _click(page, "button", "Complete the CSE2")
    _expect_heading(page, "CSE2 version 1")
    expect(page.get_by_text("CSE2 completed: this is version 1.")).to_be_visible()
    expect(_summary_value(page, "Kind")).to_have_text("Initial")
    expect(_summary_value(page, "Assessed on")).to_have_text("10 June 2026")
    expect(_summary_value(page, "Total")).to_have_text(f"{INITIAL.total} out of {MAXIMUM}")
    expect(_summary_value(page, "Band from the total")).to_have_text(INITIAL.band)
    expect(_summary_value(page, "Floor applied")).to_have_text("None")
    expect(_summary_value(page, "Band")).to_contain_text(INITIAL.band)
    expect(
        page.get_by_text("This is the child's first CSE2: there is nothing to compare it with.")
    ).to_be_visible()
    expect(_summary_value(page, "Wishes and feelings")).to_have_text(
        "Says she wants to stay at school and see her nan."
    )
    expect(page.get_by_text(f"{OFFICER} ({POLICE}), Detective constable")).to_be_visible()
    assert_accessible(page)


def _complete_review(page: Page) -> None:
    """A review three months on with lower scores; the draft names the previous result."""
    expect(
        page.get_by_text(
            f"The previous completed CSE2 is version 1 of 10 June 2026: total {INITIAL.total}, "
            f"{INITIAL.band}."
        )
    ).to_be_visible()
    _enter_scores(page, REVIEW, "Review")
    _enter_judgement_and_views(page, REVIEW, "Says things are calmer and she is back at school.")
    _click(page, "button", "Complete the CSE2")
    _expect_heading(page, "CSE2 version 2")
    expect(page.get_by_text("CSE2 completed: this is version 2.")).to_be_visible()


def _review_summary_shows_the_fall(page: Page) -> None:
    expect(_summary_value(page, "Kind")).to_have_text("Review (every 3 months)")
    expect(_summary_value(page, "Total")).to_have_text(f"{REVIEW.total} out of {MAXIMUM}")
    expect(_summary_value(page, "Band")).to_contain_text(REVIEW.band)
    expect(
        page.get_by_text(
            f"Previous: version 1 of 10 June 2026, total {INITIAL.total}, {INITIAL.band}. "
            f"This one: total {REVIEW.total}, {REVIEW.band}."
        )
    ).to_be_visible()
    expect(page.locator("strong.govuk-tag", has_text="Risk decreased")).to_be_visible()
    changes = page.get_by_role("table", name="Changes by category")
    rows = changes.locator("tbody tr")
    expect(rows).to_have_count(len(CATEGORIES))
    for number, change in enumerate(CHANGES, 1):
        row = rows.nth(number - 1)
        expect(row.get_by_role("rowheader")).to_have_text(_category(number))
        expect(row.get_by_role("cell")).to_have_text(
            [str(INITIAL.scores[number - 1]), str(REVIEW.scores[number - 1]), change]
        )


def _trajectory_chart_and_table(page: Page) -> None:
    """The chart is an image named by its short title and described by the long text; the
    table below lists both versions."""
    chart = page.locator("svg#trajectory")
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_accessible_name("Risk trajectory: the total of every completed CSE2")
    expect(chart).to_have_accessible_description(
        re.compile(
            f"2 completed CSE2s, oldest first. 10 Jun 2026: {INITIAL.total} \\({INITIAL.band}\\); "
            f"9 Sep 2026: {REVIEW.total} \\({REVIEW.band}\\)."
        )
    )
    expect(page.get_by_role("img", name=re.compile("^Risk trajectory"))).to_have_count(1)
    expect(chart.locator("circle.point")).to_have_count(2)
    table = page.get_by_role("table", name="Every completed CSE2, oldest first")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("cell")).to_have_text(
        ["Version 1", "10 Jun 2026", "Initial", str(INITIAL.total), INITIAL.band]
    )
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        [
            "Version 2 (this one)",
            "9 Sep 2026",
            "Review (every 3 months)",
            str(REVIEW.total),
            REVIEW.band,
        ]
    )


def _compare_the_versions(page: Page) -> None:
    _click(page, "link", "Compare with another version")
    _expect_heading(page, "Compare two CSE2 versions")
    side_by_side = page.get_by_role("table", name="Side by side")
    first = side_by_side.get_by_role("row").filter(has_text=_category(1))
    expect(first.get_by_role("cell").last).to_have_text("Down 2")
    assert_accessible(page)
    page.go_back()
    _expect_heading(page, "CSE2 version 2")


def _print_the_review(page: Page, base_url: str, child: Child, review: Assessment) -> None:
    """ "Print (PDF)" is a PDF download; its text is the review's summary."""
    link = page.get_by_role("link", name="Print (PDF)", exact=True)
    href = link.get_attribute("href")
    assert href == f"/shield/assessments/{review.pk}/print/"
    response = page.request.get(base_url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{review.reference}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join((page_.extract_text() or "") for page_ in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert str(child) in text
    assert "OFFICIAL-SENSITIVE" in text, text[:500]  # the marking, exactly
    assert f"CSE2 summary: version {review.sequence}" in text
    assert f"Total {REVIEW.total} out of {MAXIMUM}" in text
    assert f"Band {REVIEW.band}" in text
    assert "Risk decreased" in text
    assert AccessEvent.objects.filter(action="print", object_id=str(review.pk)).count() == 1


# The tests ---------------------------------------------------------------------------------------


def test_worker_completes_an_initial_cse2_then_a_review_and_prints_it(page: Page, base_url):
    """Initial CSE2 (an error first, all kept), a review whose total falls with its trend and
    chart, the comparison and the PDF; every page passes axe."""
    worker, child = _shield_case()
    sign_in(page, base_url, worker, next_path=SHIELD)
    _open_case_from_caseload(page, child)
    _start(page, "Initial", INITIAL_ON, "Referred to Shield by MASH.", empty_first=True)
    _first_try_misses_evidence(page, child)
    _complete_initial(page)

    _click(page, "link", "Shield case")
    _expect_heading(page, str(child))
    versions = page.get_by_role("table", name="CSE2 assessments")
    expect(versions.locator("tbody tr")).to_have_count(1)
    expect(versions.locator("tbody tr").first).to_contain_text("Version 1")
    _start(page, "Review (every 3 months)", REVIEW_ON, "Three-monthly review.")
    _complete_review(page)
    _review_summary_shows_the_fall(page)
    _trajectory_chart_and_table(page)
    assert_accessible(page)
    _compare_the_versions(page)

    review = Assessment.objects.get(child=child, sequence=2)
    assert (review.kind, review.total, review.band, review.direction) == (
        "review",
        REVIEW.total,
        "lower",
        "decreased",
    )
    _print_the_review(page, base_url, child, review)

    page.goto(base_url + SHIELD)
    row = (
        page.get_by_role("table", name="Your caseload (1)")
        .get_by_role("row")
        .filter(has_text=str(child))
    )
    expect(row).to_contain_text(f"{REVIEW.band}")
    expect(row).to_contain_text(f"Total {REVIEW.total}, 9 Sep 2026")


def test_worker_completes_a_cse2_without_javascript(no_js_context, base_url):
    """With JavaScript off, plain form posts start the CSE2 (an error first), save the draft
    with every kind of control, refuse completion without the young person's views (all kept),
    then complete it. (axe is not run here: it needs JavaScript; the JavaScript test checks the
    same pages.)"""
    page = no_js_context.new_page()
    worker, child = _shield_case()
    colleague = UserFactory(
        roles=[RoleCode.SHIELD_WORKER], full_name=COLLEAGUE, team=worker.user.team
    )
    # The select names each person with their agency.
    colleague_option = f"{COLLEAGUE} ({colleague.agency})" if colleague.agency_id else COLLEAGUE
    sign_in(page, base_url, worker, next_path=SHIELD)
    _open_case_from_caseload(page, child, axe=False)
    _start(page, "Initial", INITIAL_ON, "", empty_first=True, axe=False)

    # Every kind of control: radios (scores, judgement, engagement, monitoring), textareas, a
    # checkbox, text inputs, the lead professional's select and a row of who took part.
    low = Cse2(scores=(1, 1, 0, 2, 1, 0, 1, 0), judgement=1, total=7, band="Medium")
    _enter_scores(page, low, "Initial")
    _choose(page, "Professional judgement score", str(low.judgement))
    page.get_by_label("Rationale for the judgement score", exact=True).fill(
        "Low scores, but she finds it hard to judge who is safe."
    )
    page.get_by_label("The young person has a learning disability", exact=True).check()
    _choose(page, "Their willingness to engage", "Willing to engage")
    page.get_by_label("Nationality (optional)", exact=True).fill("British")
    _choose(page, "Online element to the exploitation", "Yes")
    _choose(page, "Current living situation", "Foster care")
    page.get_by_label("Placed out of area", exact=True).check()
    page.get_by_label("Lead professional", exact=True).select_option(label=colleague_option)
    _who_took_part(page)
    _click(page, "button", "Save draft")
    _expect_heading(page, "CSE2 draft")
    expect(page.get_by_text("Your draft has been saved.")).to_be_visible()
    draft = Assessment.objects.get(child=child)
    assert draft.scores.count() == len(CATEGORIES) and draft.learning_disability
    assert draft.monitoring.living_situation == "foster" and draft.monitoring.placed_out_of_area
    assert list(draft.attendees.values_list("name", flat=True)) == [OFFICER]
    assert draft.lead_professional == colleague

    # Completion without the young person's views: the draft is saved, completion refused.
    page.get_by_label("Their understanding of the risks (optional)", exact=True).fill(
        "Knows some adults online are not who they say."
    )
    _click(page, "button", "Complete the CSE2")
    summary = _error_summary(page)
    expect(summary).to_contain_text(
        "Your draft has been saved, but the CSE2 cannot be completed until these are put right."
    )
    expect(summary).to_contain_text(
        "Record the young person's wishes and feelings, or why they could not be sought"
    )
    expect(
        page.get_by_label("Their understanding of the risks (optional)", exact=True)
    ).to_have_value("Knows some adults online are not who they say.")
    expect(page.get_by_label("The young person has a learning disability")).to_be_checked()
    expect(page.get_by_label("Placed out of area", exact=True)).to_be_checked()
    expect(
        _group(page, "Current living situation").get_by_label("Foster care", exact=True)
    ).to_be_checked()
    expect(_score(page, 4).get_by_label("2", exact=True)).to_be_checked()
    expect(_group(page, "Person 1").get_by_label("Name", exact=True)).to_have_value(OFFICER)
    expect(
        page.get_by_label("Lead professional", exact=True).locator("option:checked")
    ).to_have_text(colleague_option)

    page.get_by_label("The young person's wishes and feelings", exact=True).fill(
        "Says she likes her foster carer and wants to keep seeing her mum."
    )
    _click(page, "button", "Complete the CSE2")
    _expect_heading(page, "CSE2 version 1")
    expect(_summary_value(page, "Total")).to_have_text(f"{low.total} out of {MAXIMUM}")
    expect(_summary_value(page, "Band from the total")).to_have_text("Lower")
    expect(_summary_value(page, "Floor applied")).to_contain_text(
        "At least Medium, because: Child has a learning disability"
    )
    expect(_summary_value(page, "Band")).to_contain_text(low.band)
    expect(_summary_value(page, "Lead professional")).to_have_text(COLLEAGUE)
    expect(_summary_value(page, "Current living situation")).to_have_text("Foster care")
    expect(_summary_value(page, "Placed out of area")).to_have_text("Yes")
    expect(page.get_by_text(f"{OFFICER} ({POLICE}), Detective constable")).to_be_visible()
    done = Assessment.objects.get(child=child)
    assert (done.status, done.total, done.band) == ("completed", low.total, "medium")
