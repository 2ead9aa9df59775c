"""Intelligence (domain.md section 4): reports from any professional (the police information form)
and PAIR entries, graded and handled by police (3x5x2, D12); the people, places, vehicles, phones
and online handles they name, each stored once under a normalised key (intelligence/normalise.py)
so the same thing entered differently is recognised; and the links that join those entities to
children, from which the product finds children linked through what they share."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Report(models.Model):
    """What a professional passes on (the form of domain.md 4.2), or what police staff record
    from the PAIR phone line. Its full content and grading are police-only (D12); a partner sees
    what they submitted and the sanitised version police share with partners."""

    class Channel(models.TextChoices):
        FORM = "form", "Intelligence form"
        PAIR = "pair", "PAIR phone line"

    class Provenance(models.TextChoices):
        SAW = "saw", "I saw or heard it myself"
        TOLD_BY_CHILD = "told_by_child", "A child or young person told me"
        TOLD_BY_OTHER = "told_by_other", "Someone else told me"
        RUMOUR = "rumour", "It is talked about (rumour)"

    class Status(models.TextChoices):
        NEW = "new", "New"
        GRADED = "graded", "Graded"
        CLOSED = "closed", "Outcome recorded"

    class Outcome(models.TextChoices):
        INTELLIGENCE_LOG = "intelligence_log", "Intelligence log"
        CRIME = "crime", "Crime recorded"
        SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral"
        NO_ACTION = "no_action", "No further action"

    # 3x5x2 (D12): the source, the intelligence and the handling code.
    class SourceGrade(models.TextChoices):
        RELIABLE = "1", "1: reliable"
        UNTESTED = "2", "2: untested"
        NOT_RELIABLE = "3", "3: not reliable"

    class IntelligenceGrade(models.TextChoices):
        KNOWN_DIRECTLY = "A", "A: known directly to the source"
        CORROBORATED = "B", "B: known indirectly, corroborated"
        KNOWN_INDIRECTLY = "C", "C: known indirectly"
        NOT_KNOWN = "D", "D: not known"
        SUSPECTED_FALSE = "E", "E: suspected to be false"

    class Handling(models.TextChoices):
        PERMITTED = "P", "P: lawful sharing permitted"
        CONDITIONS = "C", "C: sharing permitted with conditions"

    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.FORM)
    # Who recorded it: the professional, or the police staff member taking a PAIR call.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intelligence_reports"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # A PAIR caller (no account): their name and organisation.
    caller_name = models.CharField(max_length=200, blank=True)
    caller_organisation = models.CharField(max_length=200, blank=True)
    observed_from = models.DateTimeField()
    observed_to = models.DateTimeField(null=True, blank=True)
    pattern = models.CharField("How often, or a pattern", max_length=300, blank=True)
    place = models.CharField("Where", max_length=300, blank=True)
    what_happened = models.TextField("What was seen or heard")
    children_mentioned = models.TextField(
        "Children or young people mentioned", blank=True, help_text="Named or described"
    )
    provenance = models.CharField(max_length=15, choices=Provenance.choices)
    first_hand = models.BooleanField(default=False)
    who_else_knows = models.TextField(blank=True)
    risk_to_source = models.TextField("Any risk to you or the source if this is shared", blank=True)
    # Police handling (police-only, D12).
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    police_reference = models.CharField(max_length=40, blank=True)
    source_grade = models.CharField(max_length=1, choices=SourceGrade.choices, blank=True)
    intelligence_grade = models.CharField(
        max_length=1, choices=IntelligenceGrade.choices, blank=True
    )
    handling = models.CharField(max_length=1, choices=Handling.choices, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    # What partners may read: written by police, shared when police choose.
    sanitised = models.TextField("Sanitised version for partners", blank=True)
    shared_with_partners_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status="new"),
                name="intelligence_new_reports",
            ),
            models.Index(fields=["submitted_by", "-submitted_at"], name="intelligence_submitted"),
            # Hotspots: the reports seen or heard in a period (intelligence/hotspots.py).
            models.Index(fields=["observed_from"], name="intelligence_observed"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("intelligence:report-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"INT-{self.pk:06d}" if self.pk else "Intelligence (new)"

    @property
    def grading(self) -> str:
        """The 3x5x2 code, e.g. "1B P", or "" before police grade it."""
        if not (self.source_grade and self.intelligence_grade and self.handling):
            return ""
        return f"{self.source_grade}{self.intelligence_grade} {self.handling}"


class Entity(models.Model):
    """What every kind of entity has: its normalised key (what matching compares), how it is
    shown, and whether what was typed was well formed (malformed input is kept and flagged)."""

    key = models.CharField(max_length=200, db_index=True)
    display = models.CharField(max_length=300)
    valid = models.BooleanField(default=True)
    problem = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display


class Person(Entity):
    """A person of concern: their name (the key), other names, approximate age, description."""

    name = models.CharField(max_length=200)
    approximate_age = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "people"


class PersonAlias(models.Model):
    """Another name a person of concern is known by (an alias or a nickname), matched by key."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        NICKNAME = "nickname", "Nickname"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, db_index=True)

    def __str__(self) -> str:
        return self.name


