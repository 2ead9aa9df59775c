import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from referrals.matching_keys import name_key, normalise_postcode
from referrals.rules import age_on, approaching_adulthood


class YesNoNotKnown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class SpecialEducationalNeeds(models.TextChoices):
    NONE = "none", "No special educational needs"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "Education, health and care plan"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """The Department for Education's ethnicity codes (the CIN census), so returns compare."""

    WBRI = "WBRI", "White: British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Traveller of Irish heritage"
    WROM = "WROM", "White: Gypsy or Roma"
    WOTH = "WOTH", "White: any other White background"
    MWBC = "MWBC", "Mixed: White and Black Caribbean"
    MWBA = "MWBA", "Mixed: White and Black African"
    MWAS = "MWAS", "Mixed: White and Asian"
    MOTH = "MOTH", "Mixed: any other mixed background"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BCRB = "BCRB", "Black or Black British: Caribbean"
    BAFR = "BAFR", "Black or Black British: African"
    BOTH = "BOTH", "Black or Black British: any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Child(models.Model):
    """A child or young person on the register.

    The primary key is a random UUID, so record numbers reveal nothing and cannot be guessed.
    Age and "approaching 18" are derived from the date of birth, never stored. A record merged
    into another is kept, pointing at the one that replaced it.
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
    date_of_birth_estimated = models.BooleanField(default=False)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=10, choices=YesNoNotKnown.choices, default="not_known")
    disability_details = models.CharField(max_length=500, blank=True)
    special_educational_needs = models.CharField(
        max_length=12, choices=SpecialEducationalNeeds.choices, default="not_known"
    )
    learning_disability = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default="not_known"
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    school = models.CharField(max_length=200, blank=True)
    # Phonetic keys of the names, so a misspelt name is still found without trigram search.
    family_name_key = models.CharField(max_length=8, blank=True, editable=False)
    given_name_key = models.CharField(max_length=8, blank=True, editable=False)

    class CareStatus(models.TextChoices):
        NOT_KNOWN = "not_known", "Not known to children's social care"
        CHILD_IN_NEED = "child_in_need", "Open: child in need"
        CHILD_PROTECTION = "child_protection", "Open: child protection"
        LOOKED_AFTER = "looked_after", "Open: looked after"

    care_status = models.CharField(
        max_length=20, choices=CareStatus.choices, default=CareStatus.NOT_KNOWN
    )

    class LegalStatus(models.TextChoices):
        SECTION_20 = "s20", "Section 20 (voluntary accommodation)"
        SECTION_38 = "s38", "Section 38 (interim care order)"
        SECTION_31 = "s31", "Section 31 (care order)"
        PLACEMENT_ORDER = "s21", "Placement order"
        OTHER = "other", "Other"

    legal_status = models.CharField(
        max_length=5,
        choices=LegalStatus.choices,
        blank=True,
        help_text="The legal basis of a looked-after child's care",
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
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "children"
        # The register's keyset order (referrals.selectors.REGISTER_ORDER) and the API's cursor.
        indexes = [
            models.Index(fields=["family_name", "given_names", "id"], name="child_register_order"),
            models.Index(fields=["-created_at", "id"], name="child_newest"),
            models.Index(fields=["date_of_birth"], name="child_date_of_birth"),
            models.Index(fields=["family_name_key"], name="child_family_name_key"),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def save(self, *args, **kwargs):
        self.refresh_name_keys()
        super().save(*args, **kwargs)

    def age_on(self, day) -> int:
        return age_on(self.date_of_birth, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def approaching_18(self) -> bool:
        """From 17 years 6 months: time to plan with Adult Services (D6)."""
        return approaching_adulthood(self.date_of_birth, timezone.localdate())

    @property
    def has_open_case(self) -> bool:
        return self.care_status != self.CareStatus.NOT_KNOWN

    def refresh_name_keys(self) -> None:
        self.postcode = normalise_postcode(self.postcode)
        self.family_name_key = name_key(self.family_name)
        self.given_name_key = name_key(self.given_names)


class ChildAlias(models.Model):
    """Another name a child is known by: an alias, a nickname or a former name."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        NICKNAME = "nickname", "Nickname"
        FORMER = "former", "Former name"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=8, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "child aliases"
        indexes = [models.Index(fields=["name_key"], name="alias_name_key")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name.split()[-1] if self.name.split() else "")
        super().save(*args, **kwargs)


