from django.db import models
from django.db.models import Case, OuterRef, Subquery, Value, When

from cse_framework.accounts.backends import UNREAD
from cse_framework.notices.models import MAX_ATTEMPTS, NoticeRecipient, OutboxMessage


class EmailStatus(models.TextChoices):
    """What became of a notice's e-mail to one person; the notice itself is always there."""

    SENT = "sent", "E-mail sent"
    WAITING = "waiting", "E-mail not sent yet: we will try again"
    GIVEN_UP = "given_up", "E-mail could not be sent; this notice is your copy"


def unread_count(user) -> int:
    """The user's unread notices: as read with the user at the start of the request
    (accounts.backends), or counted now."""
    counted = getattr(user, UNREAD, None)
    if counted is not None:
        return counted
    return NoticeRecipient.objects.filter(user=user, read_at__isnull=True).count()


def _email_status():
    """The status of the e-mail of the outer copy's notice to the copy's person, as a subquery
    (null for a notice written before e-mails were linked to their notice)."""
    return Subquery(
        OutboxMessage.objects.filter(notice=OuterRef("notice"), recipient=OuterRef("user"))
        .annotate(
            email_status=Case(
                When(status=OutboxMessage.Status.SENT, then=Value(EmailStatus.SENT)),
                When(attempts__gte=MAX_ATTEMPTS, then=Value(EmailStatus.GIVEN_UP)),
                default=Value(EmailStatus.WAITING),
            )
        )
        .order_by("-pk")
        .values("email_status")[:1]
    )


def notices_for(user):
    """A user's notices, newest first (the notice's fields with each copy), each with
    ``email_status``: what became of its e-mail to this user, in the same query."""
    return (
        NoticeRecipient.objects.filter(user=user)
        .select_related("notice")
        .annotate(email_status=_email_status())
    )