class Location(Entity):
    """A place: premises name, type, address and postcode (the key joins postcode and name)."""

    class Kind(models.TextChoices):
        HOUSE = "house", "House or flat"
        PARK = "park", "Park or open space"
        OFF_LICENCE = "off_licence", "Off-licence or shop"
        TAKEAWAY = "takeaway", "Takeaway or café"
        HOTEL = "hotel", "Hotel or B&B"
        TAXI = "taxi", "Taxi office"
        SCHOOL_GATE = "school_gate", "School gate"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.OTHER)
    premises = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    history = HistoricalRecords()


class Vehicle(Entity):
    """A vehicle: a full or partial registration (the key: upper case, no spaces; a partial
    has `?` for each unknown character), make, model and colour."""

    partial = models.BooleanField(default=False)
    # What a partial plate knows from its start (up to its first unknown character; a full plate:
    # all of it): a full plate finds the partials it may be by its own prefixes, with an index.
    prefix = models.CharField(max_length=20, blank=True)
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            # A partial plate finds the full plates it may be with LIKE 'AB12%' / 'AB12C__': a
            # prefix search on the key.
            models.Index(
                fields=["key"],
                name="vehicle_key_pattern",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["prefix"], condition=models.Q(partial=True), name="vehicle_partial_prefix"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(partial=False), name="one_vehicle_per_plate"
            )
        ]


class Phone(Entity):
    """A phone number (the key in E.164)."""

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="one_phone_per_number")]


class OnlineHandle(Entity):
    """A handle on a platform (the key: "platform:handle", lower-cased, no leading @)."""

    platform = models.CharField(max_length=20)
    handle = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="one_handle_per_platform")]


ENTITY_MODELS = (Person, Location, Vehicle, Phone, OnlineHandle)


class Mention(models.Model):
    """An entity named by a report (or by a CSE1, a strategy discussion, a CSE2 or a MACSE item:
    ``source``), with what was said of it there."""

    entity_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    entity_id = models.PositiveBigIntegerField()
    entity = GenericForeignKey("entity_type", "entity_id")
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=40)
    source = GenericForeignKey("source_type", "source_id")
    # D12: a mention in police-only intelligence (a report's full content).
    police_only = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["entity_type", "entity_id"], name="mention_entity"),
            models.Index(fields=["source_type", "source_id"], name="mention_source"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "entity_id", "source_type", "source_id"],
                name="one_mention_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"Mention of {self.entity_type.model} {self.entity_id}"


