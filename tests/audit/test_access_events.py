"""The access log: one event per child shown, denials recorded, and append-only on PostgreSQL."""

import re

import pytest
from django.db import DatabaseError, connection, transaction

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db


def _without_tokens(response) -> str:
    """The page without its per-request parts (request id, CSRF token, its own path)."""
    body = response.content.decode().replace(response["X-Request-Id"], "")
    body = body.replace(response.wsgi_request.path, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def test_list_of_25_children_writes_25_events_in_one_insert(client_for, django_assert_num_queries):
    """A page showing 25 children writes exactly 25 view events, in one bulk insert."""
    ChildFactory.create_batch(30)
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    client.get("/referrals/children/")  # warm the session
    before = AccessEvent.objects.count()
    response = client.get("/referrals/children/")
    assert response.status_code == 200
    events = AccessEvent.objects.order_by("id")[before:]
    shown = response.context["page"].rows
    assert len(shown) == 25
    assert len(events) == 25
    assert {event.child_id for event in events} == {child.pk for child in shown}
    assert {event.action for event in events} == {AccessEvent.Action.VIEW}
    assert {event.user_id for event in events} == {client.user.pk}
    assert len({event.request_id for event in events}) == 1


def test_child_record_writes_one_event(client_for):
    """Opening a child's record writes one view event, with the request's id and user agent."""
    child = ChildFactory()
    client = client_for(RoleCode.MASH_TEAM_MANAGER)
    before = AccessEvent.objects.count()
    response = client.get(f"/referrals/children/{child.pk}/", HTTP_USER_AGENT="pytest-browser")
    assert response.status_code == 200
    event = AccessEvent.objects.get(id__gt=0, child_id=child.pk)
    assert AccessEvent.objects.count() == before + 1
    assert event.action == AccessEvent.Action.VIEW
    assert event.user_agent == "pytest-browser"
    assert event.request_id == response["X-Request-Id"]


def test_api_list_writes_one_event_per_child(client_for):
    """The API audits every child it returns, like the pages."""
    ChildFactory.create_batch(3)
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    response = client.get("/api/v1/children/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    assert AccessEvent.objects.filter(action=AccessEvent.Action.VIEW).count() == 3


def test_forbidden_child_is_404_and_the_denial_is_audited(client_for):
    """A child outside the user's scope answers exactly like a missing one, and is logged."""
    child = ChildFactory()
    client = client_for(RoleCode.REFERRER)
    forbidden = client.get(f"/referrals/children/{child.pk}/")
    missing = client.get("/referrals/children/00000000-0000-0000-0000-000000000000/")
    assert forbidden.status_code == missing.status_code == 404
    assert _without_tokens(forbidden) == _without_tokens(missing)
    denial = AccessEvent.objects.get(action=AccessEvent.Action.DENY, child_id=child.pk)
    assert denial.user == client.user
    assert AccessEvent.objects.filter(action=AccessEvent.Action.DENY).count() == 2


def test_unknown_url_is_audited_as_a_denial(client_for):
    """A signed-in request for a page that does not exist is logged."""
    client = client_for(RoleCode.REFERRER)
    assert client.get("/no-such-page/").status_code == 404
    event = AccessEvent.objects.get(action=AccessEvent.Action.DENY)
    assert event.object_type == "path"
    assert event.object_id == "/no-such-page/"


def test_events_never_hold_record_content(client_for):
    """The log holds ids, never names."""
    child = ChildFactory(given_names="Quintessa", family_name="Wrenfield")
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    client.get(f"/referrals/children/{child.pk}/")
    for event in AccessEvent.objects.all():
        row = " ".join(str(value) for value in event.__dict__.values())
        assert "Quintessa" not in row and "Wrenfield" not in row


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_update_and_delete_are_refused_by_postgresql(client_for):
    """The database itself refuses to change or remove an access event."""
    child = ChildFactory()
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    client.get(f"/referrals/children/{child.pk}/")
    event = AccessEvent.objects.get(child_id=child.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(action="change")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.get(pk=event.pk).action == AccessEvent.Action.VIEW


def test_auditors_filter_the_log_by_user_and_child(client_for):
    """A service manager sees the events of one child, or of one user."""
    first, second = ChildFactory.create_batch(2)
    worker = client_for(RoleCode.MASH_SOCIAL_WORKER)
    worker.get(f"/referrals/children/{first.pk}/")
    worker.get(f"/referrals/children/{second.pk}/")
    auditor = client_for(RoleCode.SERVICE_MANAGER)
    by_child = auditor.get("/access-log/", {"child": str(first.pk)})
    assert [event.child_id for event in by_child.context["events"]] == [first.pk]
    by_user = auditor.get("/access-log/", {"user": worker.user.pk})
    assert {event.child_id for event in by_user.context["events"]} == {first.pk, second.pk}
    assert by_user.context["form"].initial["email"] == worker.user.email


def test_the_log_is_filtered_by_a_posted_email_address_never_put_in_a_url(client_for):
    """The auditor types the address; the answer redirects to the log by the user's id. An
    address nobody has is an error that keeps what was typed, and no user list is sent."""
    worker = client_for(RoleCode.MASH_SOCIAL_WORKER)
    auditor = client_for(RoleCode.SERVICE_MANAGER)
    response = auditor.post("/access-log/", {"email": worker.user.email.upper(), "child": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/access-log/?user={worker.user.pk}"
    assert "@" not in response["Location"]
    unknown = auditor.post("/access-log/", {"email": "nobody@example.invalid", "child": ""})
    body = unknown.content.decode()
    assert "No user has that email address" in body and 'value="nobody@example.invalid"' in body
    assert worker.user.email not in auditor.get("/access-log/").content.decode()


def test_access_log_pages_by_keyset_with_constant_queries(
    client_for, django_assert_max_num_queries
):
    """50 a page, older pages by cursor, and the same number of queries on every page."""
    children = ChildFactory.create_batch(60)
    worker = client_for(RoleCode.MASH_SOCIAL_WORKER)
    for child in children:
        worker.get(f"/referrals/children/{child.pk}/")
    auditor = client_for(RoleCode.SERVICE_MANAGER)
    auditor.get("/access-log/")
    with django_assert_max_num_queries(12) as first_queries:
        first = auditor.get("/access-log/", {"user": worker.user.pk})
    assert len(first.context["events"]) == 50
    older = first.context["older"]
    with django_assert_max_num_queries(12) as second_queries:
        second = auditor.get("/access-log/", {"user": worker.user.pk, "before": older})
    assert len(second_queries) == len(first_queries) + 1  # the anchor's lookup, whatever the size
    seen = {event.pk for event in first.context["events"]}
    assert len(second.context["events"]) == 10
    assert not seen & {event.pk for event in second.context["events"]}
    assert second.context["older"] is None


def test_access_log_is_for_auditors_only(client_for):
    """Anyone else gets 403 on the log."""
    assert client_for(RoleCode.MASH_TEAM_MANAGER).get("/access-log/").status_code == 403
