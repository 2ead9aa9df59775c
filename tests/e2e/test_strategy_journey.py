"""Browser tests of the strategy journeys and the overdue dashboard, with axe on every page.

- A MASH team manager records a strategy discussion for a referral MASH decided needs one. The
  way in is the Strategy page's "Strategy discussions to hold", then the referral and "Record
  the strategy discussion" (the triage queue's "decided" filter lists the referral too, but its
  link opens the triage page, which leads to the referral only by way of the child's record).
  The form is sent first with "No further action" beside other outcomes (the error summary
  shows, and everything typed is kept), then right. From the discussion: arrange the strategy
  meeting, record it as held, sign it off, and amend it with a reason; the amendment is listed
  on the record.
- A service manager finds an overdue 24-hour clock on the overdue dashboard: in the summary by
  kind, team and worker, and in the list of overdue clocks, whose link opens the referral; the
  CSV download is the same clock. The Dashboards landing page does not link the dashboard yet,
  so it is opened by its address.

Every time is fixed in the past (the referrals are received on a Tuesday or Thursday morning in
November 2026), so the tests do not depend on the day they run. Every person is invented.
"""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from cse_framework.accounts.models import Agency, Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from referrals.models import Referral
from strategy.models import Amendment, StrategyDiscussion, StrategyMeeting
from tests.e2e.conftest import SignedInUser, assert_accessible, make_user, sign_in
from tests.factories.accounts import AgencyFactory, TeamFactory, UserFactory
from tests.factories.referrals import THURSDAY_10AM, make_decided, make_received

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collectstatic output; the live server serves static from the finders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LONDON = ZoneInfo("Europe/London")
STRATEGY = "/strategy/"
OVERDUE = "/dashboards/overdue/"
DISCUSSIONS_TO_HOLD = "Strategy discussions to hold (24 hours from MASH receipt)"

# make_decided receives and decides the referral at THURSDAY_10AM (26 November 2026, 10:00 in
# London, which is on GMT then); the discussion is held later that morning, the meeting the day
# after: all in the past, none before the referral was received.
DISCUSSION_HELD = THURSDAY_10AM.astimezone(LONDON) + dt.timedelta(hours=1, minutes=30)
MEETING_AT = DISCUSSION_HELD.replace(hour=14, minute=0) + dt.timedelta(days=1)
ACTION_DUE = dt.date(2026, 12, 4)
# Received on the Tuesday before, in office hours: its 24-hour clock fell due the next morning.
TUESDAY_10AM = dt.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)

MANAGER = "Imogen Farthingale"
OFFICER = "DC Rhys Ambergate"
NURSE = "Nell Pemberthy"
DOCTOR = "Dr Saoirse Quennell"
POLICE = "Police: child exploitation unit"
HEALTH = "Health: school nursing service"


# Helpers -----------------------------------------------------------------------------------------


def _expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _choose(scope: Page | Locator, question: str, answer: str) -> None:
    """Tick the answer to a question asked as a fieldset of radios or checkboxes."""
    scope.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def _enter_date(scope: Page | Locator, question: str, day: dt.date) -> None:
    """A GOV.UK date input: day, month and year boxes in a fieldset."""
    group = scope.get_by_role("group", name=question, exact=True)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def _row(page: Page, legend: str) -> Locator:
    """One row of people or actions, a fieldset such as "Participant 1"."""
    return page.get_by_role("group", name=legend, exact=True)


def _summary_value(page: Page, key: str) -> Locator:
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator(".govuk-summary-list__value")


def _click(page: Page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()


# People and the referral -------------------------------------------------------------------------


def _mash_team() -> Team:
    """The MASH team: the service gives it each 24-hour clock as MASH receives a referral."""
    council = AgencyFactory(name="Knowsley Council (test)", kind=Agency.Kind.CHILDRENS_SOCIAL_CARE)
    return TeamFactory(name="MASH", agency=council, kind=Team.Kind.MASH)


def _strategy_people() -> tuple[SignedInUser, Referral]:
    """A MASH team manager, a police officer with an account, the police and health agencies,
    and a referral MASH decided (on THURSDAY_10AM) needs a strategy discussion."""
    team = _mash_team()
    manager = make_user(
        RoleCode.MASH_TEAM_MANAGER, full_name=MANAGER, agency=team.agency, team=team
    )
    police = AgencyFactory(name=POLICE, kind=Agency.Kind.POLICE)
    AgencyFactory(name=HEALTH, kind=Agency.Kind.HEALTH)
    UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER], full_name=OFFICER, agency=police)
    referrer = UserFactory(roles=[RoleCode.REFERRER], full_name="Harriet Pennywhistle")
    referral = make_decided(referrer, manager.user)
    assert referral.decision == Referral.Decision.STRATEGY_DISCUSSION
    return manager, referral


