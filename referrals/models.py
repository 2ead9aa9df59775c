import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from referrals.rules import age_on


class Child(models.Model):
    """A child or young person on the register (the intake issue adds the full record).

    The primary key is a random UUID, so record numbers reveal nothing and cannot be guessed.
    Age is derived from the date of birth, never stored.
    """

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        NOT_KNOWN = "not_known", "Not known"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_names = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    postcode = models.CharField(max_length=10, blank=True)

    class CareStatus(models.TextChoices):
        NOT_KNOWN = "not_known", "Not known to children's social care"
        CHILD_IN_NEED = "child_in_need", "Open: child in need"
        CHILD_PROTECTION = "child_protection", "Open: child protection"
        LOOKED_AFTER = "looked_after", "Open: looked after"

    care_status = models.CharField(
        max_length=20, choices=CareStatus.choices, default=CareStatus.NOT_KNOWN
    )
    allocated_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_children",
    )
    placing_authority = models.CharField(
        max_length=200, blank=True, help_text="For a child placed here by another local authority"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "children"
        # The register's keyset order (referrals.selectors.REGISTER_ORDER) and the API's cursor.
        indexes = [
            models.Index(fields=["family_name", "given_names", "id"], name="child_register_order"),
            models.Index(fields=["-created_at", "id"], name="child_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def age_on(self, day) -> int:
        return age_on(self.date_of_birth, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def has_open_case(self) -> bool:
        return self.care_status != self.CareStatus.NOT_KNOWN


class Referral(models.Model):
    """A CSE1 referral (domain.md section 1), from draft to MASH triage.

    The referrer describes the child; MASH links the referral to a child on the register at triage
    (duplicates without disclosure), so ``child`` is empty until then.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RECEIVED = "received", "Received"
        TRIAGED = "triaged", "Triaged"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.DRAFT: {Status.RECEIVED, Status.WITHDRAWN},
        Status.RECEIVED: {Status.TRIAGED},
        Status.TRIAGED: set(),
        Status.WITHDRAWN: set(),
    }

    class Concern(models.TextChoices):
        NO_CURRENT_CONCERN = "none", "No current concern"
        AT_RISK = "at_risk", "At risk"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    CONCERN_RANK = {"high": 3, "medium": 2, "at_risk": 1, "none": 0}

    class ReceivedBy(models.TextChoices):
        MASH = "mash", "MASH"
        EDT = "edt", "Emergency Duty Team"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # The child as the referrer described them (matched to the register by MASH).
    child_given_names = models.CharField(max_length=100)
    child_family_name = models.CharField(max_length=100)
    child_date_of_birth = models.DateField()
    child_postcode = models.CharField(max_length=10, blank=True)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals"
    )
    emergency = models.BooleanField(default=False)
    level_of_concern = models.CharField(max_length=10, choices=Concern.choices, blank=True)
    review_urgently = models.BooleanField(default=False)
    circumstances = models.TextField(blank=True)

    class Model(models.TextChoices):
        RELATIONSHIP = "relationship", "Relationship or 'boyfriend'"
        PEER_ON_PEER = "peer_on_peer", "Peer on peer"
        ORGANISED = "organised", "Organised or trafficking"
        GANG = "gang", "Gang-associated"
        PARTY = "party", "Party"
        ONLINE = "online", "Online only"
        LONE_OFFENDER = "lone_offender", "Lone offender"
        UNKNOWN = "unknown", "Not known"

    models_of_exploitation = models.JSONField(default=list, blank=True)

    class Consent(models.TextChoices):
        YOUNG_PERSON = "young_person", "The young person (16 or over)"
        COMPETENT_UNDER_16 = "competent_under_16", "The child (under 16, and competent to decide)"
        PARENTAL_RESPONSIBILITY = "parental_responsibility", "A person with parental responsibility"
        OVERRIDE_URGENT = "override_urgent", "Not asked: it is urgent"
        OVERRIDE_HARM = "override_harm", "Not asked, or refused: risk of significant harm"

    consent = models.CharField(max_length=30, choices=Consent.choices, blank=True)
    consent_override_reason = models.TextField(blank=True)
    parents_aware = models.BooleanField(null=True, blank=True)
    young_person_aware = models.BooleanField(null=True, blank=True)
    # D7: under 13, parents are told unless that would expose the child to further harm.
    parents_not_told_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.CharField(max_length=4, choices=ReceivedBy.choices, blank=True)

    class Decision(models.TextChoices):
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion needed"
        SECTION_17 = "section_17", "Section 17 assessment"
        REFER_TO_SHIELD = "refer_to_shield", "Refer to Shield"
        UNIVERSAL_SERVICES = "universal_services", "Universal services and advice"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    mash_level_of_concern = models.CharField(max_length=10, choices=Concern.choices, blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_triaged",
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    # Every triaged CSE1 goes to the MACSE administrator, whatever the decision.
    forwarded_to_macse_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=models.Q(status="received"),
                name="referral_awaiting_triage",
            )
        ]

    def __str__(self) -> str:
        return self.reference or "Draft referral"

    def child_age_on(self, day) -> int:
        return age_on(self.child_date_of_birth, day)


class ReferenceCounter(models.Model):
    """The last referral number given out each year: "CSE-2026-000123" (taken under a row lock)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class IndicatorResponse(models.Model):
    """One indicator of the CSE1 checklist (referrals.indicators): present, basis and a note."""

    class Present(models.TextChoices):
        YES = "yes", "Yes"
        POSSIBLE = "possible", "Possible"
        NO = "no", "No"

    class Basis(models.TextChoices):
        EVIDENCE = "evidence", "Evidence"
        CONCERN = "concern", "Professional concern"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=40)
    present = models.CharField(max_length=10, choices=Present.choices)
    basis = models.CharField(max_length=10, choices=Basis.choices, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "code"], name="one_response_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.present}"
