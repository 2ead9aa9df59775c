from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessEvent(models.Model):
    """One access to a record: who, when, what they did, to which object and child. Append-only.

    Never the content of the record (DPA 2018 s.62; ASVS 8.3.5). On PostgreSQL a trigger refuses
    UPDATE and DELETE (migration 0002).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        PRINT = "print", "Printed"
        EXPORT = "export", "Exported"
        DISCLOSE = "disclose", "Disclosed"
        DENY = "deny", "Denied"
        # Issue 10: a record opened outside the user's access, with the reason as justification.
        BREAK_GLASS = "breakglass", "Break-glass access"

    at = models.DateTimeField(default=timezone.now)
    # No index of its own: access_user_newest (user, -id) serves every lookup by user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    child_id = models.UUIDField(null=True, blank=True)
    justification = models.TextField(blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        # Newest first by id (the order events were written), so the log pages by keyset:
        # cheap at any size, where OFFSET and COUNT(*) grow with a log that grows with every read.
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["child_id", "-id"], name="access_child_newest"),
            models.Index(fields=["user", "-id"], name="access_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_id}"