# Steps of the strategy journey -----------------------------------------------------------------


def _open_referral_from_strategy_page(page: Page, referral: Referral) -> None:
    _expect_heading(page, "Strategy")
    clocks = page.get_by_role("table", name=DISCUSSIONS_TO_HOLD)
    row = clocks.get_by_role("row").filter(has_text=referral.reference)
    expect(row).to_contain_text("Overdue")  # due 24 hours after THURSDAY_10AM
    assert_accessible(page)
    row.get_by_role("link", name=referral.reference, exact=True).click()
    _expect_heading(page, referral.reference)
    expect(page.get_by_text("Decision: Strategy discussion needed.")).to_be_visible()
    assert_accessible(page)
    _click(page, "link", "Record the strategy discussion")
    _expect_heading(page, "Record the strategy discussion")
    assert_accessible(page)


def _fill_discussion(page: Page) -> None:
    """When, who chaired, who took part (police and health), what was considered, the
    outcomes (with "No further action" beside two others: wrong) and one action."""
    _enter_date(page, "Date it was held", DISCUSSION_HELD.date())
    page.get_by_label("Time it was held", exact=True).fill(f"{DISCUSSION_HELD:%H:%M}")
    page.get_by_label("Chair", exact=True).select_option(label=MANAGER)
    expect(page.get_by_label("Information considered", exact=True)).to_have_value(
        re.compile(r"^CSE1 ")
    )
    page.get_by_label("Information considered", exact=True).press("Control+End")
    page.get_by_label("Information considered", exact=True).press_sequentially(
        "\nPolice: two sightings in cars with unknown adults."
    )
    page.get_by_label("Risk the young person may pose to others", exact=True).fill(
        "None found: no sign she is asked to bring other children."
    )
    for outcome in ("Section 47 enquiries", "Strategy meeting needed", "No further action"):
        _choose(page, "Outcomes (select all that apply)", outcome)
    page.get_by_label("Why these decisions?", exact=True).fill(
        "Reasonable cause to suspect significant harm; partners to meet within 72 hours."
    )
    for legend, name, agency, role in (
        ("Participant 1", OFFICER, POLICE, "Detective constable"),
        ("Participant 2", NURSE, HEALTH, "School nurse"),
    ):
        row = _row(page, legend)
        row.get_by_label("Name", exact=True).fill(name)
        row.get_by_label("Agency", exact=True).select_option(label=agency)
        row.get_by_label("Role (optional)", exact=True).fill(role)
    action = _row(page, "Action 1")
    action.get_by_label("Action", exact=True).fill("Speak to the designated teacher at school.")
    action.get_by_label("Owner (a user of this service)", exact=True).select_option(label=MANAGER)
    _enter_date(action, "Due by", ACTION_DUE)
    assert_accessible(page)


