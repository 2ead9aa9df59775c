"""Shared fixtures: users by role, signed-in clients (password + second factor), a test clock."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from cse_framework.accounts.roles import RoleCode
from tests.factories.accounts import UserFactory

ALL_ROLES = list(RoleCode)


def verify_session(client: Client, user) -> None:
    """Sign a test client in as if the user had passed both factors."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def make_user(db):
    def make(*roles, **fields):
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def client_for(db, make_user):
    """A verified client for a user holding the given roles: client_for(RoleCode.MASH_...)."""

    def make(*roles, user=None):
        user = user or make_user(*roles)
        client = Client()
        verify_session(client, user)
        client.user = user
        return client

    return make


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # Argon2 is slow by design; the tests exercise the sign-in flow, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _forget_schemes():
    """Each test starts with no scheme outline in memory (each test's database is its own)."""
    from shield.assessment_selectors import scheme_outline

    scheme_outline.cache_clear()
    yield
    scheme_outline.cache_clear()
