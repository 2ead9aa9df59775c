"""Strategy meetings: arranged with invitations, recorded as held with attendance and apologies,
meeting the 72-hour clock (D4); and sign-off, after which a change is a recorded amendment."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import NoticeRecipient
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.workflow import StaleError
from strategy import services
from strategy.models import Amendment, Participant, StrategyMeeting
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.referrals import make_discussion, make_meeting

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
HOUR = dt.timedelta(hours=1)


def _agencies():
    return (
        AgencyFactory(name="Police (test)", kind=Agency.Kind.POLICE),
        AgencyFactory(name="Health (test)", kind=Agency.Kind.HEALTH),
    )


def _decided_meeting():
    return make_discussion(outcomes=["strategy_meeting", "section_47"])


def _meeting_clock(discussion) -> Deadline:
    return Deadline.objects.get(kind=Kind.STRATEGY_MEETING, started_by_id=str(discussion.pk))


def _arrange(discussion=None, **overrides) -> StrategyMeeting:
    return make_meeting(discussion, **overrides)


def _hold(meeting, **overrides) -> StrategyMeeting:
    invited = list(meeting.participants.all())
    values = {
        "meeting": meeting,
        "by": meeting.chair,
        "held_at": meeting.scheduled_for,
        "attendance": {person.pk: "present" for person in invited},
        "others": [],
        "not_compliant_reason": "",
        "minutes": "Police and health shared what they hold.",
        "outcomes": ["section_47"],
        "rationale": "Risk of significant harm.",
        "actions": [],
        "now": meeting.scheduled_for + 2 * HOUR,
    }
    return services.meeting_record_held(**{**values, **overrides})


def test_arranging_invites_people_and_tells_those_with_an_account():
    meeting = _arrange()
    invited = list(meeting.participants.all())
    assert [person.attendance for person in invited] == ["invited", "invited"]
    told = set(
        NoticeRecipient.objects.filter(notice__link=meeting.get_absolute_url()).values_list(
            "user", flat=True
        )
    )
    assert told == {meeting.chair_id, invited[0].user_id}
    assert _meeting_clock(meeting.discussion).is_open, "arranging it does not meet the clock"


def test_a_meeting_is_not_arranged_before_its_discussion_or_without_one_decided():
    discussion = _decided_meeting()
    with pytest.raises(ValidationError) as error:
        _arrange(discussion, scheduled_for=discussion.held_at - HOUR)
    assert "scheduled_for" in error.value.message_dict
    with pytest.raises(ValidationError):
        _arrange(make_discussion(outcomes=["section_17"]))
    assert not StrategyMeeting.objects.exists()


def test_holding_it_meets_the_72_hour_clock_at_the_time_held():
    meeting = _hold(_arrange())
    clock = _meeting_clock(meeting.discussion)
    assert clock.met_at == meeting.held_at and clock.closed_by == meeting
    assert clock.state() == Deadline.State.MET_ON_TIME
    assert meeting.compliant and meeting.recorded_by == meeting.chair


def test_held_after_72_hours_is_met_late():
    meeting = _arrange()
    late = meeting.discussion.held_at + 80 * HOUR
    meeting = _hold(meeting, held_at=late, now=late + HOUR)
    assert _meeting_clock(meeting.discussion).state() == Deadline.State.MET_LATE


def test_apologies_from_police_need_a_reason_and_make_it_not_compliant():
    meeting = _arrange()
    police, health = meeting.participants.all()
    attendance = {police.pk: "apologies", health.pk: "present"}
    with pytest.raises(ValidationError) as error:
        _hold(meeting, attendance=attendance)
    assert "say why police did not" in str(error.value.message_dict["not_compliant_reason"])
    held = _hold(meeting, attendance=attendance, not_compliant_reason="Officer called to 999.")
    assert not held.compliant and held.health_took_part
    assert Participant.objects.get(pk=police.pk).attendance == "apologies"


def test_someone_who_came_uninvited_counts_for_compliance():
    meeting = _arrange()
    police, health = meeting.participants.all()
    other_police = AgencyFactory(name="Police (test)", kind=Agency.Kind.POLICE)
    held = _hold(
        meeting,
        attendance={police.pk: "absent", health.pk: "present"},
        others=[{"name": "DS Example", "agency": other_police, "role": "DS"}],
    )
    assert held.compliant and held.participants.count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcomes": ["no_further_action", "section_17"]}, "outcomes"),
        ({"attendance": {}}, "attendance"),
        ({"actions": [{"description": "Visit", "due_on": dt.date(2026, 12, 1)}]}, "actions"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(change, field):
    meeting = _arrange()
    with pytest.raises(ValidationError) as error:
        _hold(meeting, **change)
    assert field in error.value.message_dict
    meeting.refresh_from_db()
    assert not meeting.held and _meeting_clock(meeting.discussion).is_open
    assert set(meeting.participants.values_list("attendance", flat=True)) == {"invited"}


def test_a_meeting_is_recorded_as_held_once_and_a_stale_form_is_refused():
    meeting = _arrange()
    stale_version = meeting.version
    _hold(meeting)
    with pytest.raises(StaleError):
        _hold(meeting, expected_version=stale_version)
    with pytest.raises(ValidationError):
        _hold(StrategyMeeting.objects.get(pk=meeting.pk))


def test_refer_to_shield_opens_the_initial_cse2_clock_once():
    discussion = make_discussion(outcomes=["strategy_meeting", "refer_to_shield"])
    _hold(_arrange(discussion), outcomes=["refer_to_shield"])
    clocks = Deadline.objects.filter(kind=Kind.INITIAL_CSE2, child=discussion.child)
    assert clocks.count() == 1 and clocks.get().started_by == discussion


def test_only_the_chair_or_a_team_manager_signs_off():
    meeting = _hold(_arrange())
    with pytest.raises(ValidationError):
        services.record_sign_off(record=meeting, by=UserFactory(roles=[RoleCode.SHIELD_WORKER]))
    signed = services.record_sign_off(record=meeting, by=meeting.chair)
    assert signed.signed_off and signed.signed_off_by == meeting.chair


def test_a_correction_before_sign_off_is_an_edit_and_after_it_an_amendment():
    discussion = make_discussion()
    before = discussion.risk_to_others
    edited = services.record_amend(
        record=discussion,
        by=discussion.chair,
        changes={"risk_to_others": "None found after checking school records."},
        reason="",
        expected_version=discussion.version,
    )
    assert not Amendment.objects.exists() and edited.history.count() == 2
    signed = services.record_sign_off(record=edited, by=discussion.chair)
    with pytest.raises(ValidationError) as error:
        services.record_amend(
            record=signed,
            by=discussion.chair,
            changes={"risk_to_others": before},
            reason="  ",
            expected_version=signed.version,
        )
    assert "reason" in error.value.message_dict
    amended = services.record_amend(
        record=signed,
        by=discussion.chair,
        changes={"risk_to_others": before, "rationale": signed.rationale},
        reason="The school records were for another child.",
        expected_version=signed.version,
    )
    amendment = Amendment.objects.get()
    assert amendment.record == amended and amended.risk_to_others == before
    assert amendment.changes == {"risk_to_others": [edited.risk_to_others, before]}
    with pytest.raises(StaleError):
        services.record_amend(
            record=amended,
            by=discussion.chair,
            changes={"risk_to_others": "Anything"},
            reason="Late edit",
            expected_version=signed.version,
        )


def _date(prefix: str, value: dt.datetime) -> dict:
    return {
        f"{prefix}_0": value.day,
        f"{prefix}_1": value.month,
        f"{prefix}_2": value.year,
    }


def test_mash_arranges_and_records_a_meeting_through_the_pages(client_for):
    discussion = _decided_meeting()
    manager = client_for(user=discussion.chair)
    police, health = _agencies()
    page = manager.get(discussion.get_absolute_url()).content.decode()
    assert reverse("strategy:meeting-new", kwargs={"pk": discussion.pk}) in page
    when = discussion.held_at.astimezone(LONDON) + 24 * HOUR
    data = {
        **_date("scheduled_on", when),
        "scheduled_time": when.strftime("%H:%M"),
        "venue": "Video call",
        "chair": discussion.chair_id,
        "invitees-TOTAL_FORMS": "3",
        "invitees-INITIAL_FORMS": "0",
        "invitees-0-name": "DC Example",
        "invitees-0-agency": police.pk,
        "invitees-1-name": "Nurse Example",
        "invitees-1-agency": health.pk,
    }
    url = reverse("strategy:meeting-new", kwargs={"pk": discussion.pk})
    response = manager.post(url, {**data, "venue": ""})
    assert response.status_code == 200 and "Enter where the meeting is" in response.content.decode()
    assert 'value="DC Example"' in response.content.decode(), "what was typed is kept"
    response = manager.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = StrategyMeeting.objects.get()
    invited = list(meeting.participants.all())
    record_url = reverse("strategy:meeting-record", kwargs={"pk": meeting.pk})
    held = when
    data = {
        **_date("held_on", held),
        "held_time": held.strftime("%H:%M"),
        f"attendance_{invited[0].pk}": "present",
        f"attendance_{invited[1].pk}": "present",
        "minutes": "Both agencies shared information.",
        "outcomes": ["child_protection_conference"],
        "rationale": "Risk of significant harm.",
        "version": meeting.version,
        "others-TOTAL_FORMS": "1",
        "others-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
    }
    response = manager.post(record_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    detail = manager.get(response["Location"]).content.decode()
    assert "Initial child protection conference" in detail and "Sign off" in detail
    assert _meeting_clock(discussion).state() == Deadline.State.MET_ON_TIME


def test_an_amendment_after_sign_off_shows_on_the_record(client_for):
    discussion = make_discussion()
    manager = client_for(user=discussion.chair)
    manager.post(reverse("strategy:discussion-sign-off", kwargs={"pk": discussion.pk}))
    url = reverse("strategy:discussion-amend", kwargs={"pk": discussion.pk})
    data = {
        "information_considered": discussion.information_considered,
        "risk_to_others": "Introduced a younger pupil to the same adults.",
        "rationale": discussion.rationale,
        "not_compliant_reason": "",
        "reason": "",
        "version": discussion.version + 1,
    }
    response = manager.post(url, data)
    assert "Say why this signed-off record is being amended" in response.content.decode()
    response = manager.post(url, {**data, "reason": "Police shared this after the discussion."})
    assert response.status_code == 302
    detail = manager.get(discussion.get_absolute_url()).content.decode()
    assert "Amendments after sign-off" in detail and "Police shared this" in detail


def test_the_strategy_page_lists_what_is_waiting_in_fixed_queries(client_for):
    discussion = _decided_meeting()
    manager = client_for(RoleCode.MASH_TEAM_MANAGER)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = manager.get(reverse("strategy:index"))
        assert response.status_code == 200
        return len(captured)

    first = queries()
    page = manager.get(reverse("strategy:index")).content.decode()
    assert discussion.get_absolute_url() in page and "Not arranged yet" in page
    for _ in range(3):
        _arrange(_decided_meeting())
    assert queries() == first
    assert "Arranged for" in manager.get(reverse("strategy:index")).content.decode()
