"""What happens to a child that Shield records: a new CSE incident (with its new CSE1, D17),
missing-from-home episodes and their return home interviews, and flags on agencies' systems."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from shield.models.scheme import BandCode


class Incident(models.Model):
    """A new CSE incident. It needs a new CSE1 through the usual pathway (linked here) and opens
    a CSE2 review clock due in 5 working days (D17)."""

    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField()
    description = models.TextField()
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        help_text="The new CSE1 the incident needs",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["child", "-occurred_at"], name="incident_child")]

    def __str__(self) -> str:
        return f"Incident {self.pk}"

    @property
    def reference(self) -> str:
        return f"INC-{self.pk:06d}"


class MissingEpisode(models.Model):
    """A missing-from-home (or care) episode and its return home interview."""

    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, related_name="missing_episodes"
    )
    went_missing_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    reported_to_police = models.BooleanField(default=False)
    interview_done = models.BooleanField("Return home interview done", default=False)
    interview_by = models.CharField("Interview by", max_length=200, blank=True)
    interview_on = models.DateField("Interview date", null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-went_missing_at", "-id"]
        indexes = [models.Index(fields=["child", "-went_missing_at"], name="missing_child")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True)
                | models.Q(returned_at__gte=models.F("went_missing_at")),
                name="returned_after_going_missing",
            )
        ]

    def __str__(self) -> str:
        return f"Missing episode {self.pk}"


class Flag(models.Model):
    """A flag on an agency's systems: the police CSE flag, or another agency's by partnership
    decision. Risk level, short rationale, date and who decided; removal is a recorded decision."""

    class Kind(models.TextChoices):
        POLICE_CSE = "police_cse", "Police CSE flag"
        AGENCY = "agency", "Another agency's flag"

    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    risk_level = models.CharField(max_length=10, choices=BandCode.choices)
    rationale = models.TextField()
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(
                fields=["child"], condition=models.Q(removed_on__isnull=True), name="flag_current"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind", "agency"],
                condition=models.Q(removed_on__isnull=True),
                name="one_current_flag_per_child_kind_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.agency}): {self.get_risk_level_display()}"

    @property
    def current(self) -> bool:
        return self.removed_on is None
