"""A child's Shield events: an incident starts its linked CSE1 draft and a CSE2 review clock due
in 5 working days (D17) and tells the worker; missing episodes and their return home interviews,
counted by the CSE2's data monitoring; flags (who decides, removal as a recorded decision, a
replaced flag kept), shown wherever the child is shown; the pages' access and audit."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import Notice
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from referrals import triage
from referrals.models import Referral
from shield import event_services as services
from shield.models import Flag, Incident, MissingEpisode
from shield.services import StaleError
from tests.conftest import verify_session
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.referrals import ChildFactory, make_meeting, make_received
from tests.factories.shield import make_assessment, make_case, shield_worker

pytestmark = pytest.mark.django_db

# A Thursday, already past: five working days later is the next Thursday, across a weekend.
THURSDAY = dt.datetime(2026, 11, 19, 10, 0, tzinfo=dt.UTC)
CONSENT = {"consent": "parental_responsibility"}


@pytest.fixture
def case():
    child = ChildFactory(
        given_names="Wren",
        family_name="Oddlestone",
        date_of_birth=dt.date(2011, 3, 1),
        postcode="ZZ4 7QT",
    )
    return make_case(child)


@pytest.fixture
def manager():
    return UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])


@pytest.fixture
def police():
    return AgencyFactory(name="Police (test)", kind=Agency.Kind.POLICE)


@pytest.fixture
def chair(police):
    return UserFactory(roles=[RoleCode.MACSE_CHAIR], agency=police)


def _incident(case, by=None, *, now=THURSDAY, **fields):
    values = {
        "occurred_at": now - dt.timedelta(hours=3),
        "description": "Seen getting into a car with two unknown adults near the station.",
        **CONSENT,
        **fields,
    }
    return services.incident_record(child=case.child, by=by or case.worker, now=now, **values)


# --- Incidents --------------------------------------------------------------------------------


def test_an_incident_starts_a_linked_cse1_draft_prefilled_from_the_register(case):
    """The new CSE1 is a draft of the recording worker's, for the same child, with the
    incident as its circumstances; it goes through the usual pathway from there."""
    incident = _incident(case)
    referral = incident.referral
    assert referral.status == Referral.Status.DRAFT
    assert referral.referrer == case.worker
    assert referral.reference.startswith("CSE-")
    assert (referral.child_given_names, referral.child_family_name) == ("Wren", "Oddlestone")
    assert referral.child_date_of_birth == dt.date(2011, 3, 1)
    assert referral.child_postcode == "ZZ4 7QT"
    assert referral.child_social_care == Referral.SocialCare.OPEN  # open to Shield
    assert referral.circumstances == incident.description
    assert referral.consent == "parental_responsibility"


@pytest.mark.parametrize(
    ("now", "due"),
    [
        # Thursday 10:00 => the next Thursday 10:00 (Saturday and Sunday skipped).
        (THURSDAY, dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)),
        # Thursday 15:00 BST => Thursday 15:00 GMT: the local time is kept across the clock change.
        (
            dt.datetime(2026, 10, 22, 14, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 10, 29, 15, 0, tzinfo=dt.UTC),
        ),
    ],
)
def test_an_incident_opens_a_cse2_review_clock_due_in_exactly_5_working_days(case, now, due):
    """D17: due in 5 working days (not at once), owned by the child's worker and team."""
    incident = _incident(case, now=now)
    clock = Deadline.objects.get(kind=Kind.CSE2_REVIEW, started_by_id=str(incident.pk))
    assert clock.starts_at == now
    assert clock.due_at == due
    assert (clock.child, clock.owner, clock.owning_team) == (case.child, case.worker, case.team)


def test_the_childs_worker_is_told_with_a_reference_and_a_link_only(case, manager):
    """D21: the notice carries the incident's reference and a link, never the child's name."""
    incident = _incident(case, by=manager)
    notice = Notice.objects.get(reference=incident.reference)
    assert list(notice.recipients.values_list("user", flat=True)) == [case.worker.pk]
    assert notice.link == reverse("shield:incident-detail", kwargs={"pk": incident.pk})
    assert "Wren" not in notice.subject and "Oddlestone" not in notice.subject