class ParentCarer(models.Model):
    """A parent or carer of a child, and whether they hold parental responsibility."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parents_carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, help_text="For example, mother, foster carer")
    parental_responsibility = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default="not_known"
    )
    lives_with_child = models.BooleanField(default=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ChildIdentifier(models.Model):
    """The child's number in another system (health, education, social care, police)."""

    class System(models.TextChoices):
        NHS = "nhs", "NHS number"
        SOCIAL_CARE = "social_care", "Children's social care record number"
        UPN = "upn", "Unique pupil number"
        POLICE = "police", "Police system reference"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="identifiers")
    system = models.CharField(max_length=20, choices=System.choices)
    value = models.CharField(max_length=50)
    history = HistoricalRecords()

    class Meta:
        ordering = ["system"]
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="identifier_unique_in_system")
        ]

    def __str__(self) -> str:
        return f"{self.get_system_display()}: {self.value}"


class Referral(models.Model):
    """A CSE1 referral (domain.md section 1), from draft to MASH triage.

    The referrer describes the child; MASH links the referral to a child on the register at triage
    (duplicates without disclosure), so ``child`` is empty until then.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RECEIVED = "received", "Received"
        AWAITING_AUTHORISATION = "awaiting_authorisation", "Decision awaiting authorisation"
        TRIAGED = "triaged", "Triaged"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.DRAFT: {Status.RECEIVED, Status.WITHDRAWN},
        Status.RECEIVED: {Status.TRIAGED, Status.AWAITING_AUTHORISATION},
        Status.AWAITING_AUTHORISATION: {Status.TRIAGED, Status.RECEIVED},
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

    class SocialCare(models.TextChoices):
        """What the referrer knows of the child and children's social care: it picks the pathway
        (Appendices 1a and 1b): a MARF goes with the CSE1 unless the case is open."""

        NOT_KNOWN = "not_known", "Not known to children's social care"
        OPEN = "open", "Open to children's social care, with an allocated social worker"
        PLACED = "placed", "Placed in Knowsley by another local authority"
        UNSURE = "unsure", "I do not know"

    class ReceivedVia(models.TextChoices):
        ONLINE = "online", "Online, by the referrer"
        PHONE = "phone", "By phone, taken by MASH or EDT"
        EMAIL = "email", "By e-mail, taken by MASH or EDT"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(max_length=25, choices=Status.choices, default=Status.DRAFT)
    # D13: the framework is for CSE; the field lets other exploitation join later.
    exploitation_type = models.CharField(max_length=10, default="cse", editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # The child as the referrer described them (matched to the register by MASH).
    child_given_names = models.CharField(max_length=100)
    child_family_name = models.CharField(max_length=100)
    child_date_of_birth = models.DateField()
    child_date_of_birth_estimated = models.BooleanField(default=False)
    child_other_names = models.CharField(max_length=300, blank=True)
    child_gender = models.CharField(
        max_length=20, choices=Child.Gender.choices, default=Child.Gender.NOT_KNOWN
    )
    child_ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    child_address = models.TextField(blank=True)
    child_postcode = models.CharField(max_length=10, blank=True)
    child_school = models.CharField(max_length=200, blank=True)
    child_disability = models.CharField(max_length=500, blank=True)
    child_social_care = models.CharField(
        max_length=10, choices=SocialCare.choices, default=SocialCare.UNSURE
    )
    child_social_worker_name = models.CharField(max_length=200, blank=True)
    child_placing_authority = models.CharField(max_length=200, blank=True)
    # Who referred: the signed-in referrer, or a named referrer whose phone call or e-mail a MASH
    # or EDT worker recorded (then ``referrer`` is empty and ``taken_by`` is that worker).
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_made",
    )
    referrer_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals"
    )
    referrer_name = models.CharField(max_length=200)
    referrer_job_title = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_taken",
    )
    received_via = models.CharField(
        max_length=10, choices=ReceivedVia.choices, default=ReceivedVia.ONLINE
    )
    emergency = models.BooleanField(default=False)
    level_of_concern = models.CharField(max_length=10, choices=Concern.choices, blank=True)
    review_urgently = models.BooleanField(default=False)
    circumstances = models.TextField(blank=True)
    observations = models.TextField(blank=True)
    known_people = models.TextField(blank=True)
    known_vehicles = models.TextField(blank=True)
    known_places = models.TextField(blank=True)
    # The intelligence this referral was started from (the intelligence form says a named child
    # needs a referral): its entities are linked to the child when MASH confirms who it is.
    intelligence_report = models.ForeignKey(
        "intelligence.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )

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
    # A MASH team manager's authorisation, where their team requires it.
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_authorised",
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    # MASH's confirmation of who the child is (a match on the register, or a new record).
    child_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children_confirmed",
    )
    child_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Pathway 1b: the allocated social worker and Shield, told on submission or on confirmation.
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_routed",
    )
    routed_to_shield_at = models.DateTimeField(null=True, blank=True)
    # Every triaged CSE1 goes to the MACSE administrator, whatever the decision.
    forwarded_to_macse_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The queues: referrals waiting for MASH (a day's work, whatever the register's size),
            # the recently decided, and the API's newest-first cursor.
            models.Index(
                fields=["received_at"],
                condition=models.Q(status__in=["received", "awaiting_authorisation"]),
                name="referral_waiting_for_mash",
            ),
            models.Index(
                fields=["-triaged_at", "id"],
                condition=models.Q(status="triaged"),
                name="referral_decided",
            ),
            models.Index(fields=["-created_at", "id"], name="referral_newest"),
        ]

    def __str__(self) -> str:
        return self.reference or "Draft referral"

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral-detail", kwargs={"pk": self.pk})

    def child_age_on(self, day) -> int:
        return age_on(self.child_date_of_birth, day)

    @property
    def models_labels(self) -> list[str]:
        return [self.Model(code).label for code in self.models_of_exploitation]

    @property
    def needs_marf(self) -> bool:
        """Pathway 1a: a MARF goes with the CSE1 unless the child's case is open."""
        return self.child_social_care != self.SocialCare.OPEN

    @property
    def placed_by_another_authority(self) -> bool:
        return self.child_social_care == self.SocialCare.PLACED

    @property
    def decided(self) -> bool:
        return self.status in {self.Status.TRIAGED, self.Status.AWAITING_AUTHORISATION}


