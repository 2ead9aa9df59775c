"""The outbox: notices and e-mails that must not be lost in transit (architecture.md, D21)."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cse_framework.notices.models import MAX_ATTEMPTS, Notice, NoticeRecipient, OutboxMessage

logger = logging.getLogger(__name__)
SWEEP_BATCH = 500  # per run; the next run takes the rest
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)


def outbox_backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed send: 1 minute, doubling each time,
    never more than 6 hours."""
    doublings = min(max(attempts, 1) - 1, 16)  # 2**16 minutes is past the cap already
    return min(FIRST_RETRY * 2**doublings, LONGEST_RETRY)


def outbox_enqueue(
    *,
    recipient=None,
    address: str = "",
    subject: str,
    reference: str,
    link: str,
    notice: Notice | None = None,
) -> OutboxMessage:
    """Write an e-mail to the outbox in the caller's transaction; it is sent after commit. It goes
    to a user (``recipient``) or to a mailbox outside the service (``address``).

    If the broker is down the message stays pending and the periodic sweeper sends it.
    """
    message = OutboxMessage(
        notice=notice,
        recipient=recipient,
        address=address,
        subject=subject,
        reference=reference,
        link=link,
    )
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
        outbox_enqueue(
            recipient=person, subject=subject, reference=reference, link=link, notice=notice
        )
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


def outbox_send(*, message_id: int, now: dt.datetime | None = None) -> bool:
    """Send one message once. Safe to run twice: a sent message is not sent again, a failed one
    not before its next attempt is due, and a given-up one never."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=message_id, attempts__lt=MAX_ATTEMPTS)
            .exclude(status=OutboxMessage.Status.SENT)
            .exclude(status=OutboxMessage.Status.FAILED, next_attempt_at__gt=now)
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
                [message.to],
            )
        except Exception as error:  # noqa: BLE001 - recorded and retried by the sweeper
            message.status = OutboxMessage.Status.FAILED
            message.last_error = type(error).__name__
            message.next_attempt_at = now + outbox_backoff(message.attempts)
            message.save()
            if message.given_up:
                # Not lost: the notice in the service says the e-mail could not be sent.
                logger.error(
                    "outbox message %s given up after %s attempts: %s",
                    message.pk,
                    message.attempts,
                    message.last_error,
                )
            else:
                logger.warning("outbox message %s not sent: %s", message.pk, message.last_error)
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = now
        message.last_error = ""
        message.save()
        return True


def outbox_sweep(*, now: dt.datetime | None = None) -> int:
    """Send every message whose (next) attempt is due, the longest waiting first, at most
    SWEEP_BATCH. Beat runs this every minute; returns how many were sent."""
    now = now or timezone.now()
    due = (
        OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT)
        .filter(attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(outbox_send(message_id=pk, now=now) for pk in list(due))
