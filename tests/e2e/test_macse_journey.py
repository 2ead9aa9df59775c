"""Browser tests of the MACSE journeys (issue 7), with axe on every page visited with JavaScript.

- The MACSE administrator opens a past meeting from the MACSE landing page and builds its agenda
  in one step: the CSE1 MASH forwarded before the cut-off (D9) is offered and the one forwarded
  after it is not; the child adopted at the meeting before, whose 3-month review is due (D5), is
  offered for review. The administrator prepares the agenda pack and downloads it: its text
  holds each child's name and the OFFICIAL-SENSITIVE marking (and not the late child's name).
  Then the minutes and decision of each child's item (a missing minute is refused first, with
  what was typed kept), the minutes agreed and the meeting closed; each child's chronology
  (through their Shield case) shows the hearing and its decision and the plan version agreed
  there, and each plan shows the meeting's version and the next review.
- A partner (a school's designated safeguarding lead, a referrer) updates the progress of their
  own action from "Your open MACSE actions" and gets a 404 for another agency's action and for
  the plan; the same with JavaScript turned off (an empty note refused first), where axe is not
  run (it needs JavaScript).

How the pack is prepared here: the repository runs no Celery worker behind the live server (no
eager setting; the local broker is a folder that nothing reads during tests), so each test points
the Celery app at an in-memory broker (the "Prepare" click publishes there, and nothing is left
on disk), and the test then runs the task itself, in this process, as a worker would
(macse.tasks.render_document), and reloads the progress page.

Every date is fixed. The meeting is on Thursday 12 November 2026, in the past (the minutes can
only be agreed once a meeting has started), its cut-off the start of Thursday 5 November; the
meeting before it was on Thursday 6 August 2026. Every person and child is invented.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cse_framework.accounts.models import Agency, Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON
from macse.models import Action, ActionProgress, AgendaItem, Meeting, MeetingDocument, Plan
from macse.tasks import render_document
from referrals.models import Child
from tests.e2e.conftest import SignedInUser, assert_accessible, make_user, sign_in
from tests.factories.accounts import AgencyFactory, TeamFactory, UserFactory
from tests.factories.macse import (
    agency,
    make_action,
    make_adopted,
    make_agenda,
    make_forwarded,
    make_macse_meeting,
    make_plan,
)
from tests.factories.shield import make_case

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collectstatic output; the live server serves static from the finders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

MACSE = "/macse/"
MY_ACTIONS = "/macse/actions/mine/"
MARKING = "OFFICIAL-SENSITIVE"

MEETING_AT = dt.datetime(2026, 11, 12, 10, 0, tzinfo=LONDON)  # a Thursday, on GMT
EARLIER_MEETING_AT = dt.datetime(2026, 8, 6, 10, 0, tzinfo=LONDON)  # its review falls due 6 Nov
FORWARDED_IN_TIME = dt.datetime(2026, 11, 2, 10, 0, tzinfo=LONDON)  # before the cut-off
FORWARDED_LATE = dt.datetime(2026, 11, 5, 10, 0, tzinfo=LONDON)  # after 00:00 on 5 November
SHIELD_OPENED = dt.datetime(2026, 8, 20, 10, 0, tzinfo=LONDON)

ADMINISTRATOR = "Imelda Quarrington"
CHAIR = "DCI Morwenna Ashcombe"
SHIELD_WORKER = "Rosalind Cheverton"
YOUTH_JUSTICE = "Northbrook Youth Justice Service (fictional)"


@dataclass(frozen=True)
class Named:
    given: str
    family: str
    born: dt.date

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    def fields(self) -> dict:
        return {
            "child_given_names": self.given,
            "child_family_name": self.family,
            "child_date_of_birth": self.born,
        }


NEW_CHILD = Named("Tamsin", "Orchardleigh", dt.date(2011, 3, 14))
REVIEW_CHILD = Named("Wren", "Castlemaine", dt.date(2010, 7, 22))
LATE_CHILD = Named("Ottilie", "Brackenfield", dt.date(2012, 1, 9))


@pytest.fixture(autouse=True)
def _memory_broker(memory_broker) -> None:
    """No worker runs behind the live server: the test runs the task itself."""


# Helpers -----------------------------------------------------------------------------------------


def _expect_heading(page: Page, text: str | re.Pattern) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _click(page: Page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()


def _summary_value(page: Page, key: str):
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator(".govuk-summary-list__value").first


def _success(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


# The meeting and its children ---------------------------------------------------------------------


@dataclass
class Cohort:
    administrator: SignedInUser
    meeting: Meeting
    earlier: Meeting
    new_child: Child
    review_child: Child
    reference: str  # the new child's CSE1


def _cohort() -> Cohort:
    """The meeting before (6 August), which adopted the review child; two CSE1s forwarded to
    MACSE since, one before this meeting's cut-off and one after; both children on the agenda
    are Shield cases (so each has a chronology), held by the same Shield worker."""
    council = agency(Agency.Kind.CHILDRENS_SOCIAL_CARE)
    team = TeamFactory(
        name="MACSE administration", agency=council, kind=Team.Kind.MACSE_ADMINISTRATION
    )
    administrator = make_user(
        RoleCode.MACSE_ADMINISTRATOR, full_name=ADMINISTRATOR, agency=council, team=team
    )
    chair = UserFactory(
        roles=[RoleCode.MACSE_CHAIR], full_name=CHAIR, agency=agency(Agency.Kind.POLICE)
    )
    AgencyFactory(name=YOUTH_JUSTICE, kind=Agency.Kind.YOUTH_OFFENDING)
    shield = TeamFactory(name="Shield", kind=Team.Kind.SHIELD)
    worker = UserFactory(roles=[RoleCode.SHIELD_WORKER], full_name=SHIELD_WORKER, team=shield)

    earlier, review_child = make_adopted(
        starts_at=EARLIER_MEETING_AT, by=administrator.user, **REVIEW_CHILD.fields()
    )
    in_time = make_forwarded(now=FORWARDED_IN_TIME, **NEW_CHILD.fields())
    make_forwarded(now=FORWARDED_LATE, **LATE_CHILD.fields())
    meeting = make_macse_meeting(starts_at=MEETING_AT, by=administrator.user, chair_user=chair)
    for child in (review_child, in_time.child):
        make_case(child, worker=worker, at=SHIELD_OPENED)
    return Cohort(administrator, meeting, earlier, in_time.child, review_child, in_time.reference)


# Steps of the administrator's journey ------------------------------------------------------------


def _open_the_meeting(page: Page, cohort: Cohort) -> None:
    _expect_heading(page, "MACSE")
    past = page.get_by_role("table", name="Past meetings (2)")
    row = past.get_by_role("row").filter(has_text=cohort.meeting.reference)
    expect(row.get_by_role("cell")).to_have_text(
        [
            cohort.meeting.reference,
            "12 Nov 2026 10:00",
            "Council offices, room 2 (fictional)",
            CHAIR,
            "0",
            "Planned",
        ]
    )
    assert_accessible(page)
    _click(page, "link", cohort.meeting.reference)
    _expect_heading(page, f"{cohort.meeting.reference}: Thursday 12 November 2026, 10:00")
    expect(page.get_by_text("The agenda has not been built yet.")).to_be_visible()
    assert_accessible(page)


def _build_the_agenda(page: Page, cohort: Cohort) -> None:
    """D9 in one step: the CSE1 forwarded before the cut-off and the review due are offered,
    ticked; the CSE1 forwarded after the cut-off waits for the next meeting."""
    _click(page, "link", "Build the agenda")
    _expect_heading(page, "Build the agenda")
    expect(page.locator("#cut-off")).to_contain_text(
        "The cut-off for new referrals is the start of Thursday 5 November 2026 (00:00)"
    )
    new = page.get_by_role(
        "group", name="New referrals: CSE1s forwarded by MASH before the cut-off"
    )
    expect(new.get_by_role("checkbox")).to_have_count(1)
    offered = new.get_by_label(re.compile(f"^{cohort.reference}: {NEW_CHILD.name}, forwarded"))
    expect(offered).to_be_checked()
    reviews = page.get_by_role("group", name="Reviews due by the meeting day")
    expect(reviews.get_by_role("checkbox")).to_have_count(1)
    expect(
        reviews.get_by_label(f"{REVIEW_CHILD.name}, review due 6 Nov 2026 10:00", exact=True)
    ).to_be_checked()
    expect(page.get_by_text(LATE_CHILD.name)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Build the agenda", exact=True).click()
    _expect_heading(page, f"{cohort.meeting.reference}: Thursday 12 November 2026, 10:00")
    _success(page, "The agenda is built.")
    expect(page.get_by_role("heading", name="Agenda (2 children)")).to_be_visible()
    new_item = page.locator("li", has=page.get_by_role("link", name=NEW_CHILD.name, exact=True))
    expect(new_item).to_contain_text(f"(CSE1 {cohort.reference})")
    expect(new_item).to_contain_text("Decision to make")
    expect(new_item).to_contain_text(f"Parents: waiting for {SHIELD_WORKER}")
    for heading in ("New referrals", "Reviews due", "Any other business"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert_accessible(page)

    _click(page, "button", "Record that the statement was read")
    _success(page, "Recorded: the confidentiality statement was read.")
    assert_accessible(page)


def _prepare_and_download_the_pack(page: Page, cohort: Cohort) -> None:
    """ "Prepare" asks for the pack; the task (run here, as a worker would) prepares it; the
    progress page then offers it, and its text holds each child and the marking."""
    _click(page, "button", "Prepare the agenda pack")
    _expect_heading(page, "Agenda pack: waiting to start")
    # The page refreshes itself while the pack is prepared: stop that for the axe check.
    _click(page, "link", "Stop refreshing")
    _expect_heading(page, "Agenda pack: waiting to start")
    expect(
        page.get_by_text("There is no earlier agenda pack of this meeting to download.")
    ).to_be_visible()
    assert_accessible(page)

    document = MeetingDocument.objects.defer("pdf").get(meeting=cohort.meeting)
    assert document.status == MeetingDocument.Status.QUEUED
    assert render_document(document.pk) == MeetingDocument.Status.DONE

    _click(page, "link", "Check again, and refresh every 3 seconds")
    _expect_heading(page, "Agenda pack: ready")
    expect(page.get_by_text("2 of 2 children gathered")).to_be_visible()
    assert_accessible(page)

    link = page.get_by_role(
        "link", name=re.compile(r"^Download the agenda pack \(PDF, \d+ pages?\)$")
    )
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == f"{cohort.meeting.reference}-agenda-pack.pdf"
    with open(download.path(), "rb") as pdf:
        text = _pdf_text(pdf.read())
    assert MARKING in text, text[:500]
    for child in (NEW_CHILD, REVIEW_CHILD):
        assert child.name in text, f"{child.name} is not in the pack"
    assert LATE_CHILD.name not in text

    _click(page, "link", "Back to the meeting")
    expect(
        page.get_by_role(
            "link", name=f"Download the agenda pack of {cohort.meeting.reference}", exact=True
        )
    ).to_be_visible()


def _decide(
    page: Page,
    child: Named,
    minutes: str,
    decision: str,
    *,
    flag: str = "",
    directed: str = "",
    refused_first: bool = False,
) -> None:
    """From the agenda, the child's item: the minutes and the decision."""
    assert_accessible(page)  # the meeting page, as it now stands
    _click(page, "link", child.name)
    _expect_heading(page, child.name)
    expect(_summary_value(page, "Shield case")).to_contain_text("Open Shield case")
    assert_accessible(page)
    form = page.locator(
        "form", has=page.get_by_role("button", name="Save the minutes and decision")
    )
    form.get_by_role("group", name="Decision").get_by_label(decision, exact=True).check()
    if flag:
        form.get_by_role("group", name="Police CSE flag").get_by_label(flag, exact=True).check()
    if directed:
        form.get_by_label(directed, exact=True).check()
    if refused_first:
        _click(page, "button", "Save the minutes and decision")
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Record the minutes of the discussion")
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(form.get_by_label(decision, exact=True)).to_be_checked()
        if directed:
            expect(form.get_by_label(directed, exact=True)).to_be_checked()
        assert_accessible(page)
    form.get_by_label("Minutes", exact=True).fill(minutes)
    _click(page, "button", "Save the minutes and decision")
    _success(page, "Decision recorded.")
    expect(_summary_value(page, "Decision")).to_have_text(decision)
    if flag:
        expect(_summary_value(page, "Police CSE flag")).to_have_text(flag)
    if directed:
        expect(_summary_value(page, "Agencies directed in")).to_have_text(directed)
    assert_accessible(page)
    _click(page, "link", "Back to the agenda")