class ChildMatch(models.Model):
    """A child on the register who may be the child a referral describes. Found on submission,
    shown only to MASH, never to the referrer."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="matches")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="possible_matches")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name_plural = "child matches"
        constraints = [
            models.UniqueConstraint(fields=["referral", "child"], name="one_match_per_child")
        ]

    def __str__(self) -> str:
        return f"{self.referral} ~ {self.child_id} ({self.score})"


class ChildMerge(models.Model):
    """One child record merged into another by MASH: the record of the merge itself."""

    kept = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="merge")
    reason = models.TextField()
    moved = models.JSONField(default=dict, help_text="How many rows of each kind were moved")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    merged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.kept_id}"


class Marf(models.Model):
    """The Multi-Agency Referral Form (domain.md section 3) that goes with a CSE1 when the child
    is not known to children's social care, or is placed here by another authority."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="marf")
    safeguarding_concern = models.BooleanField(default=True)
    early_help_request = models.BooleanField(default=False)
    referrer_relationship = models.CharField(
        max_length=200, help_text="Your relationship to the child, for example, class teacher"
    )
    spoken_to_worker = models.CharField(max_length=200, blank=True)
    parents_consented = models.BooleanField(null=True)
    consent_explanation = models.TextField(blank=True)
    current_concerns = models.TextField()
    child_views = models.TextField(blank=True)
    parents_views = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    help_tried = models.TextField(blank=True)
    key_professionals = models.TextField(blank=True)
    communication_needs = models.TextField(blank=True)
    keep_from_family = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "MARF"

    def __str__(self) -> str:
        return f"MARF for {self.referral}"

    @property
    def purpose_labels(self) -> list[str]:
        return [
            label
            for wanted, label in [
                (self.safeguarding_concern, "Safeguarding concern"),
                (self.early_help_request, "Request for early help"),
            ]
            if wanted
        ]


class MarfPerson(models.Model):
    """A parent or carer, or another child of the household, named on a MARF."""

    class Kind(models.TextChoices):
        PARENT_CARER = "parent_carer", "Parent or carer"
        HOUSEHOLD_CHILD = "household_child", "Child in the household"

    marf = models.ForeignKey(Marf, on_delete=models.CASCADE, related_name="people")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    parental_responsibility = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default="not_known"
    )
    contact = models.CharField(max_length=300, blank=True)
    school = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class PlacingAuthorityContact(models.Model):
    """D18: MASH's contact with the authority that placed the child here, and the consultation
    with the MASH and CSE team managers on what happens next. It meets the D18 clock."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Secure e-mail"
        MEETING = "meeting", "Meeting or call"

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="placing_authority_contacts"
    )
    contacted_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Method.choices)
    contact_name = models.CharField(max_length=200, help_text="Who you spoke to, and their role")
    information_shared = models.TextField()
    mash_team_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cse_team_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    next_steps = models.TextField(help_text="What was agreed with the team managers")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-contacted_at"]

    def __str__(self) -> str:
        return f"Placing authority contact for {self.referral}"


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
