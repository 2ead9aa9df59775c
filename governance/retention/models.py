"""Retention and disposal of records (issue 10, item 5).

- ``RetentionRule``: how long one type of record is kept, from which event, and what happens at
  the end (a review, or disposal). One rule per record type, changed on a page, with history.
- ``RetentionReview``: one record due for review or disposal on one date, found by the daily
  scan and decided by the information-governance officer (dispose, keep longer, legal hold).
- ``ErasureLog``: what one disposal erased, when, by whom and under which rule. Ids and counts
  only, never personal data.
- ``ErasureGate``: a row that exists only inside a disposal's transaction; the database triggers
  that protect completed CSE2s and case notes let an update through while it exists (migration
  0003). It is inserted and deleted in the same transaction, so no other transaction sees it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class RecordType(models.TextChoices):
    CHILD = "child", "Children's case records"
    INTELLIGENCE = "intelligence", "Intelligence reports"


class RetentionRule(models.Model):
    """How long one type of record is kept: ``amount`` ``unit`` after the ``trigger`` event, then
    ``action``. Each change raises ``version``; a review and an erasure keep the version used."""

    class Unit(models.TextChoices):
        YEARS = "years", "Years"
        MONTHS = "months", "Months"

    class Trigger(models.TextChoices):
        AFTER_CLOSURE = "after_closure", "After the case is closed"
        AFTER_RECORDING = "after_recording", "After the record was made"

    class Action(models.TextChoices):
        REVIEW = "review", "Review (keep or dispose)"
        DISPOSE = "dispose", "Dispose (after confirmation)"

    record_type = models.CharField(max_length=20, choices=RecordType.choices, unique=True)
    amount = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.YEARS)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.REVIEW)
    reason = models.TextField(blank=True, help_text="Why the rule is what it is (the policy)")
    version = models.PositiveIntegerField(default=1)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.period_label} {self.trigger_label}"

    @property
    def months(self) -> int:
        return self.amount * 12 if self.unit == self.Unit.YEARS else self.amount

    @property
    def period_label(self) -> str:
        unit = self.get_unit_display().lower()
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"

    @property
    def trigger_label(self) -> str:
        return self.get_trigger_display().lower()


class RetentionReview(models.Model):
    """One record due for review or disposal on ``due_on`` (one row per record and date)."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        KEPT = "kept", "Kept longer"
        HELD = "held", "Legal hold"
        DISPOSED = "disposed", "Disposed of"
        FAILED = "failed", "Disposal failed"

    OPEN_STATUSES = (Status.DUE, Status.FAILED)

    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    # The record: a child (and everything about them) or an intelligence report.
    child = models.ForeignKey(
        "referrals.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_reviews",
    )
    report = models.ForeignKey(
        "intelligence.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_reviews",
    )
    due_on = models.DateField()
    # The date the period was counted from (closure, recording, or the end of a keep).
    counted_from = models.DateField()
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="reviews")
    rule_version = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=RetentionRule.Action.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    found_at = models.DateTimeField(default=timezone.now)
    keep_until = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    failure_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "due_on"],
                condition=models.Q(child__isnull=False),
                name="one_review_per_child_and_date",
            ),
            models.UniqueConstraint(
                fields=["report", "due_on"],
                condition=models.Q(report__isnull=False),
                name="one_review_per_report_and_date",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(record_type="child", child__isnull=False, report__isnull=True)
                    | models.Q(record_type="intelligence", report__isnull=False, child__isnull=True)
                ),
                name="review_of_one_record_of_its_type",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on", "id"], name="retention_review_queue"),
        ]

    def __str__(self) -> str:
        return f"Retention review {self.pk}"

    @property
    def reference(self) -> str:
        return f"RR-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def object_id(self) -> str:
        return str(self.child_id if self.record_type == RecordType.CHILD else self.report_id)


class ErasureLog(models.Model):
    """One disposal: the record's type and id, the counts of rows and fields erased, when, by
    whom, under which rule and version. No personal data."""

    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    object_id = models.CharField(max_length=40)
    review = models.OneToOneField(RetentionReview, on_delete=models.PROTECT, related_name="erasure")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    rule_version = models.PositiveIntegerField()
    counts = models.JSONField(default=dict, help_text="Rows changed per table, live and history")
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"Erasure of {self.record_type} {self.object_id}"

    @property
    def rows(self) -> int:
        return sum(entry.get("rows", 0) for entry in self.counts.values())

    @property
    def fields(self) -> int:
        return sum(entry.get("fields", 0) for entry in self.counts.values())


class ErasureGate(models.Model):
    """Present only inside a disposal's transaction (see the module docstring)."""

    opened_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Erasure gate {self.pk}"
