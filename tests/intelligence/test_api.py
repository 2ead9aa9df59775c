"""The intelligence API (issue 8, item 9; D12): reports listed through the access policy, each
read at the level intelligence.policy.view_of gives (full, own, sanitised: one shape each),
every read audited; reports passed on with the entities they name (field-level 400s, future
times refused, malformed plates kept and flagged); police handling with a 409 on a stale
version; a partner asking for a police-only report by any route gets 404, audited. All names,
references, plates and places are fictional."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import police_services, services
from intelligence.models import Mention, Report, Vehicle
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/intelligence-reports/"
SEEN = dt.datetime(2026, 1, 12, 15, 30, tzinfo=dt.UTC)
WHAT = "A silver hatchback waits by the gates of Brambledown Academy; girls get in."
SANITISED = "A vehicle has been seen near a school in the area at home time."
GRADED = {"source_grade": "2", "intelligence_grade": "B", "handling": "P"}
OWN_KEYS = {
    "id",
    "view",
    "reference",
    "channel",
    "submitted_at",
    "observed_from",
    "observed_to",
    "pattern",
    "place",
    "what_happened",
    "children_mentioned",
    "provenance",
    "first_hand",
    "who_else_knows",
    "risk_to_source",
}
SANITISED_KEYS = {
    "id",
    "view",
    "reference",
    "submitted_at",
    "observed_from",
    "observed_to",
    "shared_with_partners_at",
    "sanitised",
}
POLICE_ONLY_KEYS = {"status", "grading", "source_grade", "outcome", "police_reference", "version"}


@pytest.fixture
def school():
    return UserFactory(roles=[RoleCode.REFERRER])


@pytest.fixture
def submitter(school, client_for):
    return client_for(user=school)


@pytest.fixture
def officer(client_for):
    return client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)


@pytest.fixture
def partner(client_for):
    return client_for(RoleCode.HEALTH_REPRESENTATIVE)


@pytest.fixture
def officer_shared(officer):
    """Another professional's report, shared with partners by police."""
    shared = services.report_submit(
        by=UserFactory(roles=[RoleCode.REFERRER]),
        observed_from=SEEN,
        what_happened="A man offers lifts outside the Kestrel Road shops.",
        provenance="told_by_other",
    )
    return _share(shared, officer.user)


@pytest.fixture
def report(school):
    return services.report_submit(
        by=school,
        observed_from=SEEN,
        what_happened=WHAT,
        provenance="saw",
        place="Brambledown Academy gates",
        vehicles=[{"registration": "XR15 KQZ", "colour": "Silver", "make": "Vauxhall"}],
        handles=[{"platform": "snapchat", "handle": "@Silver_Wheels_07"}],
        people=[{"name": "Dax Fenwright", "aliases": ["D-Man"], "approximate_age": "about 25"}],
    )


def _detail(report) -> str:
    return f"{REPORTS}{report.pk}/"


def _handle(client, report, **body):
    sent = {"version": report.version, "police_reference": "MP-26-0412", **GRADED, **body}
    return client.post(f"{_detail(report)}handle/", sent, content_type="application/json")


def _share(report, officer_user) -> Report:
    return police_services.report_handle(
        report=report,
        by=officer_user,
        expected_version=report.version,
        police_reference="MP-26-0412",
        outcome="intelligence_log",
        sanitised=SANITISED,
        share=True,
        **GRADED,
    )


def _post(client, **body):
    sent = {"observed_from": SEEN.isoformat(), "what_happened": WHAT, "provenance": "saw", **body}
    return client.post(REPORTS, sent, content_type="application/json")


def _events(report, action: str):
    return AccessEvent.objects.filter(
        object_type="intelligence.report", object_id=str(report.pk), action=action
    )


# --- Reading: one shape per view level --------------------------------------------------------


def test_police_only_users_read_everything_with_the_entities(report, officer):
    body = officer.get(_detail(report)).json()
    assert body["view"] == "full" and body["reference"] == report.reference
    assert body["status"] == "new" and body["grading"] == "" and body["version"] == 1
    assert body["submitted_by"] == str(report.submitted_by)
    entities = body["entities"]
    [car] = entities["vehicles"]
    assert car["key"] == "XR15KQZ" and car["colour"] == "Silver" and car["valid"]
    assert [h["handle"] for h in entities["handles"]] == ["silver_wheels_07"]
    [person] = entities["people"]
    assert person["name"] == "Dax Fenwright" and person["aliases"] == ["D-Man"]
    assert entities["phones"] == [] and entities["locations"] == []
    assert _events(report, "view").count() == 1


