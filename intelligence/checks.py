"""System checks for intelligence's settings: a police mailbox that is not an e-mail address
would fail every "send to the police mailbox", so it stops the service starting instead."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


@checks.register()
def police_mailbox_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        validate_email(settings.POLICE_INTELLIGENCE_MAILBOX)
    except ValidationError:
        return [
            checks.Error(
                "POLICE_INTELLIGENCE_MAILBOX is not an e-mail address",
                hint="Set it to the mailbox the police intelligence unit reads.",
                id="intelligence.E001",
            )
        ]
    return []
