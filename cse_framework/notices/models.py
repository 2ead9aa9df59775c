from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# An e-mail is tried this many times, with backoff, before it is given up (about three days).
MAX_ATTEMPTS = 20


def validate_relative_link(value: str) -> None:
    if not value.startswith("/") or value.startswith("//") or "?" in value:
        raise ValidationError("A notice links to a page of this service, with no query string")


class OutboxMessage(models.Model):
    """An e-mail promised to a user, written with the event that causes it and sent later.

    It carries a reference and a link, never a child's name or details (D21). A failed send is
    retried with backoff at ``next_attempt_at``; after ``MAX_ATTEMPTS`` it stays FAILED (given
    up) and the notice in the service says so.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (retried with backoff, then given up)"

    notice = models.ForeignKey(
        "Notice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )
    # A user of the service, or (for a mailbox outside it, such as the police intelligence
    # mailbox) an address: exactly one of the two.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
        null=True,
        blank=True,
    )
    address = models.EmailField(blank=True)
    subject = models.CharField(max_length=150)
    reference = models.CharField(max_length=40)
    link = models.CharField(max_length=300, validators=[validate_relative_link])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # The sweep's rows: unsent and not given up, the longest waiting first.
            models.Index(
                fields=["next_attempt_at"],
                condition=~models.Q(status="sent") & models.Q(attempts__lt=MAX_ATTEMPTS),
                name="outbox_unsent",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(recipient__isnull=False) & models.Q(address=""))
                | (models.Q(recipient__isnull=True) & ~models.Q(address="")),
                name="outbox_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def to(self) -> str:
        """The address the message goes to."""
        return self.recipient.email if self.recipient_id else self.address

    @property
    def given_up(self) -> bool:
        return self.status != self.Status.SENT and self.attempts >= MAX_ATTEMPTS


class Notice(models.Model):
    """A notice in the service (the header and the notices page), to one or more people.

    A clock's reminders and escalations are notices too: one per clock and kind, the escalation
    level being part of the kind, so a unique constraint makes a repeat impossible.
    """

    class Kind(models.TextChoices):
        EVENT = "event", "Event"
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        ESCALATED = "escalated_1", "Overdue: escalated to the team manager"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EVENT)
    deadline = models.ForeignKey(
        "timescales.Deadline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    subject = models.CharField(max_length=150)
    reference = models.CharField(max_length=40)
    link = models.CharField(max_length=300, validators=[validate_relative_link])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind"],
                condition=models.Q(deadline__isnull=False),
                name="one_notice_per_clock_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"


class NoticeRecipient(models.Model):
    """One person's copy of a notice, and whether they have read it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-notice__created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="one_copy_per_person")
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notice_unread"
            ),
            models.Index(fields=["user", "-id"], name="notice_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} to {self.user_id}"