def test_without_an_open_case_the_clock_is_the_shield_teams_and_the_managers_are_told(manager):
    """A child not open to Shield: the review clock waits in the Shield team's queue."""
    team = shield_worker().team
    other = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    child = ChildFactory()
    incident = services.incident_record(
        child=child,
        by=manager,
        occurred_at=THURSDAY,
        description="Found in a flat with older males.",
        now=THURSDAY,
        **CONSENT,
    )
    clock = Deadline.objects.get(kind=Kind.CSE2_REVIEW, started_by_id=str(incident.pk))
    assert (clock.owner, clock.owning_team) == (None, team)
    assert incident.referral.child_social_care == Referral.SocialCare.NOT_KNOWN
    told = Notice.objects.get(reference=incident.reference).recipients.values_list(
        "user", flat=True
    )
    assert other.pk in told and manager.pk not in told


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_at": THURSDAY + dt.timedelta(minutes=1)}, "occurred_at"),
        ({"description": "  "}, "description"),
        ({"consent": ""}, "consent"),
        ({"consent": "override_harm"}, "consent_override_reason"),
    ],
)
def test_a_refused_incident_is_a_field_error_and_saves_nothing(case, change, field):
    """An incident in the future, with no description or without the CSE1's consent: nothing
    is kept (no incident, no CSE1, no clock)."""
    with pytest.raises(ValidationError) as error:
        _incident(case, **change)
    assert field in error.value.message_dict
    assert not Incident.objects.exists()
    assert not Referral.objects.exists()
    assert not Deadline.objects.filter(kind=Kind.CSE2_REVIEW).exists()


def test_recording_an_incident_goes_on_to_the_new_cse1(case, client_for):
    """The page records it, then opens the new draft's first page, filled in, to complete."""
    client = client_for(user=case.worker)
    url = reverse("shield:incident-new", kwargs={"child_pk": case.child.pk})
    with time_machine.travel(THURSDAY, tick=False):
        response = client.post(
            url,
            {
                "occurred_at_0": "19",
                "occurred_at_1": "11",
                "occurred_at_2": "2026",
                "occurred_time": "08:15",
                "description": "Seen with older males at the retail park.",
                **CONSENT,
            },
        )
        page = client.get(response["Location"]).content.decode()
    incident = Incident.objects.get()
    assert incident.occurred_at == dt.datetime(2026, 11, 19, 8, 15, tzinfo=dt.UTC)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:edit", kwargs={"pk": incident.referral_id})
    assert "Oddlestone" in page and "Seen with older males at the retail park." in page
    assert AccessEvent.objects.filter(
        action="create", object_type="shield.incident", child_id=case.child.pk
    ).exists()


