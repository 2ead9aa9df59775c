"""Deadlines are data (architecture.md): one row per clock, written with the event that starts
it and closed by the event that meets it. Its state is derived, never stored."""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cse_framework.timescales.clocks import Kind


class Deadline(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        MET_ON_TIME = "met_on_time", "Met on time"
        MET_LATE = "met_late", "Met late"
        NOT_REQUIRED = "not_required", "Not required"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines"
    )
    # The object whose event started the clock (a referral, a discussion, an assessment...).
    started_by_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    started_by_id = models.CharField(max_length=40)
    started_by = GenericForeignKey("started_by_type", "started_by_id")
    starts_at = models.DateTimeField()
    # The scan's three thresholds, fixed when the clock starts (clocks.Clock.thresholds).
    due_soon_at = models.DateTimeField()
    due_at = models.DateTimeField()
    escalate_at = models.DateTimeField()
    owning_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    met_at = models.DateTimeField(null=True, blank=True)
    not_required_at = models.DateTimeField(null=True, blank=True)
    # The object whose event met the clock or decided it was not required.
    closed_by_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_by_id = models.CharField(max_length=40, blank=True)
    closed_by = GenericForeignKey("closed_by_type", "closed_by_id")

    class BreachReason(models.TextChoices):
        CAPACITY = "capacity", "Not enough staff available"
        PARTNER_UNAVAILABLE = "partner_unavailable", "A partner agency was not available"
        INFORMATION_AWAITED = "information_awaited", "Waiting for information"
        CHILD_UNAVAILABLE = "child_unavailable", "The child or family was not available"
        RECORDING_DELAY = "recording_delay", "Done on time but recorded late"
        OTHER = "other", "Other"

    # How far the scan's notices for this clock have gone (0 none, 1 due soon, 2 overdue,
    # 3 escalated): the scan reads only clocks with a notice still to write, so its work follows
    # the notices due, not the number of clocks.
    notice_level = models.PositiveSmallIntegerField(default=0)
    breach_reason_code = models.CharField(max_length=30, choices=BreachReason.choices, blank=True)
    breach_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # Open clocks by due time; covering what the dashboard counts them by, so its
            # summary reads the index alone.
            models.Index(
                fields=["due_at"],
                include=["kind", "owning_team", "owner"],
                condition=models.Q(met_at__isnull=True, not_required_at__isnull=True),
                name="deadline_open_due_at",
            ),
            # Open clocks of one kind, soonest first (a list of one kind of clock reads only
            # its own, not every open clock of every kind in due order).
            models.Index(
                fields=["kind", "due_at", "id"],
                condition=models.Q(met_at__isnull=True, not_required_at__isnull=True),
                name="deadline_open_by_kind",
            ),
            # The scan's reads: open clocks with the notice of each level still to write.
            *(
                models.Index(
                    fields=[threshold, "id"],
                    condition=models.Q(
                        met_at__isnull=True, not_required_at__isnull=True, notice_level__lt=level
                    ),
                    name=f"deadline_pending_{name}",
                )
                for level, name, threshold in (
                    (1, "due_soon", "due_soon_at"),
                    (2, "overdue", "due_at"),
                    (3, "escalation", "escalate_at"),
                )
            ),
            models.Index(fields=["started_by_type", "started_by_id"], name="deadline_started_by"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(met_at__isnull=True) | models.Q(not_required_at__isnull=True),
                name="deadline_met_or_not_required",
            ),
            models.UniqueConstraint(
                fields=["kind", "started_by_type", "started_by_id"],
                name="one_clock_per_kind_and_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_breached(self) -> bool:
        return self.state() in (self.State.OVERDUE, self.State.MET_LATE)

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.not_required_at is None

    def state(self, now: dt.datetime | None = None) -> str:
        if self.not_required_at:
            return self.State.NOT_REQUIRED
        if self.met_at:
            return self.State.MET_ON_TIME if self.met_at <= self.due_at else self.State.MET_LATE
        now = now or timezone.now()
        if now > self.due_at:
            return self.State.OVERDUE
        if now >= self.due_soon_at:
            return self.State.DUE_SOON
        return self.State.OPEN

    NEXT_STEPS = {
        "strategy_discussion": "Hold the strategy discussion, or decide none is needed",
        "strategy_meeting": "Hold the strategy meeting",
        "placing_authority": "Contact the placing authority and consult the team managers",
        "initial_cse2": "Complete the initial CSE2",
        "cse2_review": "Complete the CSE2 review",
        "macse_review": "Hear the child at MACSE",
        "adult_services": "Contact Adult Services",
        "action": "Complete the action",
        "subject_access": "Send the subject-access pack",
    }

    @property
    def next_step(self) -> str:
        return self.NEXT_STEPS.get(self.kind, "")

    def state_label(self, now: dt.datetime | None = None) -> str:
        return self.State(self.state(now)).label

    def time_left(self, now: dt.datetime | None = None) -> dt.timedelta:
        return self.due_at - (now or timezone.now())
