"""The printed agenda pack and minutes (issue 7): gathered in a fixed number of queries, rendered
by the task with its progress, marked OFFICIAL-SENSITIVE on every page with a table of contents;
a failed render says why and keeps the previous pack; downloads go through the meeting's access
policy and are audited, one print per child; police-only items only for police-only users.
The task runs here by calling it directly: no worker, no broker."""

import datetime as dt
import io
import re

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from macse import document_selectors, document_services, pack, services
from macse.models import AgendaItem, Attendee, MeetingDocument, Plan
from macse.policy import MEETING_ROLES
from macse.tasks import render_document
from referrals.triage import referral_confirm_child
from shield import event_services
from tests.factories.accounts import UserFactory
from tests.factories.macse import agency, chair, make_action, make_agenda
from tests.factories.referrals import make_received
from tests.factories.shield import shield_worker
from tests.macse.pack_data import child_name, make_review_meeting

pytestmark = pytest.mark.django_db

MARKING = "OFFICIAL-SENSITIVE"
PACK_QUERIES = 15  # the pack's gathering, whatever the number of children
Status = MeetingDocument.Status
Kind = MeetingDocument.Kind


def _pages(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def _prepare(meeting, by=None, kind=Kind.AGENDA_PACK) -> MeetingDocument:
    """Ask for the document (its task is not started: the test's transaction never commits),
    then run the task in this process, as a worker would."""
    document = document_services.document_request(
        meeting=meeting, by=by or meeting.administrator, kind=kind
    )
    render_document(document.pk)
    return MeetingDocument.objects.get(pk=document.pk)


def _add_events(child, *, at=dt.datetime(2026, 9, 1, 21, 30, tzinfo=dt.UTC)):
    """An incident, a missing episode, a new CSE1 and a police flag, between the meetings."""
    worker = shield_worker()
    event_services.incident_record(
        child=child,
        by=worker,
        occurred_at=at,
        description="Seen leaving a flat above the takeaway on Pellow Row (fictional).",
        consent="override_harm",
        consent_override_reason="Risk of significant harm.",
        now=at + dt.timedelta(hours=1),
    )
    event_services.missing_episode_record(
        child=child,
        by=worker,
        went_missing_at=at - dt.timedelta(days=3),
        returned_at=at - dt.timedelta(days=2),
        now=at,
    )
    referrer = UserFactory(roles=[RoleCode.REFERRER], agency=agency(Agency.Kind.HOUSING))
    referral = make_received(referrer, now=at + dt.timedelta(days=2), child_given_names="Ottilie")
    referral_confirm_child(
        referral=referral,
        by=UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER]),
        child=child,
        seen_version=referral.version,
        now=at + dt.timedelta(days=2),
    )
    event_services.flag_raise(
        child=child,
        by=chair(),
        kind="police_cse",
        agency=agency(Agency.Kind.POLICE),
        risk_level="high",
        rationale="Intelligence of exploitation at a party flat.",
        decided_on=at.date(),
        now=at,
    )


# --- Gathering ----------------------------------------------------------------------------------


@pytest.mark.parametrize("children", [1, 20])
def test_the_pack_is_gathered_in_a_fixed_number_of_queries(children, django_assert_num_queries):
    """1 child or 20: the same queries (the gathering adds little to the render)."""
    meeting = make_review_meeting(children, actions=2)
    user = meeting.administrator
    user.role_codes  # noqa: B018 - the user's roles are read once per request, not per pack
    with django_assert_num_queries(PACK_QUERIES):
        gathered = pack.gather_pack(meeting.pk, user=user)
    assert len(gathered.children) == children
    assert all(len(facts.actions) == 2 and facts.cse2 for facts in gathered.children)


def test_each_childs_key_facts_and_what_changed_since_their_last_hearing():
    """Age, agencies, the current CSE2 and its trend since the last hearing, the plan's actions
    under the D10 headings, and the incident, missing episode, flag and CSE2 since then."""
    meeting = make_review_meeting(2, actions=4)
    changed = meeting.items.filter(child__isnull=False).order_by("position").first().child
    _add_events(changed)
    gathered = pack.gather_pack(meeting.pk, user=meeting.administrator)
    facts = {each.child.pk: each for each in gathered.children}[changed.pk]
    assert facts.age == 15  # born 1 May 2011, heard 8 October 2026
    assert facts.cse2.total == 26 and facts.cse2.band_label == "Medium"
    assert facts.trend.startswith("Risk increased: 26 (Medium) now, 18 (Lower) at the last hearing")
    assert facts.since_label == "the child's last hearing, 9 July 2026"
    assert [line.section for line in facts.actions] == ["Support", "Prevent", "Protect", "Pursue"]
    assert {"Police (test)", "Education (test)", "Housing (test)"} <= set(facts.agencies)
    assert [change.what for change in facts.changes] == [
        "CSE2",
        "New CSE1",
        "Incident",
        "Flag",
        "Missing",
    ]  # newest first; the incident's own CSE1 is still a draft, not yet a referral
    quiet = [each for each in gathered.children if each.child.pk != changed.pk][0]
    assert [change.what for change in quiet.changes] == ["CSE2"]


