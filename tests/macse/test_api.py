"""The MACSE API: meetings, agenda items, plans and actions read through the access policy and
audited like the pages; progress recorded by an action's owner (a partner) or the plan's roles,
with field-level 400s, a 409 for a stale version (nothing saved) and 404 outside the scope."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from macse import services
from macse.models import ActionProgress, AgendaItem, PlanVersion
from tests.factories.accounts import UserFactory
from tests.factories.macse import agency, make_action, make_plan
from tests.factories.shield import make_case

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/macse-meetings/"
ITEMS = "/api/v1/macse-agenda-items/"
PLANS = "/api/v1/macse-plans/"
ACTIONS = "/api/v1/macse-actions/"


@pytest.fixture
def plan():
    return make_plan()


@pytest.fixture
def meeting(plan):
    return plan.entry.first_heard_at


@pytest.fixture
def administrator(meeting, client_for):
    return client_for(user=meeting.administrator)


@pytest.fixture
def school():
    return UserFactory(roles=[RoleCode.REFERRER], agency=agency(Agency.Kind.EDUCATION))


@pytest.fixture
def partner(school, client_for):
    return client_for(user=school)


@pytest.fixture
def action(plan, school):
    return make_action(plan, owner=school)


def _progress(client, action, **body):
    sent = {"note": "Spoke to the child's tutor.", "status": "in_progress", "version": 1, **body}
    return client.post(f"{ACTIONS}{action.pk}/progress/", sent, content_type="application/json")


# --- Meetings and agenda items ----------------------------------------------------------------


def test_meetings_for_the_macse_roles_and_those_invited(meeting, administrator, client_for):
    body = administrator.get(MEETINGS).json()
    [row] = body["results"]
    assert row["reference"] == meeting.reference and row["status"] == "closed"
    assert [a["name"] for a in row["attendees"]] == [str(meeting.chair)]
    assert administrator.get(f"{MEETINGS}{meeting.pk}/").json()["venue"] == meeting.venue
    referrer = client_for(RoleCode.REFERRER)
    assert referrer.get(MEETINGS).json()["results"] == []
    assert referrer.get(f"{MEETINGS}{meeting.pk}/").status_code == 404
    services.attendee_add(meeting=meeting, by=meeting.administrator, user=referrer.user)
    assert referrer.get(f"{MEETINGS}{meeting.pk}/").status_code == 200


def test_reading_a_meeting_is_audited(meeting, administrator):
    administrator.get(f"{MEETINGS}{meeting.pk}/")
    assert AccessEvent.objects.filter(
        object_type="macse.meeting", object_id=str(meeting.pk), action="view"
    ).exists()


def test_agenda_items_by_meeting_with_the_childs_decision(plan, meeting, administrator):
    body = administrator.get(ITEMS, {"meeting": meeting.pk}).json()
    items = body["results"]
    [child] = [item for item in items if item["child"]]
    assert child["child"] == str(plan.child_id) and child["decision"] == "adopt"
    assert child["child_name"] == str(plan.child)
    assert [item["position"] for item in items] == sorted(item["position"] for item in items)
    assert AccessEvent.objects.filter(
        object_type="macse.agendaitem", child_id=plan.child_id, action="view"
    ).exists()
    assert administrator.get(ITEMS, {"meeting": "x"}).status_code == 400


def test_a_police_only_item_is_seen_only_by_police_only_users(meeting, administrator, client_for):
    """D12: the administrator is not police-only; the chair is."""
    item = AgendaItem.objects.create(
        meeting=meeting,
        section="persons",
        position=99,
        title="A man seen near the park (intelligence)",
        police_only=True,
        added_by=meeting.administrator,
    )
    listed = {row["id"] for row in administrator.get(ITEMS).json()["results"]}
    assert item.pk not in listed
    assert administrator.get(f"{ITEMS}{item.pk}/").status_code == 404
    chair = client_for(RoleCode.MACSE_CHAIR)
    assert item.pk in {row["id"] for row in chair.get(ITEMS).json()["results"]}
    assert chair.get(f"{ITEMS}{item.pk}/").json()["title"] == item.title


# --- Plans ------------------------------------------------------------------------------------


def test_a_plan_with_its_actions_and_kept_versions(plan, action, administrator):
    body = administrator.get(f"{PLANS}{plan.pk}/").json()
    assert body["child"] == str(plan.child_id) and body["on_macse"] == "open"
    assert body["review_on"] == plan.review_on.isoformat()
    [row] = body["actions"]
    assert (
        row["id"] == action.pk and row["section"] == "protect" and row["owner"] == action.owner_id
    )
    assert row["owner_label"] == str(action.owner) and row["latest_progress"] is None
    [version] = body["versions"]
    assert version["number"] == 1 and version["meeting"] == plan.entry.first_heard_at_id
    assert version["actions"] == []
    assert AccessEvent.objects.filter(
        object_type="macse.plan", child_id=plan.child_id, action="view"
    ).exists()


def test_plans_as_the_childs_shield_records(plan, client_for):
    """A Shield worker sees the plans of the children they hold; a referrer sees none."""
    worker = client_for(user=make_case(plan.child).worker)
    assert [row["id"] for row in worker.get(PLANS).json()["results"]] == [plan.pk]
    assert worker.get(PLANS, {"child": str(plan.child_id)}).json()["results"][0]["id"] == plan.pk
    referrer = client_for(RoleCode.REFERRER)
    assert referrer.get(PLANS).json()["results"] == []
    assert referrer.get(f"{PLANS}{plan.pk}/").status_code == 404
    assert worker.get(PLANS, {"child": "nobody"}).status_code == 400


def test_a_kept_version_does_not_change_after_later_edits(plan, action, administrator, partner):
    kept = services.plan_agree(plan=plan, by=administrator.user)
    assert _progress(partner, action, status="done", note="Done.").status_code == 201
    make_action(plan, description="A later action.")
    versions = administrator.get(f"{PLANS}{plan.pk}/").json()["versions"]
    [second] = [v for v in versions if v["id"] == kept.pk]
    assert [a["status"] for a in second["actions"]] == ["not_started"]
    assert second["actions"] == PlanVersion.objects.get(pk=kept.pk).actions


# --- Actions ----------------------------------------------------------------------------------


def test_a_partner_reaches_only_their_own_actions(plan, action, partner, client_for):
    others = make_action(plan, description="Another agency's action.")
    listed = [row["id"] for row in partner.get(ACTIONS).json()["results"]]
    assert listed == [action.pk]
    assert partner.get(f"{ACTIONS}{action.pk}/").status_code == 200
    assert partner.get(f"{ACTIONS}{others.pk}/").status_code == 404
    assert _progress(partner, others).status_code == 404
    assert not ActionProgress.objects.exists()
    assert AccessEvent.objects.filter(
        object_type="macse.action", object_id=str(others.pk), action="deny"
    ).exists()
    mine = partner.get(ACTIONS, {"mine": "true"}).json()["results"]
    assert [row["id"] for row in mine] == [action.pk]


def test_the_owner_records_progress(plan, action, partner, school):
    response = _progress(partner, action)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "in_progress" and body["version"] == 2
    assert body["latest_progress"]["note"] == "Spoke to the child's tutor."
    assert [p["recorded_by"] for p in body["progress"]] == [str(school)]
    assert AccessEvent.objects.filter(
        object_type="macse.action", action="change", child_id=plan.child_id
    ).exists()
    done = _progress(partner, action, status="done", note="Done.", version=2)
    assert done.status_code == 201
    clock = Deadline.objects.get(kind=Kind.ACTION, started_by_id=str(action.pk))
    assert clock.met_at is not None


def test_bad_progress_is_a_field_level_400_and_nothing_is_saved(action, partner):
    response = _progress(partner, action, note="", status="finished")
    assert response.status_code == 400 and set(response.json()) == {"status"}
    response = _progress(partner, action, note=" ")
    assert response.status_code == 400
    assert response.json() == {"note": ["Enter what has been done"]}
    response = partner.post(
        f"{ACTIONS}{action.pk}/progress/", {"note": "x"}, content_type="application/json"
    )
    assert set(response.json()) == {"status", "version"}
    assert not ActionProgress.objects.exists()


def test_a_stale_version_is_a_409_and_nothing_is_saved(action, partner, administrator):
    assert (
        _progress(administrator, action, status="cancelled", note="Not needed.").status_code == 201
    )
    response = _progress(partner, action, version=1, note="My late update.")
    assert response.status_code == 409
    assert response.json()["version"] == 2 and "nothing was saved" in response.json()["detail"]
    assert list(ActionProgress.objects.values_list("note", flat=True)) == ["Not needed."]


def test_the_plan_roles_record_for_a_named_contact_and_readers_cannot(plan, client_for):
    administrator = client_for(user=plan.entry.first_heard_at.administrator)
    named = services.action_add(
        plan=plan,
        by=administrator.user,
        section="support",
        desired_outcome="The child has a trusted adult outside school.",
        description="Weekly sessions at the youth club.",
        owner_name="Youth worker Sam Example",
        agency=agency(Agency.Kind.VOLUNTARY_COMMUNITY),
        due_on=dt.date(2027, 2, 1),
    )
    assert _progress(administrator, named).status_code == 201
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    assert health.get(f"{ACTIONS}{named.pk}/").status_code == 200
    assert _progress(health, named, version=2).status_code == 404
    assert ActionProgress.objects.count() == 1


def test_the_action_list_runs_a_fixed_number_of_queries(plan, school, partner):
    first = make_action(plan, owner=school)
    services.action_progress(action=first, by=school, note="Started.", status="in_progress")
    partner.get(ACTIONS)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert partner.get(ACTIONS).status_code == 200
        return len(queries)

    one = count()
    for n in range(15):
        made = make_action(plan, owner=school, due_on=dt.date(2027, 2, 1 + n))
        services.action_progress(action=made, by=school, note="Started.", status="in_progress")
    assert count() == one


def test_the_schema_describes_the_macse_api(client_for):
    schema = client_for(RoleCode.REFERRER).get("/api/schema/").content
    for path in (MEETINGS, ITEMS, PLANS, f"{ACTIONS}{{id}}/progress/"):
        assert path.encode() in schema