def _agree_the_minutes(page: Page, cohort: Cohort) -> None:
    for child, decision in ((NEW_CHILD, "Adopt onto MACSE"), (REVIEW_CHILD, "Continue on MACSE")):
        item = page.locator("li", has=page.get_by_role("link", name=child.name, exact=True))
        expect(item).to_contain_text(decision)
    assert_accessible(page)
    _click(page, "button", "Agree the minutes and close the meeting")
    _success(page, "Minutes agreed and the meeting closed.")
    expect(_summary_value(page, "Status")).to_have_text("Minutes agreed")
    expect(
        page.get_by_role("button", name="Agree the minutes and close the meeting")
    ).to_have_count(0)
    assert_accessible(page)
    cohort.meeting.refresh_from_db()
    assert cohort.meeting.status == Meeting.Status.CLOSED


def _chronology_and_plan(
    page: Page,
    base_url: str,
    cohort: Cohort,
    child: Named,
    *,
    hearing: str,
    version: int,
    review_on: str,
) -> None:
    """From the child's item: their Shield case, its chronology (the hearing and decision, and
    the plan version agreed), then the kept version and the plan as it is now."""
    _click(page, "link", child.name)
    _expect_heading(page, child.name)
    assert_accessible(page)
    _click(page, "link", f"Open Shield case of {child.name}")
    _expect_heading(page, child.name)
    assert_accessible(page)
    _click(page, "link", "Chronology")
    _expect_heading(page, "Chronology")
    events = page.get_by_role("table", name=re.compile(r"^Events \(\d+\)$"))
    heard = (
        events.get_by_role("row")
        .filter(has_text="Heard at MACSE")
        .filter(has_text=cohort.meeting.reference)
    )
    expect(heard).to_have_count(1)
    expect(heard).to_contain_text("12 Nov 2026 10:00")
    expect(heard).to_contain_text(hearing)
    agreed = events.get_by_role("row").filter(has_text=f"MACSE plan agreed (version {version})")
    expect(agreed).to_contain_text(
        f"Version {version} of the MACSE plan agreed at {cohort.meeting.reference}"
    )
    assert_accessible(page)

    agreed.get_by_role("link", name=f"MACSE plan agreed (version {version})").click()
    _expect_heading(page, f"Version {version}, as agreed")
    expect(_summary_value(page, "Agreed at")).to_have_text(
        f"{cohort.meeting.reference}, 12 Nov 2026 10:00"
    )
    assert_accessible(page)
    _click(page, "link", "the plan as it is now")
    _expect_heading(page, child.name)
    expect(page.locator(".govuk-caption-l")).to_have_text("MACSE plan")
    expect(_summary_value(page, "Review date")).to_have_text(review_on)
    expect(_summary_value(page, "On MACSE")).to_contain_text("Open to MACSE")
    expect(_summary_value(page, "Parents told the child would be discussed")).to_contain_text(
        f"For {cohort.meeting.reference}, 12 Nov 2026 10:00"
    )
    kept = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="At the meeting", exact=True)
    )
    versions = kept.locator("tbody tr")
    expect(versions).to_have_count(version)
    expect(versions.first).to_contain_text(f"Version {version}")
    expect(versions.first).to_contain_text(f"{cohort.meeting.reference}, 12 Nov 2026 10:00")
    expect(versions.first).to_contain_text(ADMINISTRATOR)
    assert_accessible(page)
    page.goto(base_url + cohort.meeting.get_absolute_url())