def test_a_new_referral_shows_its_model_of_exploitation_and_first_cse2():
    """A child heard for the first time: models of exploitation from the CSE1, no trend yet."""
    meeting = make_agenda()
    referral = meeting.items.get(child__isnull=False).referral
    referral.models_of_exploitation = ["online", "party"]
    referral.save()
    facts = pack.gather_pack(meeting.pk, user=meeting.administrator).children[0]
    assert facts.models == ["Party", "Online only"]  # in the framework's order
    assert facts.trend == "No completed CSE2 yet"
    assert facts.since_label == ""  # no earlier meeting: everything recorded is new


def test_progress_is_told_for_each_child():
    meeting = make_review_meeting(3, actions=1)
    told = []
    pack.gather_pack(meeting.pk, user=meeting.administrator, progress=lambda *p: told.append(p))
    assert told == [(1, 3), (2, 3), (3, 3)]


# --- The PDF ------------------------------------------------------------------------------------


def test_the_pack_pdf_names_each_child_is_marked_on_every_page_and_has_contents():
    meeting = make_review_meeting(2, actions=2)
    _add_events(meeting.items.filter(child__isnull=False).first().child)
    document = _prepare(meeting)
    assert document.status == Status.DONE, document.error
    assert (document.done_items, document.total_items) == (2, 2)
    pages = _pages(bytes(document.pdf))
    assert document.pages == len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert MARKING in text and f"Page {number} of {len(pages)}" in text
    whole = " ".join(pages)
    assert "Thursday 8 October 2026, 10:00" in whole  # 09:00 UTC, in Europe/London time
    assert "Seen leaving a flat above the takeaway" in whole
    contents = next(text for text in pages if "Contents" in text)
    for number in range(2):
        name = " ".join(child_name(number))
        assert name in whole
        entry = re.search(rf"\d+\. {name} \(reviews due\)[ .]*(\d+)", contents)
        assert entry, contents
        heading = next(i for i, text in enumerate(pages, 1) if f"{name} Item Reviews due" in text)
        assert int(entry.group(1)) == heading


def test_the_minutes_pdf_records_decisions_flags_agencies_and_the_actions_agreed():
    meeting = make_agenda()
    item = meeting.items.get(child__isnull=False)
    services.item_decide(
        item=item,
        by=meeting.administrator,
        minutes="Police shared intelligence of a party flat; school reports absences.",
        decision="adopt",
        flag_decision="create",
        agencies=[agency(Agency.Kind.HOUSING)],
        now=meeting.starts_at,
    )
    services.meeting_close(
        meeting=meeting, by=meeting.administrator, now=meeting.starts_at + dt.timedelta(hours=3)
    )
    plan = Plan.objects.get(child=item.child)
    make_action(plan, description="Housing to check the tenancy of the flat on Pellow Row.")
    services.plan_agree(plan=plan, by=meeting.administrator, meeting=meeting)
    document = _prepare(meeting, kind=Kind.MINUTES)
    assert document.status == Status.DONE, document.error
    whole = " ".join(_pages(bytes(document.pdf)))
    assert MARKING in whole
    assert str(item.child) in whole
    assert "Adopt onto MACSE" in whole
    assert "Police CSE flag to be created" in whole
    assert "Housing (test)" in whole
    assert "Police shared intelligence of a party flat" in whole
    assert "Actions agreed" in whole and "Housing to check the tenancy" in whole


# --- Progress, failure, the task ----------------------------------------------------------------