def test_the_submitter_reads_what_they_submitted_without_the_grading(report, submitter, officer):
    _share(report, officer.user)
    body = submitter.get(_detail(report)).json()
    assert body["view"] == "own"
    assert set(body) == OWN_KEYS | {"entities"}
    assert body["what_happened"] == WHAT
    assert body["entities"]["vehicles"][0]["registration"] == "XR15 KQZ"
    [row] = submitter.get(REPORTS).json()["results"]
    assert set(row) == OWN_KEYS


def test_partners_read_only_the_shared_sanitised_version(report, partner, officer):
    assert partner.get(REPORTS).json()["results"] == []
    _share(report, officer.user)
    [row] = partner.get(REPORTS).json()["results"]
    assert set(row) == SANITISED_KEYS and row["view"] == "sanitised"
    body = partner.get(_detail(report)).json()
    assert set(body) == SANITISED_KEYS
    assert body["sanitised"] == SANITISED and WHAT not in str(body)
    assert body["reference"] == report.reference
    assert _events(report, "view").filter(user=partner.user).count() == 2


def test_the_list_mixes_view_levels_newest_first_and_audits_each(report, officer, school):
    later = services.report_submit(
        by=UserFactory(roles=[RoleCode.REFERRER]),
        observed_from=SEEN,
        what_happened="Older teenagers hand out vapes behind the Kestrel Road shops.",
        provenance="rumour",
    )
    later.submitted_at = report.submitted_at + dt.timedelta(hours=1)
    later.save()
    rows = officer.get(REPORTS).json()["results"]
    assert [r["id"] for r in rows] == [later.pk, report.pk]
    assert {r["view"] for r in rows} == {"full"} and not any("entities" in r for r in rows)
    assert AccessEvent.objects.filter(user=officer.user, action="view").count() == 2


def test_the_list_runs_a_fixed_number_of_queries(report, officer, submitter, officer_shared):
    """Police (full rows) and a submitter (own rows, and a shared one): as many queries for
    eleven reports as for one."""

    def count(client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(REPORTS).status_code == 200
        return len(queries)

    before = {client: count(client) for client in (officer, submitter)}
    for n in range(10):
        services.report_submit(
            by=report.submitted_by,
            observed_from=SEEN,
            what_happened=f"Seen again ({n}).",
            provenance="saw",
        )
    assert {client: count(client) for client in (officer, submitter)} == before
    assert len(submitter.get(REPORTS).json()["results"]) == 12


# --- A police-only report: 404 by every route, audited ----------------------------------------


def test_a_partner_never_reaches_a_police_only_report(report, partner):
    listed = partner.get(REPORTS).json()["results"]
    assert report.pk not in {row["id"] for row in listed}
    assert not _events(report, "view").exists()
    assert partner.get(_detail(report)).status_code == 404
    assert _handle(partner, report).status_code == 404
    assert _events(report, "deny").filter(user=partner.user).count() == 2
    report.refresh_from_db()
    assert report.status == "new" and report.version == 1


def test_the_submitter_cannot_handle_their_own_report(report, submitter):
    assert _handle(submitter, report).status_code == 404
    assert _events(report, "deny").filter(user=submitter.user).exists()
    assert Report.objects.get(pk=report.pk).grading == ""


def test_the_chair_reads_and_handles(report, client_for):
    chair = client_for(RoleCode.MACSE_CHAIR)
    assert chair.get(_detail(report)).json()["view"] == "full"
    assert _handle(chair, report).status_code == 200


# --- Passing on intelligence ------------------------------------------------------------------


def test_a_professional_passes_on_intelligence_with_entities(partner):
    response = _post(
        partner,
        place="Kestrel Road shops",
        vehicles=[{"registration": "xr15kqz"}, {"registration": "XR1? K"}],
        phones=[{"number": "07700 900123"}],
        handles=[{"platform": "instagram", "handle": "@Kestrel.Boys"}],
        locations=[
            {"premises": "Kestrel Off Licence", "kind": "off_licence", "postcode": "L99 9ZZ"}
        ],
        people=[{"name": "Tall Rio", "nicknames": ["Ri"]}],
    )
    assert response.status_code == 201
    body = response.json()
    assert body["view"] == "own" and "grading" not in body
    report = Report.objects.get(pk=body["id"])
    assert report.submitted_by == partner.user and report.status == "new"
    entities = body["entities"]
    assert {v["partial"] for v in entities["vehicles"]} == {False, True}
    assert entities["phones"][0]["key"] == "+447700900123"
    assert entities["locations"][0]["kind"] == "off_licence"
    assert entities["people"][0]["nicknames"] == ["Ri"]
    assert Mention.objects.filter(source_id=str(report.pk), police_only=True).count() == 6
    assert _events(report, "create").exists()


def test_a_malformed_registration_is_kept_and_flagged(partner):
    response = _post(partner, vehicles=[{"registration": "!!7"}])
    assert response.status_code == 201
    [car] = response.json()["entities"]["vehicles"]
    assert car["registration"] and not car["valid"] and car["problem"]
    assert Vehicle.objects.filter(valid=False).count() == 1


def test_bad_input_is_a_field_level_400_and_nothing_is_saved(partner):
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    response = _post(partner, observed_from=future.isoformat(), what_happened=" ")
    assert response.status_code == 400
    assert set(response.json()) == {"observed_from", "what_happened"}
    assert response.json()["observed_from"] == [services.FUTURE]
    response = _post(partner, provenance="guess", vehicles=[{"make": "Ford"}])
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"provenance", "vehicles"} and set(body["vehicles"]["0"]) == {
        "registration"
    }
    response = _post(partner, locations=[{"kind": "park"}])
    assert set(response.json()["locations"]["0"]) == {"premises"}
    assert set(partner.post(REPORTS, {}, content_type="application/json").json()) == {
        "observed_from",
        "what_happened",
        "provenance",
    }
    assert not Report.objects.exists()


