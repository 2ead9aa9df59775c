"""The child register: scoped, paginated, audited, and a fixed number of queries."""

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db


def _queries_for_list(client, django_assert_max_num_queries, expected):
    with django_assert_max_num_queries(expected) as captured:
        assert client.get(reverse("referrals:child-list")).status_code == 200
    return len(captured)


def test_register_runs_the_same_queries_for_1_and_50_children(
    client_for, django_assert_max_num_queries
):
    """O(1) queries: the count with 50 children equals the count with 1."""
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    ChildFactory()
    client.get(reverse("referrals:child-list"))
    one = _queries_for_list(client, django_assert_max_num_queries, 15)
    ChildFactory.create_batch(49)
    fifty = _queries_for_list(client, django_assert_max_num_queries, 15)
    assert one == fifty
    after = client.get(reverse("referrals:child-list")).context["page"].next_after
    with django_assert_max_num_queries(fifty + 1):  # + the anchor's lookup
        client.get(reverse("referrals:child-list"), {"after": str(after)})


def test_register_is_paginated_by_25_in_name_order(client_for):
    """The next page starts after the last child shown, by name; the URL holds only an id."""
    ChildFactory.create_batch(30)
    client = client_for(RoleCode.MASH_TEAM_MANAGER)
    first = client.get(reverse("referrals:child-list"))
    page = first.context["page"]
    assert len(page.rows) == 25
    assert f'href="?after={page.next_after}"' in first.content.decode()
    second = client.get(reverse("referrals:child-list"), {"after": str(page.next_after)})
    rows = page.rows + second.context["page"].rows
    assert len(rows) == 30
    assert [(c.family_name, c.given_names, c.pk) for c in rows] == sorted(
        (c.family_name, c.given_names, c.pk) for c in rows
    )
    assert second.context["page"].next_after is None


def test_register_cursor_cannot_reach_outside_scope(client_for):
    """An unknown or malformed cursor starts again at the first page."""
    ChildFactory.create_batch(3)
    client = client_for(RoleCode.MASH_TEAM_MANAGER)
    for after in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        page = client.get(reverse("referrals:child-list"), {"after": after}).context["page"]
        assert page.is_first and len(page.rows) == 3


def test_api_list_is_empty_for_a_role_without_register_access(client_for):
    """List endpoints never contain out-of-scope rows."""
    ChildFactory.create_batch(2)
    response = client_for(RoleCode.REFERRER).get("/api/v1/children/")
    assert response.json()["results"] == []


def test_api_token_authentication(client_for):
    """A token issued to a user gives the same scoped access as their session."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    ChildFactory()
    user = client_for(RoleCode.MASH_SOCIAL_WORKER).user
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert len(api.get("/api/v1/children/").json()["results"]) == 1
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/children/").status_code == 401


def test_api_session_needs_the_second_factor(client, make_user):
    """A session that has not passed the second factor is not signed in for the API."""
    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    client.force_login(user)
    assert client.get("/api/v1/children/").status_code == 401


def test_openapi_schema_is_valid(client_for):
    """The schema generates, for signed-in users."""
    response = client_for(RoleCode.REFERRER).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/children/" in response.content
