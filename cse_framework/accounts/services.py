"""Account workflows: second-factor enrolment, backup codes and a user's own details."""

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cse_framework.accounts.models import User

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "Backup codes"


def user_has_second_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists() or (
        StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's backup codes with a fresh set; each code works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator-app device; it counts only once a code from it is checked."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    return True


def second_factor_match(*, user: User, token: str):
    """The confirmed device (authenticator app or backup code) that accepts this code, if any."""
    token = token.replace(" ", "").strip()
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            if device.verify_is_allowed()[0] and device.verify_token(token):
                return device
    return None


@transaction.atomic
def user_details_update(*, user: User, by: User, full_name: str, job_title: str, phone: str):
    """A user keeps their own name, job title and phone number up to date."""
    user.full_name = full_name
    user.job_title = job_title
    user.phone = phone
    user._change_reason = f"details updated by user {by.pk}"
    user.full_clean(exclude=["password"])
    user.save()
    return user