def test_a_refused_incident_form_keeps_what_was_typed(case, client_for):
    client = client_for(user=case.worker)
    url = reverse("shield:incident-new", kwargs={"child_pk": case.child.pk})
    response = client.post(
        url,
        {
            "occurred_at_0": "19",
            "occurred_at_1": "11",
            "occurred_at_2": "2026",
            "occurred_time": "08:15",
            "description": "A description worth keeping.",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select who consented to sharing" in page
    assert "A description worth keeping." in page and 'value="08:15"' in page
    assert not Incident.objects.exists()


def test_the_incident_page_shows_its_cse1_and_review_clock(case, client_for):
    incident = _incident(case)
    client = client_for(user=case.worker)
    page = client.get(reverse("shield:incident-detail", kwargs={"pk": incident.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert incident.referral.reference in text and "26 November 2026 10:00" in text
    assert AccessEvent.objects.filter(
        action="view", object_type="shield.incident", object_id=str(incident.pk)
    ).exists()


# --- Missing episodes -------------------------------------------------------------------------


def _episode(case, *, now=THURSDAY, **fields):
    values = {"went_missing_at": now - dt.timedelta(days=2), **fields}
    return services.missing_episode_record(child=case.child, by=case.worker, now=now, **values)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"went_missing_at": THURSDAY + dt.timedelta(hours=1)}, "went_missing_at"),
        ({"returned_at": THURSDAY - dt.timedelta(days=3)}, "returned_at"),
        ({"returned_at": THURSDAY + dt.timedelta(hours=1)}, "returned_at"),
        (
            {
                "returned_at": THURSDAY - dt.timedelta(days=1),
                "interview_done": True,
                "interview_by": "Barnardo's worker",
                "interview_on": dt.date(2026, 11, 17),
            },
            "interview_on",
        ),
        (
            {"returned_at": THURSDAY - dt.timedelta(days=1), "interview_done": True},
            "interview_by",
        ),
        (
            {"interview_done": True, "interview_by": "x", "interview_on": dt.date(2026, 11, 19)},
            "returned_at",
        ),
        ({"interview_by": "Someone"}, "interview_done"),
    ],
)
def test_a_missing_episode_out_of_order_is_refused(case, fields, field):
    """A return before going missing, an interview before the return (or without who and
    when), anything in the future: a field error, nothing saved."""
    with pytest.raises(ValidationError) as error:
        _episode(case, **fields)
    assert field in error.value.message_dict
    assert not MissingEpisode.objects.exists()


def test_the_return_and_interview_are_added_later_and_a_stale_form_is_refused(case):
    episode = _episode(case)
    seen = episode.version
    updated = services.missing_episode_update(
        episode=episode,
        by=case.worker,
        expected_version=seen,
        now=THURSDAY,
        returned_at=THURSDAY - dt.timedelta(days=1),
        interview_done=True,
        interview_by="Catch 22 worker",
        interview_on=dt.date(2026, 11, 19),
    )
    assert (updated.interview_done, updated.version) == (True, seen + 1)
    with pytest.raises(StaleError):
        services.missing_episode_update(
            episode=episode, by=case.worker, expected_version=seen, now=THURSDAY, notes="Late"
        )
    episode.refresh_from_db()
    assert episode.notes == ""


def test_episodes_and_interviews_of_the_last_3_months_feed_the_cse2_monitoring(case, client_for):
    """2.7: the CSE2 completed after them counts the episodes that began in the last 3 months
    and their return home interviews; the events page shows the same counts."""
    now = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    interviewed = {
        "returned_at": dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC),
        "interview_done": True,
        "interview_by": "Barnardo's worker",
        "interview_on": dt.date(2026, 11, 4),
    }
    _episode(
        case, now=now, went_missing_at=dt.datetime(2026, 11, 1, 22, tzinfo=dt.UTC), **interviewed
    )
    _episode(case, now=now, went_missing_at=dt.datetime(2026, 10, 1, 22, tzinfo=dt.UTC))
    _episode(case, now=now, went_missing_at=dt.datetime(2026, 7, 1, 22, tzinfo=dt.UTC))
    assessment = make_assessment(case.child, case.worker, on=dt.date(2026, 11, 20), now=now)
    assert assessment.monitoring.missing_episodes_3_months == 2
    assert assessment.monitoring.return_interviews_3_months == 1
    with time_machine.travel(now, tick=False):
        page = client_for(user=case.worker).get(
            reverse("shield:events", kwargs={"child_pk": case.child.pk})
        )
    assert page.context["counts"] == {"episodes": 2, "interviews": 1}


def test_the_missing_episode_pages_record_and_then_add_the_interview(case, client_for):
    client = client_for(user=case.worker)
    new = reverse("shield:missing-new", kwargs={"child_pk": case.child.pk})
    with time_machine.travel(THURSDAY, tick=False):
        response = client.post(
            new,
            {
                "went_missing_at_0": "17",
                "went_missing_at_1": "11",
                "went_missing_at_2": "2026",
                "went_missing_time": "21:30",
                "reported_to_police": "yes",
            },
        )
        assert response.status_code == 302
        episode = MissingEpisode.objects.get()
        edit = reverse("shield:missing-edit", kwargs={"pk": episode.pk})
        shown = client.get(edit).content.decode()
        assert 'value="21:30"' in shown and 'value="17"' in shown  # as recorded, to change
        form = {
            "version": episode.version,
            "went_missing_at_0": "17",
            "went_missing_at_1": "11",
            "went_missing_at_2": "2026",
            "went_missing_time": "21:30",
            "reported_to_police": "yes",
            "returned_at_0": "18",
            "returned_at_1": "11",
            "returned_at_2": "2026",
            "returned_time": "07:00",
            "interview_done": "on",
            "interview_by": "Catch 22 worker",
            "interview_on_0": "17",
            "interview_on_1": "11",
            "interview_on_2": "2026",
        }
        refused = client.post(edit, form)
        assert refused.status_code == 200
        assert "The interview cannot be before the child returned" in refused.content.decode()
        assert 'value="Catch 22 worker"' in refused.content.decode()
        response = client.post(edit, {**form, "interview_on_0": "18"})
        assert response.status_code == 302
        stale = client.post(edit, {**form, "interview_on_0": "19"})
    assert "Someone else changed this record" in stale.content.decode()
    episode.refresh_from_db()
    assert (episode.interview_on, episode.version) == (dt.date(2026, 11, 18), 2)
    assert episode.returned_at == dt.datetime(2026, 11, 18, 7, 0, tzinfo=dt.UTC)


