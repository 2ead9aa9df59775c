"""Sessions: 30 minutes idle, 12 hours in all, and a form posted after expiry is kept."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cse_framework.accounts.roles import RoleCode

pytestmark = pytest.mark.django_db


def test_idle_session_expires_after_30_minutes(client_for):
    """29 minutes of quiet is fine; 31 minutes signs you out."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(RoleCode.REFERRER)
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert client.get("/").status_code == 302


def test_session_ends_after_12_hours_whatever_the_activity(client_for):
    """Activity every 20 minutes does not keep a session past 12 hours."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(RoleCode.REFERRER)
        session = client.session
        session["signed_in_at"] = start.timestamp()
        session.save()
        for _ in range(35):  # 11h40m
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=21))
        assert client.get("/").status_code == 302


def test_form_posted_after_expiry_is_kept_and_offered_after_sign_in(client_for):
    """Nothing typed is lost: the kept form comes back, filled in, after signing in."""
    from django.contrib.sessions.models import Session

    from tests.conftest import verify_session

    client = client_for(RoleCode.REFERRER)
    user = client.user
    Session.objects.all().delete()
    response = client.post(
        "/account/",
        {"full_name": user.full_name, "job_title": "Designated safeguarding lead", "phone": ""},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
    verify_session(client, user)
    page = client.get("/account/kept-form/")
    body = page.content.decode()
    assert 'action="/account/"' in body
    assert 'value="Designated safeguarding lead"' in body
    assert "csrfmiddlewaretoken" in body
    # offered once only
    assert client.get("/account/kept-form/")["Location"] == "/"