def _see_outcomes_error_with_everything_kept(page: Page) -> None:
    _click(page, "button", "Record the discussion")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("'No further action' cannot go with another outcome")
    expect(page).to_have_title(re.compile(r"^Error: "))
    _expect_heading(page, "Record the strategy discussion")
    assert_accessible(page)
    # What was typed is kept.
    held = page.get_by_role("group", name="Date it was held", exact=True)
    expect(held.get_by_label("Day", exact=True)).to_have_value(str(DISCUSSION_HELD.day))
    expect(held.get_by_label("Year", exact=True)).to_have_value(str(DISCUSSION_HELD.year))
    expect(page.get_by_label("Time it was held", exact=True)).to_have_value(
        f"{DISCUSSION_HELD:%H:%M}"
    )
    expect(page.get_by_label("Chair", exact=True).locator("option:checked")).to_have_text(MANAGER)
    expect(page.get_by_label("Information considered", exact=True)).to_have_value(
        re.compile("Police: two sightings in cars with unknown adults.")
    )
    expect(page.get_by_label("Why these decisions?", exact=True)).to_have_value(
        re.compile("^Reasonable cause to suspect significant harm")
    )
    outcomes = page.get_by_role("group", name="Outcomes (select all that apply)", exact=True)
    for outcome in ("Section 47 enquiries", "Strategy meeting needed", "No further action"):
        expect(outcomes.get_by_label(outcome, exact=True)).to_be_checked()
    participant = _row(page, "Participant 2")
    expect(participant.get_by_label("Name", exact=True)).to_have_value(NURSE)
    expect(participant.get_by_label("Agency", exact=True).locator("option:checked")).to_have_text(
        HEALTH
    )
    action = _row(page, "Action 1")
    expect(action.get_by_label("Action", exact=True)).to_have_value(
        "Speak to the designated teacher at school."
    )
    due = action.get_by_role("group", name="Due by", exact=True)
    expect(due.get_by_label("Day", exact=True)).to_have_value(str(ACTION_DUE.day))
    assert not StrategyDiscussion.objects.exists()


def _record_discussion(page: Page) -> None:
    outcomes = page.get_by_role("group", name="Outcomes (select all that apply)", exact=True)
    outcomes.get_by_label("No further action", exact=True).uncheck()
    _click(page, "button", "Record the discussion")
    _expect_heading(page, "Strategy discussion")
    expect(_summary_value(page, "Held")).to_have_text(f"{DISCUSSION_HELD:%-d %B %Y %H:%M}")
    expect(_summary_value(page, "Chair")).to_have_text(MANAGER)
    expect(_summary_value(page, "Took part")).to_contain_text(
        f"{OFFICER} ({POLICE}), Detective constable"
    )
    expect(_summary_value(page, "Took part")).to_contain_text(f"{NURSE} ({HEALTH}), School nurse")
    expect(_summary_value(page, "Outcomes")).to_have_text(
        "Section 47 enquiries, Strategy meeting needed"
    )
    expect(page.get_by_text("Not compliant")).to_have_count(0)
    expect(
        page.get_by_text(f"Speak to the designated teacher at school.: {MANAGER}")
    ).to_contain_text(f"by {ACTION_DUE:%-d %B %Y}")
    assert_accessible(page)


def _arrange_meeting(page: Page) -> None:
    """Date, time, venue, chair; the officer (a user) and the nurse (by name) invited."""
    _click(page, "link", "Arrange the strategy meeting")
    _expect_heading(page, "Arrange the strategy meeting")
    meeting_due = DISCUSSION_HELD + dt.timedelta(hours=72)
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"{meeting_due:%-d %B %Y %H:%M}")
    assert_accessible(page)
    _enter_date(page, "Date of the meeting", MEETING_AT.date())
    page.get_by_label("Time of the meeting", exact=True).fill(f"{MEETING_AT:%H:%M}")
    page.get_by_label("Venue or call link", exact=True).fill("Civic Centre, meeting room 3")
    page.get_by_label("Chair", exact=True).select_option(label=MANAGER)
    officer = _row(page, "Invitee 1")
    officer.get_by_label("A user of this service", exact=True).select_option(label=OFFICER)
    officer.get_by_label("Role (optional)", exact=True).fill("Detective constable")
    nurse = _row(page, "Invitee 2")
    nurse.get_by_label("Or a name", exact=True).fill(NURSE)
    nurse.get_by_label("Their agency", exact=True).select_option(label=HEALTH)
    nurse.get_by_label("Role (optional)", exact=True).fill("School nurse")
    assert_accessible(page)
    _click(page, "button", "Arrange the meeting")
    _expect_heading(page, "Strategy meeting")
    expect(
        page.get_by_text("Meeting arranged. Everyone with an account has been told.")
    ).to_be_visible()
    expect(_summary_value(page, "Arranged for")).to_have_text(f"{MEETING_AT:%-d %B %Y %H:%M}")
    expect(_summary_value(page, "Venue or call link")).to_have_text("Civic Centre, meeting room 3")
    invited = _summary_value(page, "Invited")
    expect(invited).to_contain_text(f"{OFFICER} ({POLICE}), Detective constable: invited")
    expect(invited).to_contain_text(f"{NURSE} ({HEALTH}), School nurse: invited")
    assert_accessible(page)


