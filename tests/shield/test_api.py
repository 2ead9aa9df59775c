"""The CSE2 API: schemes for every signed-in user; assessments read in scope and audited, started
as drafts, saved with field-level 400s and a 409 for a stale save, completed once, and a completed
one refused (409, audited)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from shield import services
from shield.models import Assessment
from shield.models.assessment import REFUSED
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_assessment, make_case

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/cse2-schemes/"
ASSESSMENTS = "/api/v1/cse2-assessments/"
SCORES = [{"category": n, "score": 2, "evidence": "Seen by the worker."} for n in range(1, 9)]
FILLED = {
    "judgement_score": 2,
    "judgement_rationale": "The whole picture.",
    "young_person_views": "Says she feels safer at home.",
    "scores": SCORES,
}


@pytest.fixture
def case():
    return make_case(ChildFactory(date_of_birth=dt.date(2011, 3, 1)))


@pytest.fixture
def worker(case, client_for):
    return client_for(user=case.worker)


def _start(client, child, **extra):
    body = {"child": str(child.pk), "kind": "initial", "assessed_on": "2026-11-20", **extra}
    return client.post(ASSESSMENTS, body, content_type="application/json")


def _patch(client, pk, body):
    return client.patch(f"{ASSESSMENTS}{pk}/", body, content_type="application/json")


def _post(client, pk, what, body):
    return client.post(f"{ASSESSMENTS}{pk}/{what}/", body, content_type="application/json")


# --- Schemes ----------------------------------------------------------------------------------


def test_schemes_are_reference_data_for_every_signed_in_user(client, client_for):
    """Categories with anchors, bands and floors; any role reads them, nobody anonymous."""
    referrer = client_for(RoleCode.REFERRER)
    body = referrer.get(SCHEMES).json()
    [scheme] = body["results"]
    assert scheme["code"] == "CSE2-default-v1" and scheme["current"] is True
    assert scheme["maximum_total"] == 54 and scheme["in_use"] is False
    assert [c["number"] for c in scheme["categories"]] == list(range(1, 9))
    assert scheme["categories"][0]["anchors"]["5-6"] == "Direct evidence linked to CSE"
    assert [(b["code"], b["min_total"], b["max_total"]) for b in scheme["bands"]] == [
        ("lower", 0, 18),
        ("medium", 19, 34),
        ("high", 35, 54),
    ]
    assert {f["rule"]: f["band"] for f in scheme["floors"]}["disclosure"] == "high"
    detail = referrer.get(f"{SCHEMES}{scheme['id']}/")
    assert detail.status_code == 200 and detail.json()["floors"] == scheme["floors"]
    assert client.get(SCHEMES).status_code == 401


def test_a_scheme_shows_it_is_in_use_once_an_assessment_used_it(case, client_for):
    make_assessment(case.child, case.worker)
    scheme = client_for(RoleCode.LSCB_ANALYST).get(SCHEMES).json()["results"][0]
    assert scheme["in_use"] is True


# --- Reading ----------------------------------------------------------------------------------


def test_an_assessment_reads_with_its_result_and_the_read_is_audited(case, worker):
    first = make_assessment(case.child, case.worker, values=(4,) * 8)
    second = make_assessment(
        case.child, case.worker, values=(1,) * 8, kind="review", on=dt.date(2026, 9, 10)
    )
    body = worker.get(f"{ASSESSMENTS}{second.pk}/").json()
    assert body["status"] == "completed" and body["sequence"] == 2
    assert (body["total"], body["maximum_total"], body["band"]) == (10, 54, "lower")
    assert body["direction"] == "decreased"
    assert body["previous"] == {
        "id": first.pk,
        "sequence": 1,
        "assessed_on": "2026-06-10",
        "total": 34,
        "band": "medium",
    }
    assert body["scores"][0] == {
        "category": 1,
        "category_name": "Missing episodes (home, care or school)",
        "score": 1,
        "anchor": "Some concern",
        "evidence": "Seen by the worker.",
    }
    assert body["monitoring"]["age"] == 15 and body["overrides"] == []
    assert body["overridden_band"] is None and body["corrects"] is None
    assert AccessEvent.objects.filter(action="view", object_id=str(second.pk)).count() == 1


def test_the_list_is_scoped_newest_first_and_audited(case, worker, client_for):
    """A worker sees the children they hold; another worker sees none, and gets 404 by id."""
    done = make_assessment(case.child, case.worker)
    draft = make_assessment(case.child, case.worker, complete=False, kind="review")
    listed = worker.get(ASSESSMENTS).json()
    assert [row["id"] for row in listed["results"]] == [draft.pk, done.pk]
    assert "next" in listed  # cursor pagination: no count, no offset
    assert AccessEvent.objects.filter(action="view", child_id=case.child.pk).count() == 1
    stranger = client_for(RoleCode.SHIELD_WORKER)
    assert stranger.get(ASSESSMENTS).json()["results"] == []
    assert stranger.get(f"{ASSESSMENTS}{done.pk}/").status_code == 404
    assert AccessEvent.objects.filter(action="deny", object_id=str(done.pk)).count() == 1
    manager = client_for(RoleCode.SERVICE_MANAGER)
    assert len(manager.get(ASSESSMENTS).json()["results"]) == 2


def test_the_list_filters_by_child(case, worker):
    make_assessment(case.child, case.worker)
    other = make_case(ChildFactory(), worker=case.worker)
    make_assessment(other.child, case.worker)
    rows = worker.get(ASSESSMENTS, {"child": str(other.child.pk)}).json()["results"]
    assert [row["child"] for row in rows] == [str(other.child.pk)]
    assert worker.get(ASSESSMENTS, {"child": "not-a-uuid"}).status_code == 400


def test_the_list_and_a_read_name_the_people_overrides_and_corrections(case, worker):
    """Read after the page (people in one query, each CSE2's rows as lists): the same as a
    read by id."""
    first = make_assessment(case.child, case.worker)
    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER], full_name="Mo Manager")
    services.band_override(assessment=first, by=manager, band="high", reason="Protective.")
    correction = services.assessment_start(
        child=case.child,
        kind="initial",
        by=case.worker,
        assessed_on=first.assessed_on,
        corrects=first,
    )
    listed = {row["id"]: row for row in worker.get(ASSESSMENTS).json()["results"]}
    row = listed[first.pk]
    assert row == worker.get(f"{ASSESSMENTS}{first.pk}/").json()
    name = case.worker.full_name
    assert (row["lead_professional"], row["created_by"], row["completed_by"]) == (name,) * 3
    assert row["overridden_band"] == "high" and row["corrected_by"] == [correction.pk]
    assert [(o["band"], o["made_by"]) for o in row["overrides"]] == [("high", "Mo Manager")]
    assert len(row["scores"]) == 8 and row["maximum_total"] == 54
    assert listed[correction.pk]["corrects"] == first.pk
    assert listed[correction.pk]["completed_by"] is None


def test_the_list_costs_the_same_queries_however_many_assessments(case, worker):
    make_assessment(case.child, case.worker)
    with CaptureQueriesContext(connection) as one:
        assert worker.get(ASSESSMENTS).status_code == 200
    for number in range(3):
        other = make_case(ChildFactory(), worker=case.worker)
        make_assessment(other.child, case.worker, values=(number,) * 8)
    with CaptureQueriesContext(connection) as four:
        assert len(worker.get(ASSESSMENTS).json()["results"]) == 4
    assert len(four) == len(one)


# --- Starting a draft -------------------------------------------------------------------------


def test_a_worker_starts_a_draft_with_the_current_scheme(case, worker):
    response = _start(worker, case.child, reason="Referred by MASH")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1 and body["sequence"] is None
    assert body["scheme_code"] == "CSE2-default-v1" and body["reason"] == "Referred by MASH"
    assert body["scores"] == [] and body["monitoring"]["age"] is None
    assert Assessment.objects.get(pk=body["id"]).created_by == case.worker


def test_only_those_who_complete_a_cse2_start_one(case, client_for):
    """Other roles: 403; an assessor who may not see the child's Shield records: 404, audited,
    as for a child that does not exist."""
    assert _start(client_for(RoleCode.MACSE_CHAIR), case.child).status_code == 403
    stranger = client_for(RoleCode.SHIELD_WORKER)
    assert _start(stranger, case.child).status_code == 404
    assert AccessEvent.objects.filter(action="deny", child_id=case.child.pk).count() == 1
    missing = _start(stranger, ChildFactory.build())
    assert missing.status_code == 404
    manager = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    assert _start(manager, case.child).status_code == 201


def test_a_bad_start_is_a_field_level_400(case, worker):
    empty = worker.post(ASSESSMENTS, {}, content_type="application/json")
    assert empty.status_code == 400
    assert set(empty.json()) == {"child", "kind", "assessed_on"}
    future = _start(worker, case.child, assessed_on="2999-01-01", kind="sometimes")
    assert set(future.json()) == {"assessed_on", "kind"}
    assert not Assessment.objects.exists()


def test_a_correction_starts_as_a_copy_of_the_version_it_corrects(case, worker):
    original = make_assessment(case.child, case.worker, values=(3,) * 8)
    response = _start(worker, case.child, corrects=original.pk)
    assert response.status_code == 201
    body = response.json()
    assert body["corrects"] == original.pk and [s["score"] for s in body["scores"]] == [3] * 8
    draft = make_assessment(case.child, case.worker, complete=False)
    assert _start(worker, case.child, corrects=draft.pk).json() == {
        "corrects": ["Only a completed CSE2 is corrected; change the draft instead"]
    }
    other = make_case(ChildFactory(), worker=case.worker)
    wrong_child = _start(worker, other.child, corrects=original.pk)
    assert wrong_child.status_code == 400 and "corrects" in wrong_child.json()


# --- Saving a draft ---------------------------------------------------------------------------


def test_saving_a_draft_by_patch_or_post(case, worker):
    """Fields, scores by category number, data monitoring and attendees; each save is a new
    version of the draft."""
    draft = _start(worker, case.child).json()
    agency = AgencyFactory()
    saved = _patch(
        worker,
        draft["id"],
        {
            "version": 1,
            **FILLED,
            "monitoring": {"living_situation": "foster", "online_element": "yes"},
            "attendees": [{"name": "Jo Test", "agency": agency.pk, "role": "Teacher"}],
        },
    )
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["version"] == 2 and body["judgement_score"] == 2
    assert [s["score"] for s in body["scores"]] == [2] * 8
    assert body["monitoring"]["living_situation"] == "foster"
    assert body["attendees"] == [{"name": "Jo Test", "agency": str(agency), "role": "Teacher"}]
    again = _post(
        worker, draft["id"], "draft", {"version": 2, "scores": [{"category": 1, "score": None}]}
    )
    assert again.status_code == 200
    assert [s["category"] for s in again.json()["scores"]] == list(range(2, 9))
    assert again.json()["monitoring"]["living_situation"] == "foster"  # kept when not sent


def test_a_stale_save_is_a_409_and_nothing_is_saved(case, worker):
    draft = _start(worker, case.child).json()
    assert _patch(worker, draft["id"], {"version": 1, "reason": "First"}).status_code == 200
    stale = _patch(worker, draft["id"], {"version": 1, "reason": "Second"})
    assert stale.status_code == 409
    assert stale.json()["version"] == 2 and "nothing was saved" in stale.json()["detail"]
    assert Assessment.objects.get(pk=draft["id"]).reason == "First"


def test_bad_values_are_field_level_400s_and_the_draft_is_kept(case, worker):
    draft = _start(worker, case.child).json()
    _patch(worker, draft["id"], {"version": 1, **FILLED})
    cases = [
        ({"scores": [{"category": 1, "score": 7, "evidence": "x"}]}, {"score_1"}),
        ({"scores": [{"category": 2, "score": 3, "evidence": " "}]}, {"evidence_2"}),
        ({"scores": [{"category": 9, "score": 1}]}, {"scores"}),
        ({"scores": [{"category": 1, "score": 1}, {"category": 1, "score": 2}]}, {"scores"}),
        ({"judgement_score": 9}, {"judgement_score"}),
        ({"willingness_to_engage": "maybe", "monitoring": {"education": "x"}}, None),
    ]
    for body, fields in cases:
        response = _patch(worker, draft["id"], {"version": 2, **body})
        assert response.status_code == 400, body
        assert set(response.json()) == (fields or {"willingness_to_engage", "monitoring"})
    assert _patch(worker, draft["id"], {}).json() == {"version": ["This field is required."]}
    stored = Assessment.objects.get(pk=draft["id"])
    assert stored.version == 2 and stored.judgement_score == 2
    assert sorted(stored.scores.values_list("score", flat=True)) == [2] * 8


def test_who_may_save_and_complete(case, client_for):
    """A role that sees the CSE2 but does not assess, and an assessor who cannot see it: 404."""
    draft = make_assessment(case.child, case.worker, complete=False)
    chair = client_for(RoleCode.MACSE_CHAIR)
    assert chair.get(f"{ASSESSMENTS}{draft.pk}/").status_code == 200
    for client in (chair, client_for(RoleCode.SHIELD_WORKER)):
        assert _patch(client, draft.pk, {"version": draft.version}).status_code == 404
        assert _post(client, draft.pk, "complete", {"version": draft.version}).status_code == 404
    assert AccessEvent.objects.filter(action="deny", object_id=str(draft.pk)).count() == 4
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- Completing -------------------------------------------------------------------------------


def test_completing_scores_it_once_however_often_it_is_sent(case, worker):
    draft = _start(worker, case.child).json()
    _patch(worker, draft["id"], {"version": 1, **FILLED})
    done = _post(worker, draft["id"], "complete", {"version": 2})
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "completed" and body["sequence"] == 1
    assert (body["total"], body["computed_band"], body["band"]) == (18, "lower", "lower")
    assert body["direction"] == "first" and body["completed_at"]
    again = _post(worker, draft["id"], "complete", {"version": 2})
    assert again.status_code == 200 and again.json()["version"] == body["version"] == 3
    assert Assessment.objects.filter(status="completed").count() == 1


def test_completion_says_what_is_missing_field_by_field(case, worker):
    draft = _start(worker, case.child).json()
    response = _post(worker, draft["id"], "complete", {"version": 1})
    assert response.status_code == 400
    assert {"score_1", "score_8", "judgement_score", "judgement_rationale"} <= set(response.json())
    assert _post(worker, draft["id"], "complete", {}).status_code == 400
    assert Assessment.objects.get(pk=draft["id"]).status == "draft"


def test_a_stale_completion_is_a_409(case, worker):
    draft = _start(worker, case.child).json()
    _patch(worker, draft["id"], {"version": 1, **FILLED})
    response = _post(worker, draft["id"], "complete", {"version": 1})
    assert response.status_code == 409 and response.json()["version"] == 2
    assert Assessment.objects.get(pk=draft["id"]).status == "draft"


def test_a_completed_cse2_is_never_changed_and_the_attempt_is_audited(case, worker):
    done = make_assessment(case.child, case.worker)
    for response in (
        _patch(worker, done.pk, {"version": done.version, "reason": "Changed"}),
        _post(worker, done.pk, "draft", {"scores": [{"category": 1, "score": 6}]}),
    ):
        assert response.status_code == 409
        assert response.json() == {"detail": REFUSED, "version": done.version}
    refusals = AccessEvent.objects.filter(action="deny", object_id=str(done.pk))
    assert refusals.count() == 2 and refusals.first().user == case.worker
    done.refresh_from_db()
    assert done.reason == "" and done.total == 18
