"""Shield casework through its pages: the team queue, allocation and reallocation (history kept,
clocks moved, a stale form refused), caseloads in a fixed number of queries, the case page, and
case notes that are append-only once completed."""

import datetime as dt
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from referrals.models import Child
from shield import casework_selectors as selectors
from shield import casework_services, services
from shield.models import Allocation, BandOverride, CaseNote, Flag, ShieldCase
from shield.services import StaleError
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_assessment, make_case, shield_worker

pytestmark = pytest.mark.django_db

NOV_2 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def manager(client_for):
    return client_for(RoleCode.SHIELD_TEAM_MANAGER)


def _worker_client(client_for, worker=None):
    return client_for(user=worker or shield_worker())


def _allocate(client, case, worker, *, version, reason=""):
    return client.post(
        reverse("shield:case-allocate", kwargs={"pk": case.pk}),
        {"worker": worker.pk, "reason": reason, "version": version},
    )


def _clock(child) -> Deadline:
    return Deadline.objects.get(child=child, kind=Kind.INITIAL_CSE2)


# --- The queue, allocation and reallocation ---------------------------------------------------


def test_queue_allocate_and_reallocate_keep_the_history_and_move_the_clocks(manager):
    """A referred child waits in the queue (with their clock and social worker), is allocated
    from it, then reallocated: both allocations are kept and the clock follows the worker."""
    social_worker = UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER], full_name="Sam Dunlin")
    child = ChildFactory(allocated_social_worker=social_worker)
    case = make_case(child, worker=False)
    first, second = shield_worker(), shield_worker()
    make_case(worker=second)  # second already holds one case

    queue = manager.get(reverse("shield:index")).content.decode()
    assert escape(str(child)) in queue
    assert "CSE-TEST" in queue
    assert "Sam Dunlin" in queue
    assert reverse("shield:case-allocate", kwargs={"pk": case.pk}) in queue
    due = _clock(child).due_at
    assert f"{due.astimezone(dt.timezone(dt.timedelta(0))).year}" in queue

    form = manager.get(reverse("shield:case-allocate", kwargs={"pk": case.pk})).content.decode()
    assert "Sam Dunlin" in form  # the child's social worker, beside the choice
    assert f"{escape(first.full_name)} (0 open cases)" in form
    assert f"{escape(second.full_name)} (1 open case)" in form

    response = _allocate(manager, case, first, version=case.version)
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.worker == first
    assert _clock(child).owner == first
    assert escape(str(child)) not in manager.get(reverse("shield:index")).content.decode()

    response = _allocate(
        manager, case, second, version=case.version, reason="First worker's caseload is full"
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.worker == second
    assert _clock(child).owner == second
    history = list(Allocation.objects.filter(case=case).order_by("allocated_at", "id"))
    assert [a.worker for a in history] == [first, second]
    assert history[0].ended_at is not None and history[1].ended_at is None
    page = manager.get(case.get_absolute_url()).content.decode()
    assert escape(first.full_name) in page and escape(second.full_name) in page
    assert "First worker&#x27;s caseload is full" in page


def test_a_stale_allocation_is_refused_and_nothing_is_lost(manager, client_for):
    """Two managers open the form; the second to send it is told who holds the case now, their
    choice and reason are kept, and nothing changes until they send it again."""
    case = make_case(worker=False)
    seen = case.version
    first, second = shield_worker(), shield_worker()
    other_manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    assert _allocate(other_manager, case, first, version=seen).status_code == 302

    response = _allocate(manager, case, second, version=seen, reason="Knows the family")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this case&#x27;s allocation" in page
    assert f"now held by {escape(first.full_name)}" in page
    assert "Knows the family" in page
    case.refresh_from_db()
    assert case.worker == first
    assert Allocation.objects.filter(case=case).count() == 1
    # The form now carries the current version: sending it again is a deliberate reallocation.
    assert f'value="{case.version}"' in page
    assert _allocate(manager, case, second, version=case.version).status_code == 302
    case.refresh_from_db()
    assert case.worker == second


def test_only_a_shield_team_manager_allocates(client_for):
    case = make_case(worker=False)
    url = reverse("shield:case-allocate", kwargs={"pk": case.pk})
    for role in (RoleCode.SERVICE_MANAGER, RoleCode.SHIELD_WORKER, RoleCode.MACSE_CHAIR):
        assert client_for(role).get(url).status_code == 404
    assert client_for(RoleCode.SHIELD_TEAM_MANAGER).get(url).status_code == 200


def test_the_queue_is_oldest_first_and_paginated(manager):
    for day in range(27):
        make_case(worker=False, at=NOV_2 + dt.timedelta(days=day))
    first = manager.get(reverse("shield:index")).content.decode()
    assert "Waiting for a worker (27)" in first
    assert "Page 1 of 2" in first
    oldest = ShieldCase.objects.order_by("opened_at").first()
    newest = ShieldCase.objects.order_by("opened_at").last()
    assert escape(str(oldest.child)) in first and escape(str(newest.child)) not in first
    assert (
        escape(str(newest.child))
        in manager.get(reverse("shield:index") + "?page=2").content.decode()
    )


def test_manager_sees_caseloads_per_worker_and_team_totals(manager):
    busy, idle = shield_worker(), shield_worker()
    make_case(worker=busy)
    make_case(worker=busy)
    make_case(worker=False)
    page = manager.get(reverse("shield:index")).content.decode()
    assert reverse("shield:caseload", kwargs={"user_pk": busy.pk}) in page
    assert escape(idle.full_name) in page
    assert "All teams" in page


def test_the_caseloads_are_paged_and_each_list_keeps_the_others_page(manager):
    """The caseloads are a list of their own (?workers=), 25 to a page by name, each with the
    open cases they hold; the queue's page links keep the caseloads' page, and theirs the
    queue's."""
    for index in range(26):
        UserFactory(roles=[RoleCode.SHIELD_WORKER], full_name=f"Worker {index:02d}")
    busy = shield_worker()
    make_case(worker=busy)
    make_case(worker=busy)
    left = shield_worker()
    make_case(worker=left)
    left.is_active = False  # someone who has left keeps their case until it is reallocated
    left.save()
    left.roles.clear()
    for _ in range(26):
        make_case(worker=False)
    holders = list(selectors.holders())
    assert len(holders) > 50
    counts = {holder.pk: holder.open_cases for holder in holders}
    assert counts[busy.pk] == 2 and counts[left.pk] == 1 and min(counts.values()) == 0
    first = manager.get(reverse("shield:index")).content.decode()
    assert escape(holders[0].full_name) in first
    assert escape(holders[25].full_name) not in first
    assert 'href="?workers=2"' in first and 'href="?page=2"' in first
    second = manager.get(reverse("shield:index"), {"workers": 2, "page": 2}).content.decode()
    assert escape(holders[0].full_name) not in second
    assert escape(holders[25].full_name) in second
    assert 'href="?page=2&amp;workers=1"' in second  # the caseloads' first page, queue kept
    assert 'href="?workers=2&amp;page=1"' in second  # the queue's first page, caseloads kept
    page = (holders.index(left) // 25) + 1
    shown = manager.get(reverse("shield:index"), {"workers": page}).content.decode()
    caseload = reverse("shield:caseload", kwargs={"user_pk": left.pk})
    assert f'href="{caseload}">{escape(left.full_name)}</a> <strong' in shown  # "Left"


def test_the_team_totals_count_held_waiting_and_the_cases_of_no_team(manager):
    team = shield_worker().team  # the Shield team, whose queue a referred child joins
    held = make_case()
    assert held.team == team
    make_case(worker=False)
    ShieldCase.objects.filter(pk=make_case(worker=False).pk).update(team=None)
    ShieldCase.objects.filter(pk=make_case().pk).update(status="closed")
    rows = selectors.team_totals()
    assert [(row.name, row.held, row.waiting, row.total) for row in rows] == [
        (team.name, 1, 1, 2),
        ("", 0, 1, 1),
    ]
    page = manager.get(reverse("shield:index")).content.decode()
    totals = page[page.index("Open cases by team") :]
    assert totals.index(escape(team.name)) < totals.index("No team") < totals.index("All teams")


def test_the_landing_page_audits_the_children_shown(manager):
    case = make_case(worker=False)
    manager.get(reverse("shield:index"))
    assert AccessEvent.objects.filter(
        user=manager.user, action="view", child_id=case.child_id
    ).exists()


def test_a_worker_sees_their_own_caseload_and_nobody_elses(client_for):
    worker = shield_worker()
    mine = make_case(worker=worker)
    theirs = make_case()
    client = _worker_client(client_for, worker)
    landing = client.get(reverse("shield:index")).content.decode()
    assert escape(str(mine.child)) in landing and escape(str(theirs.child)) not in landing
    page = client.get(reverse("shield:caseload-mine")).content.decode()
    assert escape(str(mine.child)) in page
    viewed = AccessEvent.objects.filter(user=worker, action="view", child_id=mine.child_id)
    assert viewed.filter(object_type="shield.shieldcase", object_id=str(mine.pk)).count() == 2
    own = reverse("shield:caseload", kwargs={"user_pk": worker.pk})
    assert client.get(own).status_code == 200
    other = reverse("shield:caseload", kwargs={"user_pk": theirs.worker_id})
    assert client.get(other).status_code == 404
    assert client_for(RoleCode.SHIELD_TEAM_MANAGER).get(other).status_code == 200
    assert client_for(RoleCode.REFERRER).get(reverse("shield:caseload-mine")).status_code == 403


def test_an_allocated_social_worker_sees_the_cases_of_their_children(client_for):
    social_worker = UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER])
    theirs = make_case(ChildFactory(allocated_social_worker=social_worker))
    other = make_case()
    page = client_for(user=social_worker).get(reverse("shield:index")).content.decode()
    assert escape(str(theirs.child)) in page and escape(str(other.child)) not in page