def _record_meeting_held(page: Page) -> None:
    """The officer came, the nurse sent apologies and a doctor came in her place."""
    _click(page, "link", "Record the meeting as held")
    _expect_heading(page, "Record the strategy meeting as held")
    assert_accessible(page)
    _enter_date(page, "Date it was held", MEETING_AT.date())
    page.get_by_label("Time it was held", exact=True).fill(f"{MEETING_AT:%H:%M}")
    _choose(page, f"{OFFICER} ({POLICE})", "Present")
    _choose(page, f"{NURSE} ({HEALTH})", "Sent apologies")
    page.get_by_label("Minutes", exact=True).fill(
        "Police shared two sightings; health shared school nursing contacts."
    )
    for decision in ("Section 47 enquiries", "Initial child protection conference"):
        _choose(page, "Decisions (select all that apply)", decision)
    page.get_by_label("Why these decisions?", exact=True).fill(
        "Significant harm likely; a conference to plan with the family."
    )
    doctor = _row(page, "Person 1")
    doctor.get_by_label("Name", exact=True).fill(DOCTOR)
    doctor.get_by_label("Agency", exact=True).select_option(label=HEALTH)
    doctor.get_by_label("Role (optional)", exact=True).fill("Named doctor for safeguarding")
    assert_accessible(page)
    _click(page, "button", "Record the meeting")
    _expect_heading(page, "Strategy meeting")
    expect(_summary_value(page, "Held")).to_have_text(f"{MEETING_AT:%-d %B %Y %H:%M}")
    took_part = _summary_value(page, "Took part")
    expect(took_part).to_contain_text(f"{NURSE} ({HEALTH}), School nurse: sent apologies")
    expect(took_part).to_contain_text(f"{DOCTOR} ({HEALTH}), Named doctor for safeguarding")
    # The decisions read in the order the form lists them.
    expect(_summary_value(page, "Decisions")).to_have_text(
        "Section 47 enquiries, Initial child protection conference"
    )
    expect(page.get_by_text("Not signed off yet.")).to_be_visible()
    assert_accessible(page)


def _sign_off_and_amend(page: Page) -> None:
    _click(page, "button", "Sign off")
    expect(
        page.get_by_text("Signed off. From now on a change is kept as an amendment.")
    ).to_be_visible()
    expect(page.get_by_text(f"Signed off by {MANAGER} on")).to_be_visible()
    assert_accessible(page)
    _click(page, "link", "Amend this record")
    _expect_heading(page, "Amend the signed-off record")
    assert_accessible(page)
    page.get_by_label("Minutes", exact=True).fill(
        "Police shared three sightings; health shared school nursing contacts."
    )
    page.get_by_label("Why is it being amended?", exact=True).fill(
        "The police officer corrected the number of sightings."
    )
    _click(page, "button", "Save the amendment")
    _expect_heading(page, "Strategy meeting")
    expect(_summary_value(page, "Minutes")).to_have_text(
        "Police shared three sightings; health shared school nursing contacts."
    )
    amendments = page.get_by_role("table", name="Amendments after sign-off")
    expect(amendments.get_by_role("row")).to_have_count(2)
    expect(amendments).to_contain_text(MANAGER)
    expect(amendments).to_contain_text(
        'Minutes: was "Police shared two sightings; health shared school nursing contacts.", '
        'now "Police shared three sightings; health shared school nursing contacts."'
    )
    expect(amendments).to_contain_text("The police officer corrected the number of sightings.")
    assert_accessible(page)


def _assert_recorded(referral: Referral) -> None:
    discussion = StrategyDiscussion.objects.get(referral=referral)
    assert discussion.held_at == DISCUSSION_HELD
    assert discussion.compliant
    assert discussion.outcomes == ["section_47", "strategy_meeting"]
    meeting = StrategyMeeting.objects.get(discussion=discussion)
    assert meeting.held_at == MEETING_AT
    assert meeting.compliant  # the doctor came for health
    assert meeting.signed_off
    assert Amendment.objects.filter(meeting=meeting).count() == 1
    clocks = {
        clock.kind: clock
        for clock in Deadline.objects.filter(
            kind__in=[Kind.STRATEGY_DISCUSSION, Kind.STRATEGY_MEETING]
        )
    }
    assert clocks[Kind.STRATEGY_DISCUSSION].met_at == DISCUSSION_HELD
    assert clocks[Kind.STRATEGY_MEETING].met_at == MEETING_AT
    assert Deadline.objects.filter(kind=Kind.ACTION, met_at=None).count() == 1