def test_those_who_do_not_pass_on_intelligence_are_refused(client_for):
    analyst = client_for(RoleCode.LSCB_ANALYST)
    assert _post(analyst).status_code == 403
    assert not Report.objects.exists()


# --- Police handling --------------------------------------------------------------------------


def test_police_grade_handle_and_share(report, officer, partner):
    response = _handle(officer, report, outcome="intelligence_log", sanitised=SANITISED, share=True)
    assert response.status_code == 200
    body = response.json()
    assert body["grading"] == "2B P" and body["status"] == "closed" and body["version"] == 2
    assert body["police_reference"] == "MP-26-0412"
    assert body["shared_with_partners_at"] is not None
    assert _events(report, "change").filter(user=officer.user).exists()
    assert partner.get(_detail(report)).json()["sanitised"] == SANITISED


def test_bad_handling_is_a_field_level_400(report, officer):
    response = _handle(officer, report, source_grade="9", police_reference=" ", share=True)
    assert response.status_code == 400
    assert set(response.json()) == {"source_grade"}
    response = _handle(officer, report, police_reference=" ", share=True)
    assert response.status_code == 400
    assert set(response.json()) == {"police_reference", "sanitised"}
    empty = officer.post(f"{_detail(report)}handle/", {}, content_type="application/json")
    assert set(empty.json()) >= {"version", "source_grade", "intelligence_grade", "handling"}
    assert Report.objects.get(pk=report.pk).version == 1


def test_a_stale_version_is_a_409_and_nothing_is_saved(report, officer, client_for):
    chair = client_for(RoleCode.MACSE_CHAIR)
    assert _handle(chair, report, police_reference="MP-26-0001").status_code == 200
    response = _handle(officer, report, police_reference="MP-26-0999")
    assert response.status_code == 409
    assert response.json()["version"] == 2 and "nothing was saved" in response.json()["detail"]
    assert Report.objects.get(pk=report.pk).police_reference == "MP-26-0001"


def test_the_schema_describes_the_intelligence_api(client_for):
    schema = client_for(RoleCode.REFERRER).get("/api/schema/").content
    for path in (REPORTS, f"{REPORTS}{{id}}/", f"{REPORTS}{{id}}/handle/"):
        assert path.encode() in schema
    assert b"IntelligenceReportSanitisedOutput" in schema