def _assert_carried(cohort: Cohort) -> None:
    """Each decision is in the cohort, the review clocks and the kept plan versions."""
    new_plan = Plan.objects.get(child=cohort.new_child)
    review_plan = Plan.objects.get(child=cohort.review_child)
    assert new_plan.entry.first_heard_at == cohort.meeting
    assert list(new_plan.versions.values_list("number", "meeting")) == [(1, cohort.meeting.pk)]
    assert list(review_plan.versions.values_list("number", "meeting")) == [
        (1, cohort.earlier.pk),
        (2, cohort.meeting.pk),
    ]
    clocks = Deadline.objects.filter(kind=Kind.MACSE_REVIEW, met_at__isnull=True)
    due = {clock.child_id: clock.due_at.astimezone(LONDON).date() for clock in clocks}
    assert due == {
        cohort.new_child.pk: dt.date(2027, 2, 12),
        cohort.review_child.pk: dt.date(2027, 2, 6),
    }
    items = AgendaItem.objects.filter(meeting=cohort.meeting, child__isnull=False)
    assert {(item.child_id, item.decision) for item in items} == {
        (cohort.new_child.pk, "adopt"),
        (cohort.review_child.pk, "continue"),
    }


# The partner and their actions ------------------------------------------------------------------


@dataclass
class Partnership:
    partner: SignedInUser
    plan: Plan
    own: Action
    other: Action