# --- Flags ------------------------------------------------------------------------------------


def _flag(child, by, *, kind=Flag.Kind.POLICE_CSE, agency, **fields):
    values = {
        "risk_level": "high",
        "rationale": "Agreed at MACSE: repeat missing and older males.",
        "decided_on": dt.date(2026, 11, 12),
        **fields,
    }
    return services.flag_raise(child=child, by=by, kind=kind, agency=agency, **values)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("police_worker", True),
        ("chair", True),
        ("intelligence", True),
        ("manager", False),
        ("worker", False),
    ],
)
def test_only_the_police_set_the_police_cse_flag(case, police, chair, manager, who, allowed):
    """D2 / 6.10: a police user, the MACSE chair or the police intelligence officer."""
    users = {
        "police_worker": UserFactory(roles=[RoleCode.SHIELD_WORKER], agency=police),
        "chair": chair,
        "intelligence": UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER]),
        "manager": manager,
        "worker": case.worker,
    }
    if allowed:
        assert _flag(case.child, users[who], agency=police).current
    else:
        with pytest.raises(ValidationError) as error:
            _flag(case.child, users[who], agency=police)
        assert "kind" in error.value.message_dict
        assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"), [("manager", True), ("chair", True), ("police", False)]
)
def test_other_agencies_flags_are_a_partnership_decision(
    case, police, chair, manager, who, allowed
):
    """Recorded by a Shield team manager or the MACSE chair, not by the police alone."""
    health = AgencyFactory(name="Health (test)", kind=Agency.Kind.HEALTH)
    users = {
        "manager": manager,
        "chair": chair,
        "police": UserFactory(roles=[RoleCode.SHIELD_WORKER], agency=police),
    }
    if allowed:
        assert _flag(case.child, users[who], kind=Flag.Kind.AGENCY, agency=health).current
    else:
        with pytest.raises(ValidationError) as error:
            _flag(case.child, users[who], kind=Flag.Kind.AGENCY, agency=health)
        assert "kind" in error.value.message_dict


def test_a_flag_on_the_wrong_kind_of_agency_is_refused(case, police, chair):
    health = AgencyFactory(name="Health (test)", kind=Agency.Kind.HEALTH)
    for kind, agency in ((Flag.Kind.POLICE_CSE, health), (Flag.Kind.AGENCY, police)):
        with pytest.raises(ValidationError) as error:
            _flag(case.child, chair, kind=kind, agency=agency)
        assert "agency" in error.value.message_dict


def test_a_new_decision_replaces_the_current_flag_which_is_kept(case, police, chair):
    """One current flag per child, kind and agency: the old one is removed as "Replaced"."""
    first = _flag(case.child, chair, agency=police, risk_level="medium")
    second = _flag(case.child, chair, agency=police, decided_on=dt.date(2026, 11, 18))
    first.refresh_from_db()
    assert not first.current
    assert (first.removed_on, first.removal_reason, first.removed_by) == (
        dt.date(2026, 11, 18),
        "Replaced",
        chair,
    )
    assert list(Flag.objects.filter(removed_on__isnull=True)) == [second]
    assert Flag.objects.count() == 2
    with pytest.raises(ValidationError) as error:
        _flag(case.child, chair, agency=police, decided_on=dt.date(2026, 11, 1))
    assert "decided_on" in error.value.message_dict


