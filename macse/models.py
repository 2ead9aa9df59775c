"""MACSE: the monthly multi-agency CSE meeting (domain.md section 5), its agenda, what it decides
for each child, the child's MACSE plan (Support, Prevent, Protect, Pursue: D10) and its actions,
and the printed agenda packs and minutes kept with the meeting."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Meeting(models.Model):
    """One monthly MACSE meeting: chaired by police, administered by children's social care."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"  # the meeting has taken place; its minutes may still be written
        CLOSED = "closed", "Minutes agreed"  # decisions carried into plans and chronologies

    starts_at = models.DateTimeField()
    venue = models.CharField("Venue or call link", max_length=300)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="macse_meetings_chaired",
    )
    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="macse_meetings_run"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    # The chair reads the confidentiality and information-sharing statement at the start.
    confidentiality_acknowledged_at = models.DateTimeField(null=True, blank=True)
    confidentiality_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at", "id"], name="macse_meeting_by_date")]

    def __str__(self) -> str:
        return f"MACSE meeting {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("macse:meeting-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"MACSE-{self.pk:05d}" if self.pk else "MACSE (new)"


class Attendee(models.Model):
    """An agency's representative invited to a meeting, and whether they came."""

    class Attendance(models.TextChoices):
        INVITED = "invited", "Invited"
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        SENT_INFORMATION = "sent_information", "Sent information, did not attend"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class CohortEntry(models.Model):
    """A child on MACSE: adopted at their first hearing, reviewed every 3 months (D5) until the
    meeting closes, steps down or signposts the case; at 18 they leave unless kept open with a
    recorded reason (D6)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open to MACSE"
        STEPPED_DOWN = "stepped_down", "Stepped down"
        CLOSED = "closed", "Closed"

    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    first_heard_at = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kept_open_past_18_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["adopted_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(status="open"), name="one_open_macse_entry"
            )
        ]
        indexes = [
            # The cohort's list, in its order, and its count.
            models.Index(
                fields=["adopted_on", "id"],
                condition=models.Q(status="open"),
                name="macse_cohort_open",
            )
        ]

    def __str__(self) -> str:
        return f"MACSE cohort: {self.child_id}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda: a child (a new referral or a 3-month review) or one of the
    standing items (domain.md 5.3). A child's item records the minutes and the decision."""

    class Section(models.TextChoices):
        NEW_REFERRAL = "new_referral", "New referrals"
        REVIEW = "review", "Reviews due"
        ACTIONS = "actions", "Open actions from the last meeting"
        PERSONS = "persons", "Persons of concern"
        LOCATIONS = "locations", "Locations and online platforms"
        THEMES = "themes", "Themes and trends"
        OTHER = "other", "Any other business"

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt onto MACSE"
        CONTINUE = "continue", "Continue on MACSE"
        STEP_DOWN = "step_down", "Step down"
        CLOSE = "close", "Close to MACSE"
        SIGNPOST = "signpost", "Signpost to another service"

    class FlagDecision(models.TextChoices):
        NONE = "", "No change"
        CREATE = "create", "Police CSE flag to be created"
        UPDATE = "update", "Police CSE flag to be updated"
        REMOVE = "remove", "Police CSE flag to be removed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=15, choices=Section.choices)
    position = models.PositiveIntegerField()
    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="macse_items",
    )
    title = models.CharField(max_length=200, blank=True)  # a standing item's subject
    details = models.TextField(blank=True)
    # D12: an item drawn from police-only intelligence shows only to police-only users.
    police_only = models.BooleanField(default=False)
    # D9: whether the parents are told the child will be discussed, asked of the allocated
    # worker (the Shield worker where no social worker is allocated) when the child is added.
    parents_asked_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parents_told = models.BooleanField(null=True, blank=True)
    parents_not_told_reason = models.TextField(blank=True)
    # Deferred to a later meeting: the child's review clock keeps running.
    deferred_at = models.DateTimeField(null=True, blank=True)
    deferred_reason = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    decision = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    flag_decision = models.CharField(
        max_length=10, choices=FlagDecision.choices, blank=True, default=FlagDecision.NONE
    )
    agencies_directed = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="+", help_text="Agencies not yet involved"
    )
    # D11: a closure rests on a completed CSE2 at Lower, or scoring below the one before it.
    closure_assessment = models.ForeignKey(
        "shield.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "child"],
                condition=models.Q(child__isnull=False),
                name="one_item_per_child_per_meeting",
            )
        ]
        indexes = [models.Index(fields=["child", "meeting"], name="macse_item_child")]

    def __str__(self) -> str:
        return self.title or self.get_section_display()

    def get_absolute_url(self) -> str:
        return reverse("macse:item-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """What a list of clocks calls the hearing that started a review clock."""
        return f"MACSE-{self.meeting_id:05d} item {self.position}"

    @property
    def deferred(self) -> bool:
        return self.deferred_at is not None

    @property
    def decided(self) -> bool:
        return bool(self.decision)


class Plan(models.Model):
    """A child's MACSE plan: one per child on MACSE, its actions under Support, Prevent, Protect
    and Pursue (D10); each meeting's agreed plan is kept as a PlanVersion."""

    entry = models.OneToOneField(CohortEntry, on_delete=models.PROTECT, related_name="plan")
    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    young_person_views = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"MACSE plan {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("macse:plan-detail", kwargs={"pk": self.pk})


class PlanVersion(models.Model):
    """The plan as a meeting agreed it: its actions as they stood, kept unchanged."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Each action as agreed: section, about, outcome, action, owner, agency, due, status.
    actions = models.JSONField(default=list)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} version {self.number}"


class Action(models.Model):
    """An action of a MACSE plan, for the child or against a perpetrator or a place. Its owner is
    a user, or a named contact at an agency without an account (whose progress the administrator
    records); its due date is a clock (timescales) in the owner's work list."""

    class Section(models.TextChoices):
        SUPPORT = "support", "Support"
        PREVENT = "prevent", "Prevent"
        PROTECT = "protect", "Protect"
        PURSUE = "pursue", "Pursue"
        PREPARE = "prepare", "Prepare"  # D10: exists, not offered unless configured

    class About(models.TextChoices):
        CHILD = "child", "The child"
        PERPETRATOR = "perpetrator", "A perpetrator or person of concern"
        LOCATION = "location", "A location or online platform"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions")
    section = models.CharField(max_length=10, choices=Section.choices)
    about = models.CharField(max_length=15, choices=About.choices, default=About.CHILD)
    about_details = models.CharField(max_length=300, blank=True)
    desired_outcome = models.TextField()
    description = models.TextField("Action")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="macse_actions",
    )
    owner_name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NOT_STARTED)
    set_at = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="actions_set"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "section", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="macse_action_has_owner",
            )
        ]
        indexes = [models.Index(fields=["owner", "status"], name="macse_action_owner")]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return reverse("macse:action-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"MACSE action {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NOT_STARTED, self.Status.IN_PROGRESS)

    @property
    def owner_label(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name


class ActionProgress(models.Model):
    """A progress note on an action, by its owner (or the administrator for a named contact
    without an account), at a review or between meetings. Added, never changed."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="progress")
    note = models.TextField()
    status = models.CharField(max_length=15, choices=Action.Status.choices)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"Progress on action {self.action_id}"


class MeetingDocument(models.Model):
    """A printed agenda pack or minutes, kept with the meeting. Long packs are rendered by a
    Celery task that reports its progress; a failed render keeps the previous document."""

    class Kind(models.TextChoices):
        AGENDA_PACK = "agenda_pack", "Agenda pack"
        MINUTES = "minutes", "Minutes"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RENDERING = "rendering", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done_items = models.PositiveIntegerField(default=0)
    total_items = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # D12: it carries police-only items (it was prepared for a police-only user, and the meeting
    # has some), so only police-only users may have it.
    police_only_items = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of meeting {self.meeting_id}"

    @property
    def filename(self) -> str:
        return f"{self.meeting.reference}-{self.kind.replace('_', '-')}.pdf"
