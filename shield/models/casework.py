"""A child's Shield case: opened by a referral to Shield (D16), allocated to a worker by a Shield
team manager (every allocation kept), and its case notes, append-only once completed."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ShieldCase(models.Model):
    """A child open to Shield. One open case per child at a time."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, related_name="shield_cases"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shield_cases",
        help_text="The allocated Shield worker (none while in the team's queue)",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(
        max_length=40, help_text="The reference of what referred the child to Shield"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(status="open"), name="one_open_case_per_child"
            )
        ]
        indexes = [
            models.Index(
                fields=["opened_at", "id"],
                condition=models.Q(status="open", worker__isnull=True),
                name="shield_case_unallocated",
            ),
            models.Index(
                fields=["worker", "opened_at"],
                condition=models.Q(status="open"),
                name="shield_case_caseload",
            ),
            # The open cases per team, held and waiting, are counted from this index alone.
            models.Index(
                fields=["team", "worker"],
                condition=models.Q(status="open"),
                name="shield_case_open_team",
            ),
        ]

    def __str__(self) -> str:
        return f"Shield case {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("shield:case-detail", kwargs={"pk": self.pk})


class Allocation(models.Model):
    """Who held a case, from when to when, and who allocated them. Never deleted."""

    case = models.ForeignKey(ShieldCase, on_delete=models.PROTECT, related_name="allocations")
    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["allocated_at", "id"]

    def __str__(self) -> str:
        return f"{self.worker} from {self.allocated_at:%d %b %Y}"


NOTE_REFUSED = "A completed case note cannot be changed: record a correction instead"


class CompletedNoteError(Exception):
    """A completed case note is append-only."""


class CaseNote(models.Model):
    """A case note: a draft its author may change; completed, it is append-only (a correction is
    a new note that says what it corrects)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, related_name="case_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(help_text="When what the note records happened")
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["child", "-occurred_at"], name="case_note_child")]

    def __str__(self) -> str:
        return f"Case note {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk and CaseNote.objects.filter(pk=self.pk, status="completed").exists():
            raise CompletedNoteError(NOTE_REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if CaseNote.objects.filter(pk=self.pk, status="completed").exists():
            raise CompletedNoteError(NOTE_REFUSED)
        return super().delete(*args, **kwargs)