# --- Caseloads --------------------------------------------------------------------------------


def _caseload_queries(client, worker) -> int:
    url = reverse("shield:caseload", kwargs={"user_pk": worker.pk})
    client.get(url)  # warm: the session and the user's roles
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_caseload_shows_each_childs_latest_cse2_next_review_and_flags(manager):
    worker = shield_worker()
    case = make_case(ChildFactory(date_of_birth=dt.date(2011, 3, 1)), worker=worker)
    make_assessment(
        case.child,
        worker,
        values=(1,) * 8,
        on=dt.date(2026, 6, 10),
        now=dt.datetime(2026, 6, 10, 15, tzinfo=dt.UTC),
    )
    latest = make_assessment(
        case.child,
        worker,
        values=(5,) * 8,
        kind="review",
        on=dt.date(2026, 9, 10),
        now=dt.datetime(2026, 9, 10, 15, tzinfo=dt.UTC),
    )
    for removed in (None, None, dt.date(2026, 10, 1)):
        Flag.objects.create(  # two current, one removed; one current flag per agency
            child=case.child,
            kind=Flag.Kind.AGENCY,
            agency=AgencyFactory(),
            risk_level="high",
            rationale="Partnership decision.",
            decided_on=dt.date(2026, 9, 1),
            decided_by=worker,
            removed_on=removed,
        )
    page = manager.get(reverse("shield:caseload", kwargs={"user_pk": worker.pk})).content.decode()
    assert f"Total {latest.total}, 10 Sep 2026" in page
    assert latest.get_band_display() in page
    review = Deadline.objects.get(child=case.child, kind=Kind.CSE2_REVIEW, met_at=None)
    assert review.due_at.astimezone(dt.UTC).strftime("%Y") in page
    assert "10 Dec 2026" in page  # 3 months after the latest CSE2 (D5)
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in page
    BandOverride.objects.create(
        assessment=latest, band="medium", reason="Protective factors.", made_by=manager.user
    )
    page = manager.get(reverse("shield:caseload", kwargs={"user_pk": worker.pk})).content.decode()
    assert "set by a manager; computed high" in page


