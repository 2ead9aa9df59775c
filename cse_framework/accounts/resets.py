"""Audited resets: a password by an e-mailed link, and a second factor by an administrator.

Every step is an ``AccessEvent`` about the user (who, when, and what in ``justification``), so the
access log shows a user's resets with the rest of what was done to their account. A link's token
is never logged: it goes only into the e-mail, and the page it opens moves it into the session at
once (Django's PasswordResetConfirmView), so it is not in later URLs or Referer headers.
"""

import logging

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from cse_framework.accounts.models import User
from cse_framework.audit import services as audit
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.services import outbox_enqueue

logger = logging.getLogger(__name__)

# A new account's first link waits longer than a reset link: the person may not read their
# e-mail for a day or two. Both work once (the token changes with the password).
NEW_ACCOUNT_LINK_SECONDS = 3 * 24 * 60 * 60
ACCOUNT_REFERENCE = "Your account"


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, which stops working once the password changes or the user signs in,
    and expires after PASSWORD_RESET_TIMEOUT; for an account never used yet (no password, never
    signed in) after NEW_ACCOUNT_LINK_SECONDS instead."""

    key_salt = "cse_framework.accounts.resets.SetPasswordTokenGenerator"

    def timeout_for(self, user) -> int:
        if user.last_login is None and not user.has_usable_password():
            return NEW_ACCOUNT_LINK_SECONDS
        return settings.PASSWORD_RESET_TIMEOUT

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= self.timeout_for(user)


token_generator = SetPasswordTokenGenerator()


def set_password_link(user: User) -> str:
    """The one-time link (a path of this service) that lets ``user`` set a new password."""
    return reverse(
        "accounts:set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": token_generator.make_token(user),
        },
    )


def _event(*, by, user: User, action: str, what: str) -> AccessEvent:
    return audit.record_by(user=by, action=action, obj=user, justification=what)


@transaction.atomic
def password_reset_request(*, email: str) -> bool:
    """E-mail a one-time link to set a new password, if ``email`` is an active account. The
    caller says the same whatever the answer; returns whether a link was sent (for tests)."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        return False
    outbox_enqueue(
        recipient=user,
        subject="Reset your password: the link works once, within 1 hour",
        reference=ACCOUNT_REFERENCE,
        link=set_password_link(user),
    )
    _event(by=None, user=user, action=AccessEvent.Action.CHANGE, what="Password reset link sent")
    return True


@transaction.atomic
def password_set(*, user: User, password: str) -> User:
    """The user sets a new password through their link: saved, audited, e-mailed about, and any
    lock-out of their address after failed sign-ins is cleared."""
    first = not user.has_usable_password() and user.last_login is None
    user.set_password(password)
    user._change_reason = "password set by the user from an e-mailed link"
    user.save()
    _event(
        by=user,
        user=user,
        action=AccessEvent.Action.CHANGE,
        what="Password set for a new account" if first else "Password reset by e-mailed link",
    )
    outbox_enqueue(
        recipient=user,
        subject=(
            "Your password has been set"
            if first
            else "Your password was changed. If this was not you, contact the service desk now"
        ),
        reference=ACCOUNT_REFERENCE,
        link=reverse("accounts:sign-in"),
    )
    transaction.on_commit(lambda: _clear_lockout(user.email))
    return user


def _clear_lockout(email: str) -> None:
    from axes.utils import reset

    try:
        reset(username=email.lower())
    except Exception:  # noqa: BLE001 - the password is set; a stale lock-out ends by itself
        logger.warning("could not clear the sign-in lock-out after a password reset")


@transaction.atomic
def second_factor_reset(*, user: User, by: User, reason: str) -> User:
    """An administrator removes a user's authenticator app, backup codes and API tokens, so their
    next sign-in goes to enrolment. Never their own; the reason is recorded; the user is told."""
    reason = (reason or "").strip()
    if user.pk == by.pk:
        raise ValidationError(
            "You cannot reset your own second factor. Ask another system administrator"
        )
    if not reason:
        raise ValidationError({"reason": "Enter why the second factor is being reset"})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # its backup codes go with it
    Token.objects.filter(user=user).delete()
    _event(
        by=by,
        user=user,
        action=AccessEvent.Action.CHANGE,
        what=f"Second factor reset: {reason}",
    )
    outbox_enqueue(
        recipient=user,
        subject=(
            "Your authenticator app was reset. Set it up again when you next sign in. "
            "If you did not ask for this, contact the service desk"
        ),
        reference=ACCOUNT_REFERENCE,
        link=reverse("accounts:sign-in"),
    )
    return user
