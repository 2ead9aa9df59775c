"""Subject access (UK GDPR Art 15): a request about one child, the packs made for it and the
redactions a manager records before the pack is sent. Issue 10, item 4."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class SubjectAccessRequest(models.Model):
    """A request for the records the service holds about a child, with its one-month clock
    (UK GDPR Art 12(3)), a ``Deadline`` of kind ``subject_access``."""

    class Requester(models.TextChoices):
        YOUNG_PERSON = "young_person", "The young person"
        PARENT_CARER = "parent_carer", "A parent or carer"
        REPRESENTATIVE = "representative", "A representative (for example, a solicitor)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Pack sent"

    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    requester_kind = models.CharField("Who asked", max_length=20, choices=Requester.choices)
    requester_name = models.CharField("Their name", max_length=200)
    received_on = models.DateField("Date received")
    identity_checked = models.BooleanField("Identity checked", default=False)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    deadline = models.OneToOneField(
        "timescales.Deadline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_to = models.CharField("Sent to", max_length=200, blank=True)
    sent_how = models.CharField("How it was sent", max_length=200, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(
                fields=["received_on", "id"],
                condition=models.Q(status="open"),
                name="sar_open_by_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("subject_access:detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk:06d}" if self.pk else "Subject-access request (new)"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SubjectAccessPack(models.Model):
    """One version of the pack: everything held about the child as a PDF and as JSON, stored as
    made, so every download of a version is the same file. A disclosure version is the latest
    full version with the recorded redactions applied."""

    class Kind(models.TextChoices):
        FULL = "full", "Full pack (for redaction review)"
        DISCLOSURE = "disclosure", "Disclosure version (redactions applied)"

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="packs"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FULL)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    pdf = models.BinaryField(editable=False)
    data = models.BinaryField(editable=False)  # the JSON export, UTF-8
    pages = models.PositiveIntegerField(default=0)
    review_items = models.PositiveIntegerField(default=0)
    # D12: it holds police-only intelligence in full (made by a police-only user), so only
    # police-only users may download it.
    police_only_content = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="one_pack_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} pack {self.number}"

    @property
    def child_id(self):
        """The child the pack is about (the access log's child, for each download)."""
        return self.request.child_id

    @property
    def filename_stem(self) -> str:
        return f"{self.request.reference}-pack-{self.number}"


class Redaction(models.Model):
    """A redaction a manager made to the pack before it is sent: which item (its reference in
    the pack), why, who and when."""

    class Reason(models.TextChoices):
        THIRD_PARTY = "third_party", "Third-party information"
        CRIME_PREVENTION = (
            "crime_prevention",
            "Police-only or crime prevention (DPA 2018 Sch 2 para 2)",
        )
        SERIOUS_HARM = "serious_harm", "Serious harm to someone's health or well-being"
        LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"
        OTHER = "other", "Other"

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="redactions"
    )
    item_ref = models.CharField("Item reference", max_length=120)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["made_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item_ref"], name="one_redaction_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_ref}: {self.get_reason_display()}"
