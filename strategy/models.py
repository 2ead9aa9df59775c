"""Strategy discussions (within 24 hours of MASH receipt), strategy meetings (within 72 hours of
the discussion that decided one), their agreed actions, and amendments made after sign-off."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class HeldRecord:
    """What a discussion and a meeting share once held: compliance, outcomes and sign-off."""

    Outcome: type[models.TextChoices]
    AMENDABLE: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        return self.referral.reference

    @property
    def compliant(self) -> bool:
        return self.police_took_part and self.health_took_part

    @property
    def outcome_labels(self) -> list[str]:
        return [self.Outcome(code).label for code in self.outcomes]

    @property
    def signed_off(self) -> bool:
        return self.signed_off_at is not None


def _signed_off_by():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class StrategyDiscussion(HeldRecord, models.Model):
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

    AMENDABLE = ("information_considered", "risk_to_others", "rationale", "not_compliant_reason")

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
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = _signed_off_by()
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_at"]
        indexes = [
            models.Index(fields=["-recorded_at", "id"], name="discussion_newest"),
            # The dashboard's list of discussions held without the police or health.
            models.Index(
                fields=["-held_at"],
                condition=models.Q(police_took_part=False) | models.Q(health_took_part=False),
                name="discussion_not_compliant",
            ),
        ]

    def __str__(self) -> str:
        return f"Strategy discussion for {self.referral}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:discussion-detail", kwargs={"pk": self.pk})


class StrategyMeeting(HeldRecord, models.Model):
    """A strategy meeting decided at a discussion: scheduled with its invitations, then recorded
    as held (attendance and apologies, minutes, decisions, actions). Holding it meets the
    72-hour clock the discussion started."""

    class Outcome(models.TextChoices):
        SECTION_47 = "section_47", "Section 47 enquiries"
        CONFERENCE = "child_protection_conference", "Initial child protection conference"
        SECTION_17 = "section_17", "Section 17 assessment"
        REFER_TO_SHIELD = "refer_to_shield", "Refer to Shield"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    AMENDABLE = ("minutes", "rationale", "not_compliant_reason")

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="meetings"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="strategy_meetings"
    )
    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, related_name="strategy_meetings"
    )
    scheduled_for = models.DateTimeField()
    venue = models.CharField("Venue or call link", max_length=300)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    held_at = models.DateTimeField(null=True, blank=True)
    police_took_part = models.BooleanField(default=False)
    health_took_part = models.BooleanField(default=False)
    not_compliant_reason = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    outcomes = models.JSONField(default=list, blank=True)
    rationale = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = _signed_off_by()
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_for"]
        indexes = [models.Index(fields=["-created_at", "id"], name="meeting_newest")]

    def __str__(self) -> str:
        return f"Strategy meeting for {self.referral}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:meeting-detail", kwargs={"pk": self.pk})

    @property
    def held(self) -> bool:
        return self.held_at is not None


def _belongs_to_one(name: str) -> models.CheckConstraint:
    """A row of a discussion or of a meeting, never both or neither."""
    return models.CheckConstraint(
        condition=models.Q(discussion__isnull=False, meeting__isnull=True)
        | models.Q(discussion__isnull=True, meeting__isnull=False),
        name=name,
    )


class PartOfRecord(models.Model):
    """A row that belongs to a discussion or to a meeting (each subclass declares both keys)."""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return self.record.get_absolute_url()

    @property
    def record(self) -> StrategyDiscussion | StrategyMeeting:
        return self.discussion or self.meeting

    @property
    def reference(self) -> str:
        return self.record.reference


class Participant(PartOfRecord):
    """Someone invited to or taking part in a discussion or meeting, with their agency."""

    class Attendance(models.TextChoices):
        INVITED = "invited", "Invited"
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Did not attend"

    discussion = models.ForeignKey(
        StrategyDiscussion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participants",
    )
    meeting = models.ForeignKey(
        StrategyMeeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participants",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True)
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.PRESENT
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [_belongs_to_one("participant_of_one_record")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class AgreedAction(PartOfRecord):
    """An action agreed at a discussion or meeting: an owner (a user, or a named contact at an
    agency) and a due date, which is a clock of its own."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    meeting = models.ForeignKey(
        StrategyMeeting, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
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
        constraints = [_belongs_to_one("action_of_one_record")]

    def __str__(self) -> str:
        return self.description[:60]


class Amendment(PartOfRecord):
    """A change to a signed-off record: what it said before and after, why, and who changed it.
    A signed-off record is never changed silently."""

    discussion = models.ForeignKey(
        StrategyDiscussion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    meeting = models.ForeignKey(
        StrategyMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    changes = models.JSONField(help_text='{"field": ["before", "after"]}')
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]
        constraints = [_belongs_to_one("amendment_of_one_record")]

    def __str__(self) -> str:
        return f"Amendment to {self.record}"
