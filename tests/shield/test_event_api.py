"""Flags, incidents and missing episodes in the API: created through the same services (201, or
field-level 400s with nothing saved), read through the same access mechanism and audit (lists
scoped, another's record 404), cursor-paginated newest first; an episode's return home interview
added and a flag removed by those the pages allow, with the version read (409 when stale)."""

import datetime as dt
from urllib.parse import urlencode

import pytest

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from referrals.models import Referral
from shield.models import Flag, Incident, MissingEpisode
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(ChildFactory(date_of_birth=dt.date(2011, 3, 1)))


@pytest.fixture
def police():
    return AgencyFactory(name="Police (test)", kind=Agency.Kind.POLICE)


def _post(client, path, body):
    return client.post(f"/api/v1/{path}/", body, content_type="application/json")


def _flag(case, police, **fields):
    return {
        "child": str(case.child.pk),
        "kind": "police_cse",
        "agency": police.pk,
        "risk_level": "high",
        "rationale": "Agreed at MACSE.",
        "decided_on": "2026-11-12",
        **fields,
    }


def test_an_empty_flag_is_a_400_naming_every_field(client_for):
    response = _post(client_for(RoleCode.SHIELD_TEAM_MANAGER), "flags", {})
    assert response.status_code == 400
    assert set(response.json()) == {
        "child",
        "kind",
        "agency",
        "risk_level",
        "rationale",
        "decided_on",
    }


def test_the_police_flag_is_created_by_the_chair_and_refused_to_a_manager(case, police, client_for):
    """201 with the flag for the police; the same request from a Shield manager is a 400 on
    its kind; someone who decides no flag at all gets 403."""
    chair = client_for(RoleCode.MACSE_CHAIR)
    created = _post(chair, "flags", _flag(case, police))
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["current"], body["agency"]) == ("police_cse", True, "Police (test)")
    refused = _post(client_for(RoleCode.SHIELD_TEAM_MANAGER), "flags", _flag(case, police))
    assert refused.status_code == 400
    assert set(refused.json()) == {"kind"}
    assert _post(client_for(user=case.worker), "flags", _flag(case, police)).status_code == 403
    assert Flag.objects.count() == 1
    assert AccessEvent.objects.filter(
        action="create", object_type="shield.flag", object_id=str(body["id"])
    ).exists()


def test_a_child_out_of_scope_is_a_field_error_and_audited(case, police, client_for):
    """A Shield worker who never held the child: the same 400 as for a child that does not
    exist, and the denial is recorded."""
    stranger = client_for(user=UserFactory(roles=[RoleCode.SHIELD_WORKER]))
    response = _post(
        stranger,
        "missing-episodes",
        {"child": str(case.child.pk), "went_missing_at": "2026-11-17T21:30:00Z"},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"child"}
    assert AccessEvent.objects.filter(action="deny", child_id=case.child.pk).exists()
    missing = _post(
        stranger,
        "missing-episodes",
        {"child": "00000000-0000-0000-0000-000000000000", "went_missing_at": "2026-11-17T21:30Z"},
    )
    assert missing.json() == response.json()


def test_an_incident_is_created_with_its_cse1_and_review_clock(case, client_for):
    client = client_for(user=case.worker)
    response = _post(
        client,
        "incidents",
        {
            "child": str(case.child.pk),
            "occurred_at": "2026-11-19T08:15:00Z",
            "description": "Seen with older males at the retail park.",
            "consent": "parental_responsibility",
        },
    )
    assert response.status_code == 201
    body = response.json()
    referral = Referral.objects.get(pk=body["referral"])
    assert body["referral_reference"] == referral.reference
    assert referral.status == "draft" and referral.referrer == case.worker
    assert Deadline.objects.filter(kind=Kind.CSE2_REVIEW, started_by_id=str(body["id"])).exists()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"occurred_at": "2999-01-01T00:00:00Z"}, {"occurred_at"}),
        ({"consent": "override_harm"}, {"consent_override_reason"}),
        ({"description": "", "consent": "nobody"}, {"description", "consent"}),
    ],
)
def test_a_refused_incident_is_a_field_level_400_and_saves_nothing(
    case, client_for, change, fields
):
    body = {
        "child": str(case.child.pk),
        "occurred_at": "2026-11-19T08:15:00Z",
        "description": "Seen with older males.",
        "consent": "parental_responsibility",
        **change,
    }
    response = _post(client_for(user=case.worker), "incidents", body)
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not Incident.objects.exists() and not Referral.objects.exists()


def test_a_missing_episode_is_created_or_refused_with_field_errors(case, client_for):
    client = client_for(user=case.worker)
    episode = {
        "child": str(case.child.pk),
        "went_missing_at": "2026-11-17T21:30:00Z",
        "returned_at": "2026-11-18T07:00:00Z",
        "reported_to_police": True,
        "interview_done": True,
        "interview_by": "Catch 22 worker",
        "interview_on": "2026-11-18",
    }
    created = _post(client, "missing-episodes", episode)
    assert created.status_code == 201
    assert created.json()["interview_by"] == "Catch 22 worker"
    refused = _post(client, "missing-episodes", {**episode, "returned_at": "2026-11-16T07:00:00Z"})
    assert refused.status_code == 400
    assert set(refused.json()) == {"returned_at"}
    assert MissingEpisode.objects.count() == 1