def test_the_caseload_runs_a_fixed_number_of_queries_for_1_or_60_children(manager):
    """One query for the rows however many children: band, total, date, next review and flags
    come with them. 25 a page: 60 children are three pages."""
    worker = shield_worker()
    first = make_case(worker=worker)
    make_assessment(first.child, worker)
    one = _caseload_queries(manager, worker)
    agency = AgencyFactory()
    for index in range(59):
        case = make_case(worker=worker)
        if index % 10 == 0:
            make_assessment(case.child, worker)
        if index % 7 == 0:
            Flag.objects.create(
                child=case.child,
                kind=Flag.Kind.AGENCY,
                agency=agency,
                risk_level="medium",
                rationale="Partnership decision.",
                decided_on=dt.date(2026, 9, 1),
                decided_by=worker,
            )
    assert ShieldCase.objects.filter(worker=worker, status="open").count() == 60
    sixty = _caseload_queries(manager, worker)
    assert sixty == one
    # The session, the user, their device and roles, the unread notices and the session's
    # refresh; the page itself: the worker, the rows with their count, one insert for the access
    # log.
    assert sixty <= 12
    url = reverse("shield:caseload", kwargs={"user_pk": worker.pk})
    first_page = manager.get(url)
    assert len(first_page.context["rows"]) == 25 and "Open cases (60)" in first_page.text
    last_page = manager.get(url, {"page": 3})
    assert len(last_page.context["rows"]) == 10 and "Open cases (60)" in last_page.text
    past_the_end, not_a_number = manager.get(url, {"page": 9}), manager.get(url, {"page": "x"})
    assert past_the_end.context["page"].number == 3 and len(past_the_end.context["rows"]) == 10
    assert not_a_number.context["page"].number == 1
    shown = {row.url for page in (first_page, last_page) for row in page.context["rows"]}
    assert len(shown) == 35  # no case on two pages


