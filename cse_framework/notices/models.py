from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_relative_link(value: str) -> None:
    if not value.startswith("/") or value.startswith("//") or "?" in value:
        raise ValidationError("A notice links to a page of this service, with no query string")


class OutboxMessage(models.Model):
    """An e-mail promised to a user, written with the event that causes it and sent later.

    It carries a reference and a link, never a child's name or details (D21).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will be retried)"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outbox_messages"
    )
    subject = models.CharField(max_length=150)
    reference = models.CharField(max_length=40)
    link = models.CharField(max_length=300, validators=[validate_relative_link])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=~models.Q(status="sent"),
                name="outbox_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"
