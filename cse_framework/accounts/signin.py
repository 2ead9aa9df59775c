"""The half-signed-in state between the password and the second factor, kept in the session.

Nobody is signed in (request.user stays anonymous) until both factors have been checked.
"""

import time

from django.contrib.auth import login as auth_login
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from cse_framework.accounts.models import User

PENDING_KEY = "signin_pending_user"
PENDING_AT_KEY = "signin_pending_at"
NEXT_KEY = "signin_next"
SIGNED_IN_AT_KEY = "signed_in_at"
KEPT_FORM_KEY = "kept_form"
PENDING_SECONDS = 5 * 60


def pending_start(request, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    request.session[PENDING_AT_KEY] = time.time()
    request.session[NEXT_KEY] = next_url


def pending_user(request) -> User | None:
    user_id = request.session.get(PENDING_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if user_id is None or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def complete(request, user: User, device) -> str:
    """Both factors passed: sign in, and say where to go next."""
    next_url = request.session.get(NEXT_KEY) or ""
    for key in (PENDING_KEY, PENDING_AT_KEY, NEXT_KEY):
        request.session.pop(key, None)
    user.backend = "cse_framework.accounts.backends.AccountBackend"
    auth_login(request, user)
    otp_login(request, device)
    user.is_verified = lambda: user.otp_device is not None  # as OTPMiddleware does per request
    request.session[SIGNED_IN_AT_KEY] = time.time()
    if request.session.get(KEPT_FORM_KEY):
        return "accounts:kept-form"
    return safe_next(request, next_url)


def safe_next(request, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return "home"


def keep_form(request) -> None:
    """A form posted after the session expired is kept, to be sent again after signing in."""
    data = [
        (key, value)
        for key, values in request.POST.lists()
        if key != "csrfmiddlewaretoken"
        for value in values
    ]
    request.session[KEPT_FORM_KEY] = {"path": request.path, "data": data, "at": time.time()}


def axes_username(request, credentials) -> str:
    """Lock-out counts per e-mail address, whatever its capitals."""
    value = (credentials or {}).get("email") or request.POST.get("email", "")
    return value.strip().lower()
