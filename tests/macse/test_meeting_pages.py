"""MACSE's meeting pages, per role: the landing page (25 meetings a page, a fixed number of
queries), setting up a meeting, attendance and quorum, the confidentiality statement, the agenda
(moving items, police-only items, D12), each item's page (the parents question, D9; minutes and
decisions, D11 closure evidence; deferral) and agreeing the minutes. Every form is posted as a
browser without JavaScript posts it; a refused form keeps what was typed."""

import datetime as dt
import re
from html import escape

import pytest
import time_machine
from django.urls import reverse

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import NoticeRecipient
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from macse import services
from macse.models import AgendaItem, Attendee, CohortEntry, Meeting
from tests.factories.accounts import UserFactory
from tests.factories.macse import (
    DECEMBER_10,
    administrator,
    agency,
    chair,
    make_adopted,
    make_agenda,
    make_forwarded,
    make_macse_meeting,
)
from tests.factories.shield import make_assessment, make_case, shield_worker

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SEPTEMBER_10 = dt.datetime(2026, 9, 10, 9, 0, tzinfo=UTC)
NOVEMBER_30 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
MEETING_LINK = re.compile(r'href="/macse/meetings/\d+/"')


def _url(name: str, obj) -> str:
    return reverse(f"macse:{name}", kwargs={"pk": obj.pk})


def _child_item(meeting) -> AgendaItem:
    return meeting.items.get(child__isnull=False)


# --- The landing page -------------------------------------------------------------------------


def test_the_landing_page_lists_meetings_25_a_page_in_a_fixed_number_of_queries(
    client_for, django_assert_num_queries
):
    """One meeting or 31 (upcoming and past, two pages of past ones): the same queries."""
    admin_user, chair_user = administrator(), chair()
    make_macse_meeting(by=admin_user, chair_user=chair_user)
    admin = client_for(user=admin_user)
    index = reverse("macse:index")
    page = admin.get(index)
    assert page.status_code == 200
    assert reverse("macse:meeting-new") in page.text
    with django_assert_num_queries(LANDING_QUERIES):
        admin.get(index)
    for week in range(30):
        make_macse_meeting(
            by=admin_user,
            chair_user=chair_user,
            starts_at=dt.datetime(2026, 1, 8, 10, 0, tzinfo=UTC) + dt.timedelta(weeks=week),
        )
    with django_assert_num_queries(LANDING_QUERIES):
        page = admin.get(index)
    assert "Upcoming meetings (1)" in page.text and "Past meetings (30)" in page.text
    assert len(MEETING_LINK.findall(page.text)) == 26  # 1 upcoming, 25 past
    assert "?past=2" in page.text
    second = admin.get(index, {"past": 2}).text
    assert len(MEETING_LINK.findall(second)) == 6 and "?past=1" in second


# The session and the user (4), a page of each list (2), the session saved (3).
LANDING_QUERIES = 9


def test_the_landing_page_is_for_the_macse_roles_and_the_workers_asked_about_parents(
    client_for,
):
    meeting = make_agenda()
    for role in (
        RoleCode.HEALTH_REPRESENTATIVE,
        RoleCode.SHIELD_WORKER,
        RoleCode.ALLOCATED_SOCIAL_WORKER,
    ):
        assert client_for(role).get(reverse("macse:index")).status_code == 200
    for role in (RoleCode.REFERRER, RoleCode.LSCB_ANALYST):
        assert client_for(role).get(reverse("macse:index")).status_code == 403
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE).get(reverse("macse:index")).text
    assert meeting.reference in health and reverse("macse:meeting-new") not in health


# --- Setting up a meeting ---------------------------------------------------------------------