# The tests ---------------------------------------------------------------------------------------


def test_mash_manager_records_a_strategy_discussion_and_meeting(page: Page, base_url):
    """Discussion (an outcomes error first, all kept), meeting arranged, held, signed off and
    amended, from the Strategy page, and every page passes axe."""
    manager, referral = _strategy_people()
    sign_in(page, base_url, manager, next_path=STRATEGY)
    _open_referral_from_strategy_page(page, referral)
    _fill_discussion(page)
    _see_outcomes_error_with_everything_kept(page)
    _record_discussion(page)
    _arrange_meeting(page)
    _record_meeting_held(page)
    _sign_off_and_amend(page)
    _assert_recorded(referral)


def test_manager_finds_the_overdue_clock_on_the_dashboard(page: Page, base_url):
    """The overdue 24-hour clock is in the summary and the list, its link opens the referral,
    and the CSV download holds it; every page passes axe."""
    _mash_team()
    referrer = UserFactory(roles=[RoleCode.REFERRER], full_name="Harriet Pennywhistle")
    referral = make_received(referrer, now=TUESDAY_10AM)
    due = referral.received_at + dt.timedelta(hours=24)
    manager = make_user(RoleCode.SERVICE_MANAGER, full_name="Ambrose Whitlock")
    sign_in(page, base_url, manager, next_path=OVERDUE)

    _expect_heading(page, "Overdue clocks")
    summary = page.get_by_role("table", name="Open clocks by kind and team")
    row = summary.get_by_role("row").filter(has_text="Strategy discussion")
    expect(row.get_by_role("cell")).to_have_text(
        ["Strategy discussion", "MASH", "1 overdue: Strategy discussion, MASH", "0", "0"]
    )  # the figure's link says what it opens (its visually hidden text is part of the cell's)
    workers = page.get_by_role("table", name="Workers with the most clocks overdue")
    expect(workers).to_contain_text("No worker has a clock overdue")  # the clock is not taken
    assert_accessible(page)

    # Drill down: the overdue figure opens those clocks.
    row.get_by_role("link", name="1 overdue: Strategy discussion, MASH").click()
    _expect_heading(page, "The overdue clocks")
    overdue = page.get_by_role("table", name="Overdue, the longest overdue first")
    clock = overdue.get_by_role("row").filter(has_text=referral.reference)
    expect(clock).to_have_count(1)
    expect(clock).to_contain_text(f"{due.astimezone(LONDON):%-d %b %Y %H:%M}")
    expect(clock).to_contain_text("Overdue")
    expect(clock).to_contain_text("Strategy discussion")
    assert_accessible(page)

    link = page.get_by_role("link", name="Download the overdue clocks (CSV)", exact=True)
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == "overdue-clocks.csv"
    with open(download.path(), encoding="utf-8") as downloaded:
        rows = list(csv.DictReader(downloaded))
    assert [(r["clock"], r["reference"], r["team"]) for r in rows] == [
        ("Strategy discussion", referral.reference, "MASH")
    ]
    assert rows[0]["due_at_utc"] == due.astimezone(dt.UTC).isoformat(timespec="minutes")
    response = page.request.get(base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert next(csv.DictReader(io.StringIO(response.text())))["reference"] == referral.reference

    clock.get_by_role("link", name=referral.reference, exact=True).click()
    _expect_heading(page, referral.reference)
    expect(page.get_by_text("Status: Received.")).to_be_visible()
    assert_accessible(page)

    page.goto(base_url + OVERDUE)
    page.get_by_role("link", name="Timeliness", exact=True).click()
    _expect_heading(page, "Timeliness")
    # Its figures depend on today's date; tests/timescales checks them on a fixed clock.
    for table in ("Met on time, last month", "Met on time, last quarter", "Why clocks were late"):
        expect(page.get_by_role("table", name=table)).to_be_visible()
    assert_accessible(page)