class EntityLink(models.Model):
    """Two entities joined by the record that joined them (``source``): a person who drives a
    car, a handle a person uses, a place a car is seen at. Stored once per pair and source, the
    pair in a fixed order (the lower content type and id first), so either end finds the link by
    an index."""

    class Relation(models.TextChoices):
        ASSOCIATED = "associated", "Associated with"
        USES = "uses", "Uses"
        DRIVES = "drives", "Drives or is seen in"
        SEEN_AT = "seen_at", "Seen at"
        LIVES_AT = "lives_at", "Lives or stays at"

    first_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    first_id = models.PositiveBigIntegerField()
    first = GenericForeignKey("first_type", "first_id")
    second_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    second_id = models.PositiveBigIntegerField()
    second = GenericForeignKey("second_type", "second_id")
    relation = models.CharField(
        max_length=15, choices=Relation.choices, default=Relation.ASSOCIATED
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=40)
    source = GenericForeignKey("source_type", "source_id")
    police_only = models.BooleanField(default=False)  # D12: made from police-only intelligence
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["first_type", "first_id"], name="entity_link_first"),
            models.Index(fields=["second_type", "second_id"], name="entity_link_second"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "first_type",
                    "first_id",
                    "second_type",
                    "second_id",
                    "source_type",
                    "source_id",
                ],
                name="one_entity_link_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(first_type__lt=models.F("second_type"))
                | (
                    models.Q(first_type=models.F("second_type"))
                    & models.Q(first_id__lt=models.F("second_id"))
                ),
                name="entity_link_in_order",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.first_type.model} {self.first_id} ~ {self.second_type.model} {self.second_id}"
        )


class ChildLink(models.Model):
    """A child joined to an entity, by the record that joined them (``source``: a report, a CSE1,
    a strategy discussion, a CSE2, a MACSE item). Finding every child linked to an entity is an
    indexed lookup (entity type and id)."""

    child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    entity_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    entity_id = models.PositiveBigIntegerField()
    entity = GenericForeignKey("entity_type", "entity_id")
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=40)
    source = GenericForeignKey("source_type", "source_id")
    police_only = models.BooleanField(default=False)  # D12: made from police-only intelligence
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["entity_type", "entity_id"], name="child_link_entity"),
            models.Index(fields=["child"], name="child_link_child"),
            # Hotspots: the links to one kind of entity made in a period (intelligence/hotspots.py).
            models.Index(fields=["entity_type", "created_at"], name="child_link_type_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "entity_type", "entity_id", "source_type", "source_id"],
                name="one_child_link_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} ~ {self.entity_type.model} {self.entity_id}"


class LinkAlert(models.Model):
    """'Children linked': two children joined through the same (or a likely-same) entity,
    raised once per new connection (the pair and the entity). Police-only users see it in full;
    where it rests on police-only intelligence, the Shield team sees only "possible link -
    contact police" (D12)."""

    first_child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    second_child = models.ForeignKey("referrals.Child", on_delete=models.PROTECT, related_name="+")
    entity_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    entity_id = models.PositiveBigIntegerField()
    entity = GenericForeignKey("entity_type", "entity_id")
    # The entity the other child is linked to, when it is a likely-same one (a partial plate, an
    # alias), else the same entity.
    matched_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    matched_id = models.PositiveBigIntegerField()
    likely = models.BooleanField(default=False)  # a likely-same entity, not the same one
    police_only = models.BooleanField(default=False)
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["first_child", "second_child", "entity_type", "entity_id"],
                name="one_alert_per_connection",
            ),
            models.CheckConstraint(
                condition=models.Q(first_child__lt=models.F("second_child")),
                name="alert_children_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Children linked: {self.first_child_id} ~ {self.second_child_id}"


class ReportExport(models.Model):
    """A report sent on to the configured police mailbox (issue 8, item 8): the e-mail carries
    the reference and a link (D21); the PDF is downloaded through the access mechanism. Each
    send is also an audited disclosure naming its recipient."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="exports")
    recipient = models.EmailField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    message = models.ForeignKey(
        "notices.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report.reference} to {self.recipient}"