# --- The case page ----------------------------------------------------------------------------


def test_the_case_page_shows_the_child_workers_flags_versions_and_links(manager):
    social_worker = UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER], full_name="Sam Dunlin")
    case = make_case(ChildFactory(allocated_social_worker=social_worker))
    done = make_assessment(case.child, case.worker)
    Flag.objects.create(
        child=case.child,
        kind=Flag.Kind.AGENCY,
        agency=AgencyFactory(name="Knowsley Housing (test)"),
        risk_level="high",
        rationale="Partnership decision.",
        decided_on=dt.date(2026, 9, 1),
        decided_by=case.worker,
    )
    page = manager.get(case.get_absolute_url()).content.decode()
    child = case.child
    assert reverse("referrals:child-detail", kwargs={"pk": child.pk}) in page
    assert escape(case.worker.full_name) in page and "Sam Dunlin" in page
    assert "CSE-TEST" in page
    assert "Knowsley Housing (test)" in page  # the current flags
    assert done.get_absolute_url() in page
    assert reverse("shield:chronology", kwargs={"child_pk": child.pk}) in page
    assert reverse("shield:case-allocate", kwargs={"pk": case.pk}) in page
    assert reverse("shield:case-note-new", kwargs={"child_pk": child.pk}) in page
    for name in ("assessment-new", "events", "incident-new", "missing-new", "flag-new"):
        assert reverse(f"shield:{name}", kwargs={"child_pk": child.pk}) in page, name


def test_a_worker_without_the_child_gets_404_everywhere(client_for):
    case = make_case()
    stranger = _worker_client(client_for)
    child_pk = case.child_id
    for url in (
        case.get_absolute_url(),
        reverse("shield:case-note-new", kwargs={"child_pk": child_pk}),
        reverse("shield:chronology", kwargs={"child_pk": child_pk}),
        reverse("shield:chronology-print", kwargs={"child_pk": child_pk}),
    ):
        assert stranger.get(url).status_code == 404, url
    assert AccessEvent.objects.filter(user=stranger.user, action="deny").exists()
    holder = _worker_client(client_for, case.worker)
    assert holder.get(case.get_absolute_url()).status_code == 200


# --- Case notes -------------------------------------------------------------------------------


def _note_data(text, *, action="draft", version=None, day=None):
    day = day or dt.date(2026, 11, 20)
    data = {
        "occurred_on_0": day.day,
        "occurred_on_1": day.month,
        "occurred_on_2": day.year,
        "occurred_time": "14:30",
        "text": text,
        "action": action,
    }
    if version is not None:
        data["version"] = version
    return data


