"""What a manager did to a person's account: deactivated it when they left (with the leaving
date, the reason and where each piece of their open work went) or reactivated it. Never changed
or deleted; the user row itself is kept, so everything the person recorded stays theirs."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccountChange(models.Model):
    class Kind(models.TextChoices):
        DEACTIVATED = "deactivated", "Deactivated (left)"
        REACTIVATED = "reactivated", "Reactivated"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_changes"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    # The leaving date for a leaver; the day it took effect for a reactivation.
    effective_on = models.DateField()
    reason = models.TextField()
    # Where each open item went: {"item": "case_12", "kind": "case", "to": user id or null
    # (returned to its team)}. References only, never a child's details.
    handover = models.JSONField(default=list, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["user", "-made_at"], name="account_change_user")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.effective_on:%d %b %Y}"