def test_the_administrator_sets_up_a_meeting_and_a_refused_form_keeps_what_was_typed(client_for):
    admin = client_for(user=administrator())
    police_chair = chair()
    UserFactory(roles=[RoleCode.SHIELD_WORKER], full_name="Pat Notachair")
    page = admin.get(reverse("macse:meeting-new")).text
    assert escape(police_chair.full_name) in page and "Pat Notachair" not in page
    typed = {
        "starts_on_0": "10",
        "starts_on_1": "6",
        "starts_on_2": "2027",
        "starts_time": "10:00",
        "venue": "Civic centre, room 4 (fictional)",
    }
    refused = admin.post(reverse("macse:meeting-new"), typed)
    assert refused.status_code == 200
    assert "Select who will chair the meeting" in refused.text
    assert 'value="Civic centre, room 4 (fictional)"' in refused.text
    assert not Meeting.objects.exists()

    response = admin.post(reverse("macse:meeting-new"), {**typed, "chair": police_chair.pk})
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.starts_at == dt.datetime(2027, 6, 10, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert meeting.administrator == admin.user and meeting.chair == police_chair
    assert meeting.attendees.get().user == police_chair


def test_only_the_administrator_sets_up_meetings(client_for):
    assert client_for(RoleCode.MACSE_CHAIR).get(reverse("macse:meeting-new")).status_code == 403


# --- Attendance, quorum, the confidentiality statement ----------------------------------------


def test_attendance_and_quorum(client_for):
    """Not quorate until the chair, children's social care, police and health are present."""
    meeting = make_macse_meeting()
    admin = client_for(user=meeting.administrator)
    page = admin.get(meeting.get_absolute_url()).text
    assert escape("Missing: The chair, Children's social care, Police, Health.") in page

    invite = _url("meeting-attendee-add", meeting)
    refused = admin.post(invite, {"role": "Safeguarding nurse"})
    assert refused.status_code == 200
    assert "Enter the representative&#x27;s name, or choose a user" in refused.text
    assert 'value="Safeguarding nurse"' in refused.text
    health = agency(Agency.Kind.HEALTH)
    admin.post(invite, {"name": "Nurse Example (fictional)", "agency": health.pk})
    admin.post(invite, {"user": meeting.administrator.pk})
    assert meeting.attendees.count() == 3

    attendees = list(meeting.attendees.all())
    answers = {f"attendance_{a.pk}": "present" for a in attendees}
    nurse = meeting.attendees.get(name="Nurse Example (fictional)")
    answers[f"attendance_{nurse.pk}"] = "apologies"
    response = admin.post(_url("meeting-attendance", meeting), answers)
    assert response.status_code == 302
    page = admin.get(meeting.get_absolute_url()).text
    assert "Not quorate. Missing: Health." in page
    assert services.quorum(meeting) == {"quorate": False, "missing": ["Health"]}
    admin.post(_url("meeting-attendance", meeting), {f"attendance_{nurse.pk}": "present"})
    assert nurse.__class__.objects.get(pk=nurse.pk).attendance == Attendee.Attendance.PRESENT
    assert "Quorate" in admin.get(meeting.get_absolute_url()).text


def test_the_chair_records_that_the_confidentiality_statement_was_read(client_for):
    meeting = make_macse_meeting()
    chair_client = client_for(user=meeting.chair)
    page = chair_client.get(meeting.get_absolute_url()).text
    assert "Everything said and shared at this meeting is confidential" in page
    assert "Record that the statement was read" in page
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    assert "Record that the statement was read" not in health.get(meeting.get_absolute_url()).text
    assert health.post(_url("meeting-confidentiality", meeting)).status_code == 404
    assert chair_client.post(_url("meeting-confidentiality", meeting)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.confidentiality_acknowledged_by == meeting.chair


# --- The agenda -------------------------------------------------------------------------------


def test_the_agenda_in_its_sections_with_items_moved_up_and_down(client_for):
    meeting = make_agenda()
    admin = client_for(user=meeting.administrator)
    add = _url("meeting-standing-add", meeting)
    refused = admin.post(add, {"section": "persons", "details": "Seen near the park."})
    assert "Enter what the item is about" in refused.text and "Seen near the park." in refused.text
    for title in ("A car seen outside the school", "An adult using the name Fox"):
        assert admin.post(add, {"section": "persons", "title": title}).status_code == 302
    persons = list(meeting.items.filter(section="persons").order_by("position"))
    assert [item.title for item in persons][1:] == [
        "A car seen outside the school",
        "An adult using the name Fox",
    ]
    page = admin.get(meeting.get_absolute_url()).text
    for label in ("New referrals", "Persons of concern", "Themes and trends", "Any other business"):
        assert label in page
    last = persons[-1]
    assert admin.post(_url("item-move", last), {"direction": "up"}).status_code == 302
    moved = [item.title for item in meeting.items.filter(section="persons").order_by("position")]
    assert moved[1:] == ["An adult using the name Fox", "A car seen outside the school"]
    chair_client = client_for(user=meeting.chair)
    assert chair_client.post(_url("item-move", last), {"direction": "down"}).status_code == 404


def test_a_child_is_added_by_hand_and_a_child_already_on_the_agenda_is_refused(client_for):
    meeting = make_agenda()
    other = make_forwarded()
    admin = client_for(user=meeting.administrator)
    url = _url("meeting-child-add", meeting)
    refused = admin.post(url, {"section": "review"})
    assert "Choose the child" in refused.text and 'value="review" checked' in refused.text
    on_agenda = _child_item(meeting).child
    assert admin.post(url, {"section": "review", "child": on_agenda.pk}).status_code == 200
    assert admin.post(url, {"section": "new_referral", "child": other.child.pk}).status_code == 302
    assert meeting.items.filter(child=other.child, section="new_referral").exists()


def test_a_police_only_item_is_hidden_from_a_shield_team_manager(client_for):
    """D12: the item shows as "Police-only item" to others, and its page is a 404."""
    meeting = make_agenda()
    item = services.item_add(
        meeting=meeting,
        by=meeting.administrator,
        section="persons",
        title="Adult male known as Kestrel",
        details="From a graded police intelligence report.",
        police_only=True,
    )
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    page = manager.get(meeting.get_absolute_url()).text
    assert "Police-only item" in page and "Kestrel" not in page
    assert manager.get(item.get_absolute_url()).status_code == 404
    assert AccessEvent.objects.filter(
        user=manager.user, action=AccessEvent.Action.DENY, object_id=str(item.pk)
    ).exists()
    # The administrator moves it without seeing it.
    admin = client_for(user=meeting.administrator)
    assert "Kestrel" not in admin.get(meeting.get_absolute_url()).text
    assert admin.post(_url("item-move", item), {"direction": "up"}).status_code == 302
    assert admin.get(item.get_absolute_url()).status_code == 404
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    assert "Kestrel" in police.get(meeting.get_absolute_url()).text
    assert "graded police intelligence" in police.get(item.get_absolute_url()).text


def test_the_meeting_page_records_a_view_of_each_child_on_the_agenda(client_for):
    first, second = make_forwarded(), make_forwarded()
    meeting = make_agenda(referrals=[first, second])
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    assert health.get(meeting.get_absolute_url()).status_code == 200
    seen = set(
        AccessEvent.objects.filter(user=health.user, action=AccessEvent.Action.VIEW).values_list(
            "child_id", flat=True
        )
    )
    assert seen == {first.child_id, second.child_id}


def test_someone_not_invited_without_a_macse_role_gets_404(client_for):
    meeting = make_agenda()
    worker = client_for(RoleCode.SHIELD_WORKER)
    assert worker.get(meeting.get_absolute_url()).status_code == 404
    assert worker.get(_child_item(meeting).get_absolute_url()).status_code == 404


# --- An item: the parents question (D9) -------------------------------------------------------


def test_the_parents_question_goes_to_the_shield_worker_who_answers_it(client_for):
    """No social worker is allocated, so the Shield worker is asked: told by a notice with a
    link, listed on their landing page, answering on the item's page (a reason when not)."""
    referral = make_forwarded()
    worker = shield_worker()
    make_case(referral.child, worker=worker)
    meeting = make_agenda(referrals=[referral])
    item = _child_item(meeting)
    assert item.parents_asked_of == worker
    notice = NoticeRecipient.objects.get(user=worker, notice__link=item.get_absolute_url()).notice
    assert notice.reference == meeting.reference and str(referral.child) not in notice.subject

    client = client_for(user=worker)
    landing = client.get(reverse("macse:index")).text
    assert item.get_absolute_url() in landing and escape(str(referral.child)) in landing
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200
    assert "Are the parents told the child will be discussed at MACSE?" in page.text
    assert "Minutes and decision" not in page.text  # not invited: the question only
    url = _url("item-parents", item)
    refused = client.post(url, {"version": item.version, "told": "no"})
    assert refused.status_code == 200
    assert "Say why the parents are not to be told" in refused.text
    assert 'value="no" checked' in refused.text
    reason = "Telling them now would put the child at further risk."
    response = client.post(
        url, {"version": item.version, "told": "no", "parents_not_told_reason": reason}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.parents_told is False and item.parents_not_told_reason == reason
    assert item.get_absolute_url() not in client.get(reverse("macse:index")).text


def test_the_allocated_social_worker_answers_from_the_notices_link(client_for):
    referral = make_forwarded()
    social_worker = UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER])
    referral.child.allocated_social_worker = social_worker
    referral.child.save()
    meeting = make_agenda(referrals=[referral])
    item = _child_item(meeting)
    client = client_for(user=social_worker)
    assert client.get(item.get_absolute_url()).status_code == 200
    response = client.post(_url("item-parents", item), {"version": item.version, "told": "yes"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.parents_told is True
    # Someone else's item stays a 404.
    other = make_agenda()
    assert client.get(_child_item(other).get_absolute_url()).status_code == 404


# --- An item: minutes, decisions, deferral ----------------------------------------------------


def test_the_item_page_shows_the_child_their_age_their_shield_case_and_the_cse1(client_for):
    referral = make_forwarded(child_date_of_birth=dt.date(2011, 12, 11))
    case = make_case(referral.child)
    meeting = make_agenda(referrals=[referral])
    item = _child_item(meeting)
    admin = client_for(user=meeting.administrator)
    page = admin.get(item.get_absolute_url()).text
    assert escape(str(referral.child)) in page
    assert 'Age on the meeting day</dt><dd class="govuk-summary-list__value">14' in page
    assert case.get_absolute_url() in page and referral.reference in page
    assert AccessEvent.objects.filter(
        user=admin.user, action=AccessEvent.Action.VIEW, child_id=referral.child_id
    ).exists()
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE).get(item.get_absolute_url()).text
    assert "Minutes and decision" not in health and "Defer to a later meeting" not in health


def _review_item(meeting_starts=DECEMBER_10):
    """A child adopted in September, on December's agenda for review, with a Shield case."""
    _, child = make_adopted(starts_at=SEPTEMBER_10)
    case = make_case(child)
    meeting = make_agenda(make_macse_meeting(starts_at=meeting_starts), children=[child])
    return meeting.items.get(child=child), case


def _decision(item, **fields) -> dict:
    return {
        "version": item.version,
        "minutes": "Partners report school attendance is back to normal.",
        "decision": "close",
        "decision_rationale": "",
        "flag_decision": "",
        **fields,
    }


def test_closing_without_the_evidence_d11_requires_is_refused_on_its_field(client_for):
    """A closure needs a completed CSE2 at Lower or below the one before it, and reasons: each
    missing piece is a field error, and the minutes typed are kept."""
    item, case = _review_item()
    high = make_assessment(case.child, case.worker, values=(5,) * 8, on=dt.date(2026, 11, 2))
    chair_client = client_for(user=item.meeting.chair)
    url = _url("item-decide", item)
    refused = chair_client.post(url, _decision(item))
    assert refused.status_code == 200
    text = refused.text
    assert "Choose the completed CSE2 that shows the risk has reduced" in text
    assert "Give the reasons for the decision" in text
    assert 'id="decision-closure_assessment-error"' in text
    assert "Partners report school attendance is back to normal." in text
    reasons = {"decision_rationale": "Risk reduced over three months."}
    refused = chair_client.post(url, _decision(item, closure_assessment=high.pk, **reasons))
    assert "neither at band Lower nor scored below the one before it" in refused.text
    item.refresh_from_db()
    assert not item.decided

    lower = make_assessment(
        case.child, case.worker, values=(0,) * 8, kind="review", on=dt.date(2026, 11, 20)
    )
    response = chair_client.post(url, _decision(item, closure_assessment=lower.pk, **reasons))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "close" and item.closure_assessment == lower
    assert item.decided_by == item.meeting.chair


def test_a_decision_on_a_deferred_item_is_refused(client_for):
    item, _ = _review_item()
    admin = client_for(user=item.meeting.administrator)
    response = admin.post(
        _url("item-defer", item), {"version": item.version, "deferred_reason": "No CSE2 yet."}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    page = admin.get(item.get_absolute_url()).text
    assert "review clock keeps running" in page and "Save the minutes and decision" not in page
    refused = admin.post(_url("item-decide", item), _decision(item, decision="continue"))
    assert refused.status_code == 200
    assert "This item was deferred: it takes its decision at a later meeting" in refused.text
    item.refresh_from_db()
    assert not item.decided


def test_a_stale_decision_is_refused_and_what_was_typed_is_kept(client_for):
    item, _ = _review_item()
    chair_client = client_for(user=item.meeting.chair)
    read_at = item.version
    services.parents_decide(item=item, by=item.meeting.administrator, told=True)
    typed = _decision(item, version=read_at, decision="continue", minutes="Agreed to continue.")
    refused = chair_client.post(_url("item-decide", item), typed)
    assert refused.status_code == 200
    assert "Someone else changed this while you were working on it" in refused.text
    assert "Agreed to continue." in refused.text
    item.refresh_from_db()
    assert not item.decided
    assert f'name="version" value="{item.version}"' in refused.text  # saving again is deliberate
    again = chair_client.post(_url("item-decide", item), {**typed, "version": item.version})
    assert again.status_code == 302


def test_a_standing_item_takes_minutes_only(client_for):
    meeting = make_agenda()
    standing = meeting.items.filter(child__isnull=True).first()
    chair_client = client_for(user=meeting.chair)
    page = chair_client.get(standing.get_absolute_url()).text
    assert "Save the minutes" in page and "Defer" not in page
    response = chair_client.post(
        _url("item-minutes", standing), {"version": standing.version, "minutes": "Nothing new."}
    )
    assert response.status_code == 302
    standing.refresh_from_db()
    assert standing.minutes == "Nothing new."
    child_item = _child_item(meeting)
    assert chair_client.post(_url("item-minutes", child_item), {}).status_code == 404


# --- Agreeing the minutes ---------------------------------------------------------------------


def test_agreeing_the_minutes_is_refused_while_a_child_waits_for_a_decision(client_for):
    meeting = make_agenda(make_macse_meeting(starts_at=SEPTEMBER_10))
    admin = client_for(user=meeting.administrator)
    refused = admin.post(_url("meeting-close", meeting), {"version": meeting.version})
    assert refused.status_code == 200
    assert "1 child on the agenda still need a decision, or deferring" in refused.text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_decided_and_closed_through_the_pages_the_review_is_due_3_months_on(client_for):
    """First heard on 30 November 2026 at 10:00; agreed that afternoon: the child joins the
    cohort and their review is due on 28 February 2027 at 10:00 (D5: the day clamped)."""
    meeting = make_agenda(make_macse_meeting(starts_at=NOVEMBER_30))
    item = _child_item(meeting)
    with time_machine.travel(NOVEMBER_30 + dt.timedelta(hours=4), tick=False):
        chair_client = client_for(user=meeting.chair)
        decided = chair_client.post(
            _url("item-decide", item), _decision(item, decision="adopt", flag_decision="create")
        )
        assert decided.status_code == 302
        response = chair_client.post(_url("meeting-close", meeting), {"version": meeting.version})
        assert response.status_code == 302
        assert "Minutes agreed" in chair_client.get(meeting.get_absolute_url()).text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    entry = CohortEntry.objects.get(child=item.child)
    assert entry.first_heard_at == meeting
    clock = Deadline.objects.get(kind=Kind.MACSE_REVIEW, child=item.child, met_at__isnull=True)
    assert clock.due_at == dt.datetime(2027, 2, 28, 10, 0, tzinfo=UTC)
    # Closed: no form changes the minutes any more.
    page = chair_client.get(item.get_absolute_url()).text
    assert "Save the minutes and decision" not in page and "Adopt onto MACSE" in page