def test_a_draft_is_its_authors_until_completed_then_append_only(client_for):
    case = make_case()
    author = _worker_client(client_for, case.worker)
    new = reverse("shield:case-note-new", kwargs={"child_pk": case.child_id})
    response = author.post(new, _note_data("Visited at home; she was not in."))
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.status == "draft" and note.author == case.worker
    assert response["Location"] == f"{case.get_absolute_url()}#note-{note.pk}"

    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    assert "Visited at home" not in manager.get(case.get_absolute_url()).content.decode()
    edit = reverse("shield:case-note-edit", kwargs={"pk": note.pk})
    assert manager.get(edit).status_code == 404  # not the author
    form = author.get(edit).content.decode()
    assert 'value="14:30"' in form and "Visited at home; she was not in." in form

    response = author.post(
        edit,
        _note_data("Visited at home; she was in.", action="complete", version=note.version),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == "completed" and note.completed_at is not None
    assert note.text == "Visited at home; she was in."
    assert "Visited at home; she was in." in manager.get(case.get_absolute_url()).content.decode()

    # Completed: append-only, whatever the path.
    assert author.get(edit).status_code == 404
    assert author.post(edit, _note_data("Changed", version=note.version)).status_code == 404
    assert AccessEvent.objects.filter(
        user=author.user, action="deny", object_id=str(note.pk)
    ).exists()
    with pytest.raises(ValidationError, match="cannot be changed"):
        casework_services.case_note_save(
            by=case.worker,
            note=note,
            expected_version=note.version,
            occurred_at=note.occurred_at,
            text="Changed",
        )
    with pytest.raises(ValidationError, match="cannot be changed"):
        casework_services.case_note_complete(
            note=note, by=case.worker, expected_version=note.version
        )
    assert AccessEvent.objects.filter(
        action="deny", object_type="shield.casenote", justification__contains="correction"
    ).exists()
    note.refresh_from_db()
    assert note.text == "Visited at home; she was in."


def test_a_correction_is_a_new_note_and_the_original_stays(client_for):
    case = make_case()
    original = casework_services.case_note_save(
        by=case.worker,
        child=case.child,
        occurred_at=NOV_2,
        text="Met at school with her mother.",
        complete=True,
    )
    author = _worker_client(client_for, case.worker)
    correct = reverse("shield:case-note-correct", kwargs={"pk": original.pk})
    form = author.get(correct).content.decode()
    assert "Met at school with her mother." in form  # the original, and the text to start from
    response = author.post(
        correct, _note_data("Met at school with her aunt, not her mother.", action="complete")
    )
    assert response.status_code == 302
    correction = CaseNote.objects.exclude(pk=original.pk).get()
    assert correction.corrects == original and correction.status == "completed"
    original.refresh_from_db()
    assert original.text == "Met at school with her mother."
    page = author.get(case.get_absolute_url()).content.decode()
    assert f'href="#note-{correction.pk}"' in page and f'href="#note-{original.pk}"' in page
    # A draft is not corrected: it is changed.
    draft = casework_services.case_note_save(
        by=case.worker, child=case.child, occurred_at=NOV_2, text="Draft."
    )
    assert author.get(reverse("shield:case-note-correct", kwargs={"pk": draft.pk})).status_code == (
        404
    )


def test_a_stale_draft_save_is_refused_and_what_was_typed_is_kept(client_for):
    case = make_case()
    note = casework_services.case_note_save(
        by=case.worker, child=case.child, occurred_at=NOV_2, text="First words."
    )
    seen = note.version
    casework_services.case_note_save(
        by=case.worker,
        note=note,
        expected_version=seen,
        occurred_at=NOV_2,
        text="Saved in another tab.",
    )
    author = _worker_client(client_for, case.worker)
    response = author.post(
        reverse("shield:case-note-edit", kwargs={"pk": note.pk}),
        _note_data("Typed here.", version=seen),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "saved somewhere else" in page and "Typed here." in page
    assert "Saved in another tab." in page  # the draft as it was saved, beside
    note.refresh_from_db()
    assert note.text == "Saved in another tab."
    with pytest.raises(StaleError):
        casework_services.case_note_save(
            by=case.worker, note=note, expected_version=seen, occurred_at=NOV_2, text="x"
        )


def test_case_note_rules_in_the_service():
    case = make_case()
    with pytest.raises(ValidationError) as error:
        casework_services.case_note_save(
            by=case.worker,
            child=case.child,
            occurred_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
            text="  ",
        )
    assert {"text", "occurred_on"} <= set(error.value.message_dict)
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    with pytest.raises(ValidationError, match="professionals working with the child"):
        casework_services.case_note_save(
            by=referrer, child=case.child, occurred_at=NOV_2, text="Not mine to write."
        )
    other_child = Child.objects.exclude(pk=case.child_id).first() or ChildFactory()
    original = casework_services.case_note_save(
        by=case.worker, child=case.child, occurred_at=NOV_2, text="Seen.", complete=True
    )
    with pytest.raises(ValidationError, match="same child"):
        casework_services.case_note_save(
            by=case.worker, child=other_child, corrects=original, occurred_at=NOV_2, text="x"
        )
    assert CaseNote.objects.count() == 1


def test_allocation_service_refuses_a_stale_version():
    case = make_case(worker=False)
    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    with pytest.raises(StaleError):
        services.case_allocate(
            case=case, worker=shield_worker(), by=manager, expected_version=case.version + 1
        )
