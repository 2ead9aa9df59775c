"""Strategy discussions (within 24 hours of MASH receipt) and their agreed actions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class StrategyDiscussion(models.Model):
    """A strategy discussion held about a referral (framework section 6.3; D4).

    Police and health must take part; one held without them is recorded with the reason and is
    not compliant. Holding it meets the referral's 24-hour clock; deciding on a strategy meeting
    starts the 72-hour clock from the time it was held (not the time it was recorded).
    """

    class Outcome(models.TextChoices):
        SECTION_47 = "section_47", "Section 47 enquiries"
        SECTION_17 = "section_17", "Section 17 assessment"
        STRATEGY_MEETING = "strategy_meeting", "Strategy meeting needed"
        REFER_TO_SHIELD = "refer_to_shield", "Refer to Shield"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_at = models.DateTimeField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    police_took_part = models.BooleanField()
    health_took_part = models.BooleanField()
    not_compliant_reason = models.TextField(blank=True)
    information_considered = models.TextField()
    risk_to_others = models.TextField()
    outcomes = models.JSONField(default=list)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_at"]
        indexes = [models.Index(fields=["-recorded_at", "id"], name="discussion_newest")]

    def __str__(self) -> str:
        return f"Strategy discussion for {self.referral}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:discussion-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return self.referral.reference

    @property
    def compliant(self) -> bool:
        return self.police_took_part and self.health_took_part

    @property
    def outcome_labels(self) -> list[str]:
        return [self.Outcome(code).label for code in self.outcomes]


class Participant(models.Model):
    """Someone who took part, with their agency."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class AgreedAction(models.Model):
    """An action agreed at a discussion: an owner (a user, or a named contact at an agency) and a
    due date, which is a clock of its own."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True)
    owner_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return self.discussion.get_absolute_url()

    @property
    def reference(self) -> str:
        return self.discussion.reference