def _partnership() -> Partnership:
    """A child adopted at the 10 December 2026 meeting, whose plan has an action owned by a
    school's designated safeguarding lead (a referrer) and a disruption action owned by a police
    officer."""
    school = AgencyFactory(name="Northbrook Academy (fictional)", kind=Agency.Kind.EDUCATION)
    partner = make_user(
        RoleCode.REFERRER,
        full_name="Harriet Pennywhistle",
        job_title="Designated safeguarding lead",
        agency=school,
    )
    meeting = make_macse_meeting()
    referral = make_forwarded(
        child_given_names="Delphine",
        child_family_name="Marchbanks",
        child_date_of_birth=dt.date(2011, 9, 30),
    )
    plan = make_plan(meeting=make_agenda(meeting, referrals=[referral]))
    own = make_action(
        plan,
        owner=partner.user,
        desired_outcome="Delphine gets home from school safely every day.",
        description="Arrange a trusted adult to meet Delphine at the school gate after lessons.",
    )
    officer = UserFactory(
        roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER],
        full_name="DC Alun Brackenridge",
        agency=agency(Agency.Kind.POLICE),
    )
    other = make_action(
        plan,
        owner=officer,
        section="pursue",
        about="perpetrator",
        about_details="The driver of a grey hatchback seen near the school",
        desired_outcome="The driver is identified and disrupted.",
        description="Serve a child abduction warning notice on the driver.",
    )
    return Partnership(partner, plan, own, other)


