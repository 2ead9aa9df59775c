"""CSE2 scoring schemes as data (D1, D2): categories with anchor text and ranges, the judgement
range, bands and floors. A scheme in use is never changed: a new version is added instead."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class BandCode(models.TextChoices):
    LOWER = "lower", "Lower"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


BAND_RANK = {BandCode.LOWER: 1, BandCode.MEDIUM: 2, BandCode.HIGH: 3}


class SchemeInUseError(ValidationError):
    """A scheme an assessment has used cannot change; add a new version instead."""


class ScoringScheme(models.Model):
    """One version of the CSE2's scoring. Exactly one is current: new assessments use it; an
    assessment keeps the version it used."""

    code = models.CharField(max_length=40, unique=True, help_text='For example "CSE2-default-v1"')
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    current = models.BooleanField(default=False)
    judgement_min = models.PositiveSmallIntegerField(default=0)
    judgement_max = models.PositiveSmallIntegerField(default=6)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["current"], condition=models.Q(current=True), name="one_current_scheme"
            ),
            models.CheckConstraint(
                condition=models.Q(judgement_max__gte=models.F("judgement_min")),
                name="judgement_range_is_a_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.assessments.exists()

    @property
    def maximum_total(self) -> int:
        return sum(c.max_score for c in self.categories.all()) + self.judgement_max


class InSchemeRow(models.Model):
    """A part of a scheme: it cannot change once an assessment has used the scheme."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.scheme.in_use:
            raise SchemeInUseError("This scheme has been used by an assessment: add a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.scheme.in_use:
            raise SchemeInUseError("This scheme has been used by an assessment: add a new version")
        return super().delete(*args, **kwargs)


class ScoringCategory(InSchemeRow):
    """A scored category: its range, and anchor text saying what each score means."""

    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="categories")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    min_score = models.PositiveSmallIntegerField(default=0)
    max_score = models.PositiveSmallIntegerField(default=6)
    anchors = models.JSONField(
        default=dict,
        help_text='What each score means: {"0": "No concern", "1-2": ...}',
    )
    evidence_required_above = models.PositiveSmallIntegerField(
        default=0, help_text="Evidence is required for a score above this"
    )

    class Meta:
        ordering = ["scheme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="one_category_number"),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=models.F("min_score")),
                name="category_range_is_a_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def anchor_for(self, score: int) -> str:
        """The anchor text that describes ``score`` ("1-2" covers 1 and 2)."""
        for key, text in self.anchors.items():
            low, _, high = key.partition("-")
            if int(low) <= score <= int(high or low):
                return text
        return ""


class Band(InSchemeRow):
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="bands")
    code = models.CharField(max_length=10, choices=BandCode.choices)
    min_total = models.PositiveSmallIntegerField()
    max_total = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["scheme", "min_total"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="one_band_per_code"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.min_total}-{self.max_total}"


class Floor(InSchemeRow):
    """A rule that lifts the band to at least ``band`` (D2)."""

    class Rule(models.TextChoices):
        UNDER_AGE = "under_age", "Child under the given age at assessment"
        LEARNING_DISABILITY = "learning_disability", "Child has a learning disability"
        CATEGORY_AT_MAXIMUM = "category_at_maximum", "Any category scored at its maximum"
        DISCLOSURE = "disclosure", "Disclosed CSE or an offence"

    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="floors")
    rule = models.CharField(max_length=30, choices=Rule.choices)
    age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For the age rule: under this age"
    )
    band = models.CharField(max_length=10, choices=BandCode.choices)

    class Meta:
        ordering = ["scheme", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "rule"], name="one_floor_per_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.describe()}: at least {self.get_band_display()}"

    def describe(self) -> str:
        if self.rule == self.Rule.UNDER_AGE:
            return f"Child under {self.age} at assessment"
        return self.get_rule_display()