def test_removal_is_a_recorded_decision_that_needs_a_reason(case, police, chair, manager):
    flag = _flag(case.child, chair, agency=police)
    with pytest.raises(ValidationError) as error:
        services.flag_remove(flag=flag, by=chair, reason=" ", removed_on=dt.date(2026, 11, 20))
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.flag_remove(
            flag=flag, by=chair, reason="Risk reduced.", removed_on=dt.date(2026, 11, 1)
        )
    assert "removed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.flag_remove(
            flag=flag, by=manager, reason="Risk reduced.", removed_on=dt.date(2026, 11, 20)
        )
    removed = services.flag_remove(
        flag=flag, by=chair, reason="Risk reduced at MACSE.", removed_on=dt.date(2026, 11, 20)
    )
    assert (removed.current, removed.removal_reason, removed.removed_by) == (
        False,
        "Risk reduced at MACSE.",
        chair,
    )
    with pytest.raises(ValidationError):
        services.flag_remove(flag=flag, by=chair, reason="Again.", removed_on=dt.date(2026, 11, 20))


def test_flag_pages_record_and_remove_with_errors_keeping_what_was_typed(
    case, police, chair, client_for
):
    client = client_for(user=chair)
    new = reverse("shield:flag-new", kwargs={"child_pk": case.child.pk})
    form = {
        "kind": "police_cse",
        "agency": police.pk,
        "risk_level": "high",
        "rationale": "",
        "decided_on_0": "12",
        "decided_on_1": "11",
        "decided_on_2": "2026",
    }
    refused = client.post(new, form)
    assert refused.status_code == 200
    assert "Give a short rationale" in refused.content.decode()
    assert 'value="2026"' in refused.content.decode()
    assert client.post(new, {**form, "rationale": "Agreed at MACSE."}).status_code == 302
    flag = Flag.objects.get()
    remove = reverse("shield:flag-remove", kwargs={"pk": flag.pk})
    removal = {
        "version": flag.version,
        "reason": "",
        "removed_on_0": "20",
        "removed_on_1": "11",
        "removed_on_2": "2026",
    }
    assert "Give the reason" in client.post(remove, removal).content.decode()
    assert client.post(remove, {**removal, "reason": "Risk reduced."}).status_code == 302
    flag.refresh_from_db()
    assert flag.removal_reason == "Risk reduced."
    assert client.get(remove).status_code == 404  # removed already
    assert AccessEvent.objects.filter(
        action="change", object_type="shield.flag", object_id=str(flag.pk)
    ).exists()


def test_someone_who_decides_no_flag_gets_no_flag_form(case, client_for):
    client = client_for(user=case.worker)
    url = reverse("shield:flag-new", kwargs={"child_pk": case.child.pk})
    assert client.get(url).status_code == 404


def test_current_flags_are_shown_on_the_register_record_and_the_triage_page(
    case, police, chair, client_for
):
    """Wherever the child is shown: the register record and MASH's triage page (one query)."""
    _flag(case.child, chair, agency=police, risk_level="high")
    gone = _flag(
        case.child,
        chair,
        kind=Flag.Kind.AGENCY,
        agency=AgencyFactory(name="Education (test)", kind=Agency.Kind.EDUCATION),
    )
    services.flag_remove(flag=gone, by=chair, reason="Left the school.", removed_on=gone.decided_on)
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    record = mash.get(reverse("referrals:child-detail", kwargs={"pk": case.child.pk}))
    text = record.content.decode()
    assert "High risk" in text and "Police CSE flag, Police (test)" in text
    assert "Education (test)" not in text
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    referral = make_received(referrer, child_given_names="Wren", child_family_name="Oddlestone")
    referral = triage.referral_confirm_child(
        referral=referral, by=mash.user, child=case.child, seen_version=referral.version
    )
    page = mash.get(reverse("referrals:triage", kwargs={"pk": referral.pk})).content.decode()
    assert "Police CSE flag, Police (test)" in page and "Education (test)" not in page