def _open_own_action(page: Page, partnership: Partnership, *, axe: bool = True) -> None:
    _expect_heading(page, "Your open MACSE actions")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Delphine Marchbanks")
    expect(page.get_by_text("Serve a child abduction warning notice")).to_have_count(0)
    if axe:
        assert_accessible(page)
    rows.first.get_by_role("link").click()
    _expect_heading(page, re.compile("^Arrange a trusted adult to meet Delphine"))
    expect(_summary_value(page, "Owner")).to_have_text("Harriet Pennywhistle")
    expect(page.get_by_text("No progress recorded yet.")).to_be_visible()
    expect(page.get_by_role("link", name="The child's MACSE plan")).to_have_count(0)
    if axe:
        assert_accessible(page)


def _record_progress(page: Page, note: str, status: str, *, axe: bool = True) -> None:
    page.get_by_label("Progress", exact=True).fill(note)
    page.get_by_role("group", name="Status of the action").get_by_label(status, exact=True).check()
    _click(page, "button", "Save progress")
    _success(page, "Progress recorded.")
    expect(_summary_value(page, "Status")).to_have_text(status)
    card = page.locator(".govuk-summary-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(f"Harriet Pennywhistle: {status}")
    expect(card).to_contain_text(note)
    if axe:
        assert_accessible(page)


def _other_agencys_action_is_not_found(
    page: Page, base_url: str, partnership: Partnership, *, axe: bool = True
) -> None:
    for url in (partnership.other.get_absolute_url(), partnership.plan.get_absolute_url()):
        response = page.goto(base_url + url)
        assert response is not None and response.status == 404, url
        if axe:
            assert_accessible(page)
    assert not ActionProgress.objects.filter(action=partnership.other).exists()


# The tests ---------------------------------------------------------------------------------------


def test_administrator_builds_prints_decides_and_closes_the_meeting(page: Page, base_url):
    """The agenda from intake and due reviews, the pack printed and checked, each child's
    decision, the minutes agreed; the chronologies and plans show the hearing and decision."""
    cohort = _cohort()
    sign_in(page, base_url, cohort.administrator, next_path=MACSE)
    _open_the_meeting(page, cohort)
    _build_the_agenda(page, cohort)
    _prepare_and_download_the_pack(page, cohort)

    _decide(
        page,
        NEW_CHILD,
        "School and police shared concerns about older males outside the gates.",
        "Adopt onto MACSE",
        flag="Police CSE flag to be created",
        directed=YOUTH_JUSTICE,
        refused_first=True,
    )
    _decide(
        page,
        REVIEW_CHILD,
        "Fewer missing episodes since the last meeting; the plan's actions are under way.",
        "Continue on MACSE",
    )
    _agree_the_minutes(page, cohort)
    _assert_carried(cohort)

    _chronology_and_plan(
        page,
        base_url,
        cohort,
        NEW_CHILD,
        hearing=(
            f"{cohort.meeting.reference} item 1 (new referrals): Adopt onto MACSE. "
            "Police CSE flag to be created."
        ),
        version=1,
        review_on="12 February 2027",
    )
    _chronology_and_plan(
        page,
        base_url,
        cohort,
        REVIEW_CHILD,
        hearing=f"{cohort.meeting.reference} item 2 (reviews due): Continue on MACSE.",
        version=2,
        review_on="6 February 2027",
    )


def test_partner_updates_their_own_action_and_cannot_reach_another_agencys(page: Page, base_url):
    """From "Your open MACSE actions": the progress of their own action; another agency's
    action and the plan are 404s. Every page passes axe."""
    partnership = _partnership()
    sign_in(page, base_url, partnership.partner, next_path=MY_ACTIONS)
    _open_own_action(page, partnership)
    _record_progress(
        page,
        "Met the family; the learning mentor meets Delphine at the gate from Monday.",
        "In progress",
    )
    _other_agencys_action_is_not_found(page, base_url, partnership)
    own = partnership.own
    own.refresh_from_db()
    assert own.status == Action.Status.IN_PROGRESS
    assert own.progress.get().recorded_by == partnership.partner.user


def test_partner_updates_their_own_action_without_javascript(no_js_context, base_url):
    """With JavaScript off: an empty note is refused (the status chosen is kept), then the
    action is marked done, which meets its clock; another agency's action is a 404."""
    page = no_js_context.new_page()
    partnership = _partnership()
    sign_in(page, base_url, partnership.partner, next_path=MY_ACTIONS)
    _open_own_action(page, partnership, axe=False)

    page.get_by_role("group", name="Status of the action").get_by_label("Done", exact=True).check()
    _click(page, "button", "Save progress")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what has been done")
    expect(
        page.get_by_role("group", name="Status of the action").get_by_label("Done", exact=True)
    ).to_be_checked()
    assert not ActionProgress.objects.exists()

    _record_progress(
        page, "The learning mentor meets Delphine at the gate every day.", "Done", axe=False
    )
    _other_agencys_action_is_not_found(page, base_url, partnership, axe=False)
    own = partnership.own
    own.refresh_from_db()
    assert own.status == Action.Status.DONE
    clock = Deadline.objects.get(kind=Kind.ACTION, started_by_id=str(own.pk))
    assert clock.met_at is not None
