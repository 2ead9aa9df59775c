from django.conf import settings
from django.db import models
from django.utils import timezone


class Grant(models.Model):
    """One break-glass use: a user opened a child's record outside their access, for a reason,
    for a short time (``BREAK_GLASS_MINUTES``). Kept for review; never deleted."""

    class Outcome(models.TextChoices):
        APPROPRIATE = "appropriate", "Appropriate use"
        INAPPROPRIATE = "inappropriate", "Not appropriate: taken up with the user's manager"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # When the child's team manager(s) and the service manager(s) were told: once per grant.
    alerted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            # The access mechanism asks, on every scoped read, which children a user holds a live
            # grant for: by user, then the expiry.
            models.Index(fields=["user", "expires_at"], name="breakglass_user_live"),
            models.Index(fields=["-opened_at", "-id"], name="breakglass_report"),
        ]

    def __str__(self) -> str:
        return f"Break-glass {self.pk}"

    def is_live(self, now) -> bool:
        return self.opened_at <= now < self.expires_at