def test_the_progress_page_counts_children_and_refreshes_itself_until_done(client_for):
    meeting = make_agenda()
    admin = client_for(user=meeting.administrator)
    response = admin.post(
        reverse("macse:document-request", kwargs={"pk": meeting.pk, "kind": "agenda-pack"})
    )
    document = MeetingDocument.objects.get(meeting=meeting)
    assert response["Location"] == reverse("macse:document-progress", kwargs={"pk": document.pk})
    progress = reverse("macse:document-progress", kwargs={"pk": document.pk})
    MeetingDocument.objects.filter(pk=document.pk).update(status=Status.RENDERING, done_items=0)
    page = admin.get(progress)
    assert page["Refresh"] == "3"
    assert "0 of 1 child gathered" in page.content.decode()
    assert "There is no earlier agenda pack of this meeting to download" in page.content.decode()
    assert "Refresh" not in admin.get(progress + "?refresh=off")
    render_document(document.pk)
    page = admin.get(progress)
    assert "Refresh" not in page
    assert "1 of 1 child gathered" in page.content.decode()
    assert "Download the agenda pack" in page.content.decode()


def test_a_failed_render_says_why_and_keeps_the_previous_pack(client_for, settings):
    meeting = make_agenda()
    good = _prepare(meeting)
    settings.MACSE_DOCUMENT_TEMPLATES = {Kind.AGENDA_PACK: "macse/no-such-layout.html"}
    failed = _prepare(meeting)
    assert failed.status == Status.FAILED
    assert failed.error.startswith("The layout of the agenda pack could not be loaded")
    assert failed.pdf is None
    admin = client_for(user=meeting.administrator)
    page = admin.get(reverse("macse:document-progress", kwargs={"pk": failed.pk})).content
    assert b"could not be loaded" in page and b"is still the one downloaded" in page
    download = admin.get(
        reverse("macse:document-download", kwargs={"pk": meeting.pk, "kind": "agenda-pack"})
    )
    assert download.content == bytes(good.pdf)


def test_the_task_is_safe_to_run_twice():
    meeting = make_agenda()
    document = _prepare(meeting)
    finished = document.finished_at
    assert render_document(document.pk) is None  # done already: left as it was
    document.refresh_from_db()
    assert (document.status, document.finished_at) == (Status.DONE, finished)


def test_asking_again_while_one_is_pending_gives_the_pending_one():
    meeting = make_agenda()
    first = document_services.document_request(
        meeting=meeting, by=meeting.administrator, kind=Kind.AGENDA_PACK
    )
    again = document_services.document_request(
        meeting=meeting, by=meeting.administrator, kind=Kind.AGENDA_PACK
    )
    assert again.pk == first.pk
    assert MeetingDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_fails_the_document_with_the_reason_never_the_request():
    from cse_framework.celery import app
    from tests.notices.test_outbox import _switch_broker

    working_url = app.conf.broker_url
    _switch_broker(app, "redis://127.0.0.1:9/0")  # nothing listens on port 9
    try:
        meeting = make_agenda()  # (its notices wait in the outbox, as in any outage)
        with transaction.atomic():
            document = document_services.document_request(
                meeting=meeting, by=meeting.administrator, kind=Kind.MINUTES
            )
    finally:
        _switch_broker(app, working_url)
    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert "could not be reached" in document.error


# --- Access and audit ---------------------------------------------------------------------------


def _download(client, meeting, kind="agenda-pack"):
    return client.get(reverse("macse:document-download", kwargs={"pk": meeting.pk, "kind": kind}))


@pytest.mark.parametrize("role", list(RoleCode))
def test_who_may_download_ask_for_and_follow_a_pack(role, client_for):
    """Whoever sees the meeting downloads; only the administrator asks and follows progress;
    everyone else gets 404, as if there were no meeting."""
    meeting = make_agenda()
    document = _prepare(meeting)
    user = client_for(role)
    sees = role in MEETING_ROLES
    assert _download(user, meeting).status_code == (200 if sees else 404)
    administers = role == RoleCode.MACSE_ADMINISTRATOR
    progress = user.get(reverse("macse:document-progress", kwargs={"pk": document.pk}))
    assert progress.status_code == (200 if administers else 404)
    asked = user.post(
        reverse("macse:document-request", kwargs={"pk": meeting.pk, "kind": "minutes"})
    )
    assert asked.status_code == (302 if administers else 404)


def test_an_invited_partner_downloads_the_pack_of_their_meeting_only(client_for):
    meeting = make_agenda()
    _prepare(meeting)
    partner = client_for(RoleCode.REFERRER)
    assert _download(partner, meeting).status_code == 404
    services.attendee_add(meeting=meeting, by=meeting.administrator, user=partner.user)
    assert _download(partner, meeting).status_code == 200


def test_no_pack_yet_and_an_unknown_kind_are_404(client_for):
    meeting = make_agenda()
    admin = client_for(user=meeting.administrator)
    assert _download(admin, meeting).status_code == 404
    assert _download(admin, meeting, kind="agenda").status_code == 404


