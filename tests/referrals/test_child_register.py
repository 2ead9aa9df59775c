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


def test_register_is_paginated_by_25(client_for):
    """Page 2 holds the rest."""
    ChildFactory.create_batch(30)
    client = client_for(RoleCode.MASH_TEAM_MANAGER)
    assert len(client.get(reverse("referrals:child-list")).context["page"]) == 25
    assert len(client.get(reverse("referrals:child-list"), {"page": 2}).context["page"]) == 5


def test_api_list_is_empty_for_a_role_without_register_access(client_for):
    """List endpoints never contain out-of-scope rows."""
    ChildFactory.create_batch(2)
    response = client_for(RoleCode.REFERRER).get("/api/v1/children/")
    assert response.json()["count"] == 0


def test_api_token_authentication(client_for):
    """A token issued to a user gives the same scoped access as their session."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    ChildFactory()
    user = client_for(RoleCode.MASH_SOCIAL_WORKER).user
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert api.get("/api/v1/children/").json()["count"] == 1
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