def _flag_queries(client, url) -> tuple[str, int, int]:
    """The page, its number of queries, and how many of them read flags."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    flags = sum('"shield_flag"' in query["sql"] for query in captured.captured_queries)
    return response.content.decode(), len(captured), flags


def test_current_flags_are_shown_on_the_referral_and_strategy_pages(chair, client_for):
    """MASH's view of the referral, the strategy discussion and meeting, and the forms that
    record them show the child's current flags (kind, agency, risk level), never a removed
    one, in one query whatever their number; the referrer's view of the referral does not."""
    meeting = make_meeting()
    discussion = meeting.discussion
    child, referral = discussion.child, discussion.referral
    force = AgencyFactory(name="Police (flags)", kind=Agency.Kind.POLICE)
    _flag(child, chair, agency=force, risk_level="high")
    school = AgencyFactory(name="Education (flags)", kind=Agency.Kind.EDUCATION)
    gone = _flag(child, chair, kind=Flag.Kind.AGENCY, agency=school)
    services.flag_remove(flag=gone, by=chair, reason="Left the school.", removed_on=gone.decided_on)
    urls = [
        reverse("referrals:referral-detail", kwargs={"pk": referral.pk}),
        reverse("strategy:discussion-detail", kwargs={"pk": discussion.pk}),
        reverse("strategy:meeting-detail", kwargs={"pk": meeting.pk}),
        reverse("strategy:discussion-new", kwargs={"referral_pk": referral.pk}),
        reverse("strategy:meeting-record", kwargs={"pk": meeting.pk}),
    ]
    mash = client_for(RoleCode.MASH_TEAM_MANAGER)
    before = {}
    for url in urls:
        page, before[url], reads = _flag_queries(mash, url)
        assert "High risk" in page and "Police CSE flag, Police (flags)" in page, url
        assert "flag, Education (flags)" not in page and reads == 1, url
    health = AgencyFactory(name="Health (flags)", kind=Agency.Kind.HEALTH)
    _flag(child, chair, kind=Flag.Kind.AGENCY, agency=health, risk_level="medium")
    for url in urls:
        page, queries, _ = _flag_queries(mash, url)
        assert "flag, Health (flags)" in page and queries == before[url], url
    referrer = client_for(user=referral.referrer)
    page = referrer.get(urls[0]).content.decode()
    assert referral.reference in page and "Police CSE flag" not in page


# --- The events page and access ---------------------------------------------------------------


def test_the_events_page_lists_incidents_episodes_and_flags_current_and_removed(
    case, police, chair, client_for, django_assert_max_num_queries
):
    incident = _incident(case)
    _episode(case)
    flag = _flag(case.child, chair, agency=police)
    services.flag_remove(flag=flag, by=chair, reason="Risk reduced.", removed_on=flag.decided_on)
    _flag(case.child, chair, agency=police, decided_on=dt.date(2026, 11, 13))
    client = client_for(user=case.worker)
    url = reverse("shield:events", kwargs={"child_pk": case.child.pk})
    client.get(url)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    text = response.content.decode()
    assert incident.reference in text and incident.referral.reference in text
    assert "Risk reduced." in text
    assert len(response.context["current_flags"]) == 1
    assert len(response.context["removed_flags"]) == 1
    assert AccessEvent.objects.filter(action="view", child_id=case.child.pk).exists()


@pytest.mark.parametrize(
    "name", ["shield:events", "shield:incident-new", "shield:missing-new", "shield:flag-new"]
)
def test_a_child_the_user_does_not_hold_is_404_and_the_denial_is_audited(case, client, name):
    """A Shield worker who never held the child gets a 404, as for a missing child."""
    stranger = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    verify_session(client, stranger)
    assert client.get(reverse(name, kwargs={"child_pk": case.child.pk})).status_code == 404
    assert AccessEvent.objects.filter(action="deny", user=stranger, child_id=case.child.pk).exists()


def test_someone_elses_records_are_404(case, client):
    incident = _incident(case)
    episode = _episode(case)
    stranger = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    verify_session(client, stranger)
    for url in (
        reverse("shield:incident-detail", kwargs={"pk": incident.pk}),
        reverse("shield:missing-edit", kwargs={"pk": episode.pk}),
    ):
        assert client.get(url).status_code == 404