def test_a_download_is_audited_as_a_print_of_each_child(client_for):
    meeting = make_review_meeting(3, actions=1)
    deferred = meeting.items.filter(child__isnull=False).first()
    services.item_defer(item=deferred, by=meeting.administrator, reason="Worker on leave.")
    _prepare(meeting)
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    before = AccessEvent.objects.count()
    assert _download(health, meeting).status_code == 200
    events = AccessEvent.objects.filter(action=AccessEvent.Action.PRINT, user=health.user)
    children = set(meeting.items.filter(child__isnull=False).values_list("child_id", flat=True))
    assert {event.child_id for event in events} == children
    assert AccessEvent.objects.count() - before == 3


# --- Police-only items (D12) ---------------------------------------------------------------------


def _police_only_item(meeting):
    return services.item_add(
        meeting=meeting,
        by=meeting.administrator,
        section=AgendaItem.Section.PERSONS,
        title="A man seen with several children at Pellow Row (fictional)",
        police_only=True,
    )


def test_police_only_items_are_printed_only_for_police_only_users(client_for):
    meeting = make_agenda()
    _police_only_item(meeting)
    for_admin = " ".join(_pages(bytes(_prepare(meeting).pdf)))
    assert "seen with several children" not in for_admin
    assert "Items drawn from police-only intelligence are not in this pack" in for_admin
    police_admin = UserFactory(
        roles=[RoleCode.MACSE_ADMINISTRATOR, RoleCode.MACSE_CHAIR],
        agency=agency(Agency.Kind.POLICE),
    )
    for_police = " ".join(_pages(bytes(_prepare(meeting, by=police_admin).pdf)))
    assert "seen with several children" in for_police
    assert "This pack includes items drawn from police-only intelligence" in for_police
    # The newest pack carries police-only items: police-only users get it, others the one before.
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    intelligence = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    police_pack = MeetingDocument.objects.filter(requested_by=police_admin).get()
    assert police_pack.police_only_items
    assert not MeetingDocument.objects.exclude(pk=police_pack.pk).get().police_only_items
    assert _download(intelligence, meeting).content == bytes(police_pack.pdf)
    assert _download(health, meeting).content != bytes(police_pack.pdf)
    assert _download(health, meeting).status_code == 200


def test_the_meeting_page_panel_shows_the_ready_pack_and_a_later_failure(
    settings, django_assert_num_queries
):
    """macse/_documents.html: the pack downloaded, the failed attempt after it, and (for the
    administrator) the button to prepare it again; two queries however many were made."""
    meeting = make_agenda()
    _prepare(meeting)
    settings.MACSE_DOCUMENT_TEMPLATES = {Kind.AGENDA_PACK: "macse/no-such-layout.html"}
    failed = _prepare(meeting)
    request = RequestFactory().get("/")
    request.user = meeting.administrator
    request.user.is_verified = lambda: True  # as the second-factor middleware marks a user
    request.user.role_codes  # noqa: B018 - read once per request, with the user
    with django_assert_num_queries(2):
        documents = document_selectors.panel(meeting, user=request.user)
    pack_panel = documents["kinds"][0]
    assert pack_panel.ready and pack_panel.latest.pk == failed.pk
    html = render_to_string(
        "macse/_documents.html", {"meeting": meeting, "documents": documents}, request=request
    )
    assert "Download the agenda pack" in html and "The last attempt failed" in html
    assert "Prepare again" in html
    health = UserFactory(roles=[RoleCode.HEALTH_REPRESENTATIVE])
    health.is_verified = lambda: True
    html = render_to_string(
        "macse/_documents.html",
        {"meeting": meeting, "documents": document_selectors.panel(meeting, user=health)},
    )
    assert "Download the agenda pack" in html
    assert "Prepare" not in html and "failed" not in html


def test_attendance_and_cover_facts_are_on_the_pack():
    meeting = make_review_meeting(1, actions=1)
    services.attendee_add(
        meeting=meeting,
        by=meeting.administrator,
        name="Nurse Fenwick Example",
        agency=agency(Agency.Kind.HEALTH),
        role="Named nurse",
    )
    services.attendance_record(
        meeting=meeting,
        by=meeting.administrator,
        attendance={a.pk: "apologies" for a in meeting.attendees.filter(user__isnull=True)},
    )
    whole = " ".join(_pages(bytes(_prepare(meeting).pdf)))
    assert meeting.reference in whole and meeting.venue in whole
    assert str(meeting.chair) in whole
    assert "Nurse Fenwick Example" in whole and "Sent apologies" in whole
    assert Attendee.objects.filter(meeting=meeting).count() == 2
