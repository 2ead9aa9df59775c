"""Sign-in: password, then a second factor, for every role; lock-out; nothing revealed."""

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cse_framework.accounts import services
from cse_framework.accounts.roles import RoleCode
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"
CODE = "/account/sign-in/security-code/"


def _password_step(client, email, password=PASSWORD, next_url=""):
    url = SIGN_IN + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"email": email, "password": password})


@pytest.mark.parametrize("role", list(RoleCode))
def test_second_factor_required_for_every_role(client, make_user, role):
    """A correct password alone signs nobody in, whatever their role."""
    user = make_user(role)
    codes = services.backup_codes_regenerate(user=user)
    response = _password_step(client, user.email)
    assert response["Location"] == CODE
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302
    response = client.post(CODE, {"code": codes[0]})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get("/").status_code == 200


def test_backup_code_works_once(client, make_user):
    """A used backup code is refused the second time."""
    user = make_user(RoleCode.REFERRER)
    codes = services.backup_codes_regenerate(user=user)
    _password_step(client, user.email)
    client.post(CODE, {"code": codes[0]})
    client.post("/account/sign-out/")
    _password_step(client, user.email)
    response = client.post(CODE, {"code": codes[0]})
    assert response.status_code == 200
    assert "The security code is not correct or has already been used" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_wrong_code_keeps_user_signed_out(client, make_user):
    """A wrong security code gives a GOV.UK inline error and no session."""
    user = make_user(RoleCode.REFERRER)
    services.backup_codes_regenerate(user=user)
    _password_step(client, user.email)
    response = client.post(CODE, {"code": "12345678"})
    body = response.content.decode()
    assert 'class="govuk-error-summary"' in body
    assert 'id="id_code-error"' in body
    assert SESSION_KEY not in client.session


def test_missing_code_is_a_field_error(client, make_user):
    """An empty security code says what to do."""
    user = make_user(RoleCode.REFERRER)
    services.backup_codes_regenerate(user=user)
    _password_step(client, user.email)
    response = client.post(CODE, {"code": ""})
    assert "Enter your security code" in response.content.decode()


def test_same_message_for_unknown_account_and_wrong_password(client, make_user):
    """Nothing reveals which accounts exist."""
    user = make_user(RoleCode.REFERRER)
    wrong_password = _password_step(client, user.email, password="not-the-password-at-all")
    unknown = _password_step(client, "nobody@example.org", password="not-the-password-at-all")
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.content.decode()


def test_security_code_page_needs_the_password_first(client):
    """Going straight to the second step sends you back to the first."""
    response = client.get(CODE)
    assert response["Location"] == SIGN_IN


def test_lock_out_after_five_failures(client, make_user):
    """The sixth attempt is refused even with the right password, for 15 minutes."""
    user = make_user(RoleCode.REFERRER)
    services.backup_codes_regenerate(user=user)
    for _ in range(5):
        _password_step(client, user.email, password="wrong-password-guess")
    response = _password_step(client, user.email)
    assert response.status_code == 429
    assert "Sign-in is locked for 15 minutes" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_lock_out_looks_the_same_for_unknown_accounts(client):
    """An account that does not exist locks exactly like one that does."""
    for _ in range(5):
        _password_step(client, "nobody@example.org", password="wrong-password-guess")
    response = _password_step(client, "nobody@example.org", password="wrong-password-guess")
    assert response.status_code == 429


def test_wrong_security_codes_count_towards_lock_out(client, make_user):
    """Guessing second-factor codes locks the account like guessing passwords."""
    user = make_user(RoleCode.REFERRER)
    codes = services.backup_codes_regenerate(user=user)
    for _ in range(5):
        _password_step(client, user.email)
        client.post(CODE, {"code": "00000000"})
    response = _password_step(client, user.email)
    assert response.status_code == 429
    assert client.post(CODE, {"code": codes[1]}).status_code in (302, 429)
    assert SESSION_KEY not in client.session


def test_first_sign_in_enrols_an_authenticator_app(client, make_user):
    """A user with no second factor sets up TOTP, then sees backup codes once."""
    user = make_user(RoleCode.SHIELD_WORKER)
    response = _password_step(client, user.email)
    assert response["Location"] == "/account/sign-in/set-up-authenticator/"
    page = client.get("/account/sign-in/set-up-authenticator/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    token = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    response = client.post("/account/sign-in/set-up-authenticator/", {"code": token})
    assert response.status_code == 200
    assert "Your backup codes" in response.content.decode()
    assert client.session[SESSION_KEY] == str(user.pk)
    device.refresh_from_db()
    assert device.confirmed


def test_enrolment_refuses_a_wrong_code(client, make_user):
    """A wrong code during set-up confirms nothing."""
    user = make_user(RoleCode.SHIELD_WORKER)
    _password_step(client, user.email)
    client.get("/account/sign-in/set-up-authenticator/")
    response = client.post("/account/sign-in/set-up-authenticator/", {"code": "000000"})
    assert "The security code is not correct" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert SESSION_KEY not in client.session


def test_next_is_followed_only_within_the_site(client, make_user):
    """After sign-in the user goes where they were going, never to another site."""
    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    codes = services.backup_codes_regenerate(user=user)
    _password_step(client, user.email, next_url="https://evil.example.com/")
    assert client.post(CODE, {"code": codes[0]})["Location"] == "/"
    client.post("/account/sign-out/")
    _password_step(client, user.email, next_url="/referrals/")
    assert client.post(CODE, {"code": codes[1]})["Location"] == "/referrals/"


def test_deactivated_user_cannot_sign_in(client, make_user):
    """A leaver's account is refused with the usual message."""
    user = make_user(RoleCode.REFERRER, is_active=False)
    response = _password_step(client, user.email)
    assert "Enter a correct email address and password" in response.content.decode()


def test_sign_out_ends_the_session(client_for):
    """Signing out means the next page asks for sign-in again."""
    client = client_for(RoleCode.REFERRER)
    assert client.get("/").status_code == 200
    client.post("/account/sign-out/")
    assert client.get("/").status_code == 302