def test_lists_are_scoped_records_404_and_reads_audited(case, police, client_for):
    """Another Shield worker sees none of the child's events; the child's worker sees them,
    newest first by cursor, and each read is an audited view."""
    chair = client_for(RoleCode.MACSE_CHAIR)
    first = _post(chair, "flags", _flag(case, police)).json()
    second = _post(chair, "flags", _flag(case, police, decided_on="2026-11-13")).json()
    worker = client_for(user=case.worker)
    listed = worker.get("/api/v1/flags/").json()
    assert [row["id"] for row in listed["results"]] == [second["id"], first["id"]]
    assert [row["current"] for row in listed["results"]] == [True, False]
    assert listed["results"][1]["removal_reason"] == "Replaced"
    stranger = client_for(RoleCode.SHIELD_WORKER)
    for path in ("flags", "incidents", "missing-episodes"):
        assert stranger.get(f"/api/v1/{path}/").json()["results"] == []
    assert stranger.get(f"/api/v1/flags/{first['id']}/").status_code == 404
    assert worker.get(f"/api/v1/flags/{first['id']}/").status_code == 200
    assert (
        AccessEvent.objects.filter(action="view", user=worker.user, child_id=case.child.pk).count()
        == 2
    )
    assert AccessEvent.objects.filter(
        action="deny", user=stranger.user, object_id=str(first["id"])
    ).exists()


def test_pages_follow_the_cursor(case, client_for):
    """More than a page: the next page is reached by an opaque cursor, with nothing repeated."""
    from shield.event_api import NewestFirst

    client = client_for(user=case.worker)
    for day in range(1, 4):
        _post(
            client,
            "missing-episodes",
            {"child": str(case.child.pk), "went_missing_at": f"2026-11-0{day}T21:30:00Z"},
        )
    NewestFirst.page_size, size = 2, NewestFirst.page_size
    try:
        first = client.get("/api/v1/missing-episodes/").json()
        second = client.get(first["next"]).json()
    finally:
        NewestFirst.page_size = size
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3
    assert "cursor=" in first["next"] and second["next"] is None


# --- Changing an episode and removing a flag ----------------------------------------------------


def _patch(client, path, body):
    return client.patch(f"/api/v1/{path}/", body, content_type="application/json")


def _recorded_episode(case, client):
    body = {
        "child": str(case.child.pk),
        "went_missing_at": "2026-11-17T21:30:00Z",
        "reported_to_police": True,
        "notes": "Found at a friend's flat.",
    }
    return _post(client, "missing-episodes", body).json()


def test_the_return_home_interview_is_added_to_an_episode_after_the_return(case, client_for):
    """PATCH with the version read: only the fields sent change; the change is audited."""
    client = client_for(user=case.worker)
    episode = _recorded_episode(case, client)
    interview = {
        "version": episode["version"],
        "returned_at": "2026-11-18T07:00:00Z",
        "interview_done": True,
        "interview_by": "Catch 22 worker",
        "interview_on": "2026-11-19",
    }
    response = _patch(client, f"missing-episodes/{episode['id']}", interview)
    assert response.status_code == 200
    body = response.json()
    assert (body["interview_done"], body["interview_by"], body["interview_on"]) == (
        True,
        "Catch 22 worker",
        "2026-11-19",
    )
    assert body["reported_to_police"] and body["notes"] == "Found at a friend's flat."
    assert body["version"] == episode["version"] + 1
    assert AccessEvent.objects.filter(
        action="change", object_type="shield.missingepisode", object_id=str(episode["id"])
    ).exists()


def test_a_form_encoded_change_leaves_what_it_did_not_send(case, client_for):
    """A yes/no left out of a form-encoded body is left as it was, not read as "no"."""
    client = client_for(user=case.worker)
    episode = _recorded_episode(case, client)
    response = client.patch(
        f"/api/v1/missing-episodes/{episode['id']}/",
        urlencode({"version": episode["version"], "notes": "Seen by the worker."}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    stored = MissingEpisode.objects.get(pk=episode["id"])
    assert stored.reported_to_police and stored.notes == "Seen by the worker."


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({}, {"version"}),
        ({"interview_done": True}, {"returned_at", "interview_by", "interview_on"}),
        ({"returned_at": "2026-11-16T07:00:00Z"}, {"returned_at"}),
        ({"interview_on": "20 November"}, {"interview_on"}),
    ],
)
def test_a_refused_change_is_a_field_level_400_and_changes_nothing(
    case, client_for, change, fields
):
    client = client_for(user=case.worker)
    episode = _recorded_episode(case, client)
    body = {"version": episode["version"], **change} if change else {}
    response = _patch(client, f"missing-episodes/{episode['id']}", body)
    assert response.status_code == 400
    assert set(response.json()) == fields
    stored = MissingEpisode.objects.get(pk=episode["id"])
    assert (stored.version, stored.returned_at, stored.interview_done) == (
        episode["version"],
        None,
        False,
    )


