"""The outbox: notices and e-mails that must not be lost in transit (architecture.md, D21)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cse_framework.notices.models import Notice, NoticeRecipient, OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 20


def outbox_enqueue(*, recipient, subject: str, reference: str, link: str) -> OutboxMessage:
    """Write an e-mail to the outbox in the caller's transaction; it is sent after commit.

    If the broker is down the message stays pending and the periodic sweeper sends it.
    """
    message = OutboxMessage(recipient=recipient, subject=subject, reference=reference, link=link)
    message.full_clean()
    message.save()
    transaction.on_commit(lambda: _hand_to_worker(message.pk))
    return message


def notify(
    *,
    recipients,
    subject: str,
    reference: str,
    link: str,
    kind: str = Notice.Kind.EVENT,
    deadline=None,
) -> Notice:
    """A notice in the service for each recipient, and an e-mail to each through the outbox, in
    the caller's transaction. A reference and a link only, never a child's details (D21)."""
    people = {person.pk: person for person in recipients if person is not None}
    notice = Notice(kind=kind, deadline=deadline, subject=subject, reference=reference, link=link)
    notice.full_clean(validate_constraints=False)
    notice.save()
    NoticeRecipient.objects.bulk_create(
        NoticeRecipient(notice=notice, user=person) for person in people.values()
    )
    for person in people.values():
        outbox_enqueue(recipient=person, subject=subject, reference=reference, link=link)
    return notice


def notices_mark_read(*, user, notice_ids=None, now=None) -> int:
    """Mark this user's notices read (all of them, or those listed); returns how many."""
    unread = NoticeRecipient.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(notice_id__in=notice_ids)
    count = 0
    for copy in unread:
        copy.read_at = now or timezone.now()
        copy.save()
        count += 1
    return count


def _hand_to_worker(message_id: int) -> None:
    from cse_framework.notices.tasks import outbox_send

    try:
        outbox_send.delay(message_id)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the request
        logger.warning("broker unavailable; outbox message %s left for the sweeper", message_id)


def outbox_send(*, message_id: int) -> bool:
    """Send one message once. Safe to run twice: a sent message is not sent again."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=message_id)
            .exclude(status=OutboxMessage.Status.SENT)
            .first()
        )
        if message is None:
            return False
        body = render_to_string(
            "notices/email.txt",
            {"message": message, "url": settings.SITE_URL.rstrip("/") + message.link},
        )
        message.attempts += 1
        try:
            send_mail(
                f"[CSE Framework] {message.subject} ({message.reference})",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [message.recipient.email],
            )
        except Exception as error:  # noqa: BLE001 - recorded and retried by the sweeper
            message.status = OutboxMessage.Status.FAILED
            message.last_error = type(error).__name__
            message.save()
            logger.warning("outbox message %s not sent: %s", message.pk, type(error).__name__)
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save()
        return True


def outbox_sweep() -> int:
    """Send everything still waiting. Beat runs this every minute; returns how many were sent."""
    pending = OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).filter(
        attempts__lt=MAX_ATTEMPTS
    )
    return sum(outbox_send(message_id=pk) for pk in pending.values_list("pk", flat=True)[:500])
