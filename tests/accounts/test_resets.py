"""Resets (issue 10 item 2): a password by an e-mailed one-time link, and a second factor by a
system administrator; both audited and both e-mailed to the user."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from cse_framework.accounts import access_requests, resets, services
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import OutboxMessage
from tests.factories.accounts import PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

FORGOTTEN = "/account/password/forgotten/"
NEW_PASSWORD = "Lantern-Quarry-Bramble-42"
SIGN_IN = "/account/sign-in/"


def _link(user) -> str:
    return OutboxMessage.objects.filter(recipient=user).latest("pk").link


def _set_password(client, link: str, password: str = NEW_PASSWORD):
    """Follow the link (its token moves into the session), then send the new password."""
    opened = client.get(link)
    assert opened.status_code == 302
    form_url = opened["Location"]
    assert form_url.endswith("/set-password/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in form_url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


# --- Password reset ----------------------------------------------------------------------------


def test_the_sign_in_page_links_to_the_reset_and_to_asking_for_an_account(client):
    body = client.get(SIGN_IN).content.decode()
    assert "Forgotten your password?" in body
    assert reverse("accounts:password-reset") in body
    assert reverse("accounts:access-request") in body


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, make_user):
    user = make_user(RoleCode.REFERRER)
    known = client.post(FORGOTTEN, {"email": user.email.upper()})
    unknown = client.post(FORGOTTEN, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password-reset-sent")
    message = OutboxMessage.objects.get()
    assert message.recipient == user
    assert message.link.startswith("/account/set-password/")
    event = AccessEvent.objects.get(object_type="accounts.user")
    assert event.object_id == str(user.pk)
    assert event.justification == "Password reset link sent"
    assert event.user is None


def test_an_inactive_user_gets_no_link(client, make_user):
    user = make_user(RoleCode.REFERRER, is_active=False)
    assert client.post(FORGOTTEN, {"email": user.email}).status_code == 302
    assert not OutboxMessage.objects.exists()
    assert not resets.password_reset_request(email=user.email)


def test_a_bad_address_is_an_inline_error(client):
    response = client.post(FORGOTTEN, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()


def test_the_link_sets_the_password_once_audits_and_tells_the_user(client, make_user):
    user = make_user(RoleCode.REFERRER)
    resets.password_reset_request(email=user.email)
    link = _link(user)
    response = _set_password(client, link)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert SESSION_KEY not in client.session  # nobody is signed in by a link
    told = OutboxMessage.objects.filter(recipient=user).latest("pk")
    assert "Your password was changed" in told.subject
    events = AccessEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    assert [event.justification for event in events] == [
        "Password reset by e-mailed link",
        "Password reset link sent",
    ]
    assert user.history.first().history_change_reason.startswith("password set by the user")
    # The link works once.
    again = client.get(link)
    assert again.status_code == 200
    assert "The link does not work" in again.content.decode()


def test_a_new_password_must_pass_the_rules_and_match(client, make_user):
    user = make_user(RoleCode.REFERRER)
    resets.password_reset_request(email=user.email)
    response = _set_password(client, _link(user), password="short")
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    opened = client.post(
        response.request["PATH_INFO"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert "The passwords do not match" in opened.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_reset_link_expires_after_an_hour_and_a_new_accounts_after_three_days(
    make_user, monkeypatch
):
    user = make_user(RoleCode.REFERRER)
    token = resets.token_generator.make_token(user)
    now = resets.token_generator._now()
    assert resets.token_generator.check_token(user, token)
    monkeypatch.setattr(resets.token_generator, "_now", lambda: now + dt.timedelta(minutes=61))
    assert not resets.token_generator.check_token(user, token)
    fresh = UserFactory(password=None)
    fresh.set_unusable_password()
    fresh.save()
    monkeypatch.setattr(resets.token_generator, "_now", lambda: now)
    token = resets.token_generator.make_token(fresh)
    monkeypatch.setattr(resets.token_generator, "_now", lambda: now + dt.timedelta(days=2))
    assert resets.token_generator.check_token(fresh, token)
    monkeypatch.setattr(
        resets.token_generator, "_now", lambda: now + dt.timedelta(days=3, minutes=1)
    )
    assert not resets.token_generator.check_token(fresh, token)


def test_a_link_for_a_user_made_inactive_since_does_not_work(client, make_user):
    user = make_user(RoleCode.REFERRER)
    resets.password_reset_request(email=user.email)
    user.is_active = False
    user.save()
    response = client.get(_link(user))
    assert response.status_code == 200
    assert "The link does not work" in response.content.decode()


def test_setting_a_password_clears_the_lock_out(
    client, make_user, settings, django_capture_on_commit_callbacks
):
    user = make_user(RoleCode.REFERRER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"email": user.email, "password": "wrong-password"})
    assert AccessAttempt.objects.filter(username=user.email).exists()
    resets.password_reset_request(email=user.email)
    with django_capture_on_commit_callbacks(execute=True):
        _set_password(Client(), _link(user))
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    response = client.post(SIGN_IN, {"email": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


# --- A new account's first password leads to enrolment ------------------------------------


def test_a_new_account_sets_its_password_then_enrols_a_second_factor(client):
    agency = AgencyFactory(name="Fenmoor health trust", secure_email_domains="nhs.net")
    approver = UserFactory(roles=[RoleCode.AGENCY_APPROVER], agency=agency)
    request = access_requests.access_request_submit(
        full_name="Ada Quillfeather",
        email="ada.quillfeather@nhs.net",
        job_title="School nurse",
        phone="01632 960001",
        agency=agency,
        team=None,
        reason="To refer children.",
    )
    user = access_requests.access_request_approve(
        pk=request.pk, by=approver, roles=[RoleCode.REFERRER]
    )
    assert client.post(SIGN_IN, {"email": user.email, "password": ""}).status_code == 200
    response = _set_password(client, _link(user))
    assert response["Location"] == SIGN_IN
    assert "Password set for a new account" in AccessEvent.objects.filter(
        object_type="accounts.user", object_id=str(user.pk)
    ).values_list("justification", flat=True)
    response = client.post(SIGN_IN, {"email": user.email, "password": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:enrol")


# --- Second-factor reset -----------------------------------------------------------------------


def _reset_url(user) -> str:
    return reverse("accounts:second-factor-reset", kwargs={"pk": user.pk})


def test_an_administrator_resets_a_second_factor_with_a_reason(client_for, make_user, client):
    person = make_user(RoleCode.SHIELD_WORKER)
    open_session = client_for(user=person)
    assert open_session.get("/").status_code == 200
    services.backup_codes_regenerate(user=person)
    TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    Token.objects.create(user=person)
    administrator = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    page = administrator.get(_reset_url(person))
    assert page.status_code == 200
    assert "Reset second factor" in page.content.decode()
    response = administrator.post(_reset_url(person), {"reason": ""})
    assert "Enter why the second factor is being reset" in response.content.decode()
    assert services.user_has_second_factor(user=person)
    response = administrator.post(_reset_url(person), {"reason": "Lost phone and codes."})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert not Token.objects.filter(user=person).exists()
    event = AccessEvent.objects.get(object_type="accounts.user", object_id=str(person.pk))
    assert event.user == administrator.user
    assert event.justification == "Second factor reset: Lost phone and codes."
    message = OutboxMessage.objects.get(recipient=person)
    assert "authenticator app was reset" in message.subject
    # A session they had open no longer counts as signed in; the next sign-in enrols.
    assert open_session.get("/").status_code == 302
    response = client.post(SIGN_IN, {"email": person.email, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:enrol")


def test_an_administrator_cannot_reset_their_own_second_factor(client_for):
    administrator = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    own = administrator.user
    page = administrator.get(_reset_url(own)).content.decode()
    assert "You cannot reset your own second factor" in page
    administrator.post(_reset_url(own), {"reason": "Testing."})
    assert StaticDevice.objects.filter(user=own).exists()
    with pytest.raises(Exception, match="own second factor"):
        resets.second_factor_reset(user=own, by=own, reason="Testing.")
    assert not AccessEvent.objects.filter(object_type="accounts.user").exists()


@pytest.mark.parametrize("role", [RoleCode.SERVICE_MANAGER, RoleCode.AGENCY_APPROVER])
def test_other_roles_may_not_reset_a_second_factor(client_for, make_user, role):
    person = make_user(RoleCode.REFERRER)
    services.backup_codes_regenerate(user=person)
    response = client_for(role).post(_reset_url(person), {"reason": "Lost phone."})
    assert response.status_code == 403
    assert services.user_has_second_factor(user=person)


def test_no_token_appears_in_the_reset_pages(client, make_user):
    user = make_user(RoleCode.REFERRER)
    resets.password_reset_request(email=user.email)
    link = _link(user)
    token = link.rstrip("/").rsplit("/", 1)[1]
    opened = client.get(link, follow=True)
    assert token not in opened.content.decode()
    assert re.search(r"/set-password/$", opened.request["PATH_INFO"])