def test_a_stale_change_is_a_409_and_keeps_the_first(case, client_for):
    client = client_for(user=case.worker)
    episode = _recorded_episode(case, client)
    path = f"missing-episodes/{episode['id']}"
    first = _patch(client, path, {"version": episode["version"], "notes": "First."})
    assert first.status_code == 200
    late = _patch(client, path, {"version": episode["version"], "notes": "Late."})
    assert late.status_code == 409
    assert late.json()["version"] == first.json()["version"]
    assert MissingEpisode.objects.get(pk=episode["id"]).notes == "First."


def test_only_those_the_pages_let_change_an_episode_may_change_it(case, client_for):
    """A Shield worker who never held the child, and a MASH team manager who sees the child's
    Shield records but does not record episodes: 404, audited, nothing changed."""
    episode = _recorded_episode(case, client_for(user=case.worker))
    for client in (
        client_for(user=UserFactory(roles=[RoleCode.SHIELD_WORKER])),
        client_for(RoleCode.MASH_TEAM_MANAGER),
    ):
        body = {"version": episode["version"], "notes": "Not theirs."}
        assert _patch(client, f"missing-episodes/{episode['id']}", body).status_code == 404
        assert AccessEvent.objects.filter(
            action="deny", user=client.user, object_id=str(episode["id"])
        ).exists()
    stored = MissingEpisode.objects.get(pk=episode["id"])
    assert stored.notes == "Found at a friend's flat."


def _removal(flag, **fields):
    return {
        "version": flag["version"],
        "reason": "Risk reduced: agreed at MACSE.",
        "removed_on": "2026-11-20",
        **fields,
    }


def test_removing_a_flag_is_a_recorded_decision(case, police, client_for):
    """By the police for the police CSE flag: the reason, the date and who, kept on the flag
    (200); audited; a second removal is a 409."""
    chair = client_for(RoleCode.MACSE_CHAIR)
    flag = _post(chair, "flags", _flag(case, police)).json()
    response = _post(chair, f"flags/{flag['id']}/remove", _removal(flag))
    assert response.status_code == 200
    body = response.json()
    assert body["current"] is False
    assert (body["removal_reason"], body["removed_on"]) == (
        "Risk reduced: agreed at MACSE.",
        "2026-11-20",
    )
    assert body["removed_by"] == str(chair.user)
    assert AccessEvent.objects.filter(
        action="change", object_type="shield.flag", object_id=str(flag["id"])
    ).exists()
    again = _post(chair, f"flags/{flag['id']}/remove", _removal(body))
    assert again.status_code == 409
    assert again.json()["detail"] == "This flag has already been removed"


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (
            {"version": None, "reason": None, "removed_on": None},
            {"version", "reason", "removed_on"},
        ),
        ({"reason": ""}, {"reason"}),
        ({"removed_on": "2026-11-11"}, {"removed_on"}),  # before the flag was decided
        ({"removed_on": "2999-01-01"}, {"removed_on"}),
    ],
)
def test_a_refused_removal_is_a_field_level_400_and_the_flag_stays(
    case, police, client_for, change, fields
):
    chair = client_for(RoleCode.MACSE_CHAIR)
    flag = _post(chair, "flags", _flag(case, police)).json()
    body = {key: value for key, value in _removal(flag, **change).items() if value is not None}
    response = _post(chair, f"flags/{flag['id']}/remove", body)
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert Flag.objects.get(pk=flag["id"]).current


def test_a_removal_of_another_version_than_the_stored_one_is_a_409(case, police, client_for):
    chair = client_for(RoleCode.MACSE_CHAIR)
    flag = _post(chair, "flags", _flag(case, police)).json()
    stale = _removal(flag, version=flag["version"] + 1)
    response = _post(chair, f"flags/{flag['id']}/remove", stale)
    assert response.status_code == 409 and response.json()["version"] == flag["version"]
    assert Flag.objects.get(pk=flag["id"]).current


def test_only_whoever_decides_a_flag_may_remove_it(case, police, client_for):
    """A Shield team manager sees the police flag but does not decide it: 404, audited; the
    child's worker likewise."""
    flag = _post(client_for(RoleCode.MACSE_CHAIR), "flags", _flag(case, police)).json()
    for client in (client_for(RoleCode.SHIELD_TEAM_MANAGER), client_for(user=case.worker)):
        response = _post(client, f"flags/{flag['id']}/remove", _removal(flag))
        assert response.status_code == 404
        assert AccessEvent.objects.filter(
            action="deny", user=client.user, object_id=str(flag["id"])
        ).exists()
    assert Flag.objects.get(pk=flag["id"]).current
