"""The CSE2 measurement tool: an assessment of a child's risk, scored against the scheme version
it used (D1-D3). A draft may change (every change kept in its history); a completed assessment
never changes: the model refuses, and a database trigger refuses what bypasses the model
(migration 0002). A correction is a new version that names the one it corrects. A team
manager's override of the band is a row of its own, beside the computed band (D2)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from referrals.models import Child, Ethnicity, YesNoNotKnown
from shield.models.scheme import BandCode, ScoringCategory, ScoringScheme


class CompletedAssessmentError(Exception):
    """A completed CSE2 cannot be changed: record a correction (a new version) instead."""


REFUSED = "A completed CSE2 cannot be changed: record a correction instead"


class AssessmentQuerySet(models.QuerySet):
    """``update()`` and ``delete()`` refuse completed assessments, and the refusal is audited
    (the database refuses too, for whatever goes around this)."""

    def _refuse_completed(self) -> None:
        completed = self.filter(status="completed").first()
        if completed is not None:
            from cse_framework.audit.services import record_refused_change

            record_refused_change(user=None, obj=completed, reason=REFUSED)
            raise CompletedAssessmentError(REFUSED)

    def update(self, **kwargs):
        self._refuse_completed()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_completed()
        return super().delete()


class Assessment(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial"
        REVIEW = "review", "Review (every 3 months)"
        INCIDENT = "incident", "After an incident"
        CLOSURE = "closure", "Closure"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    class Engagement(models.TextChoices):
        ENGAGED = "engaged", "Willing to engage"
        PARTLY = "partly", "Partly willing to engage"
        NOT_ENGAGED = "not_engaged", "Not willing to engage"
        NOT_KNOWN = "not_known", "Not known"

    class Direction(models.TextChoices):
        FIRST = "first", "First assessment"
        INCREASED = "increased", "Risk increased"
        DECREASED = "decreased", "Risk decreased"
        SAME = "same", "Risk stayed the same"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    assessed_on = models.DateField()
    reason = models.TextField("Reason for the assessment", blank=True)
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # What D2's floors read.
    learning_disability = models.BooleanField(default=False)
    disclosure = models.BooleanField("Disclosed CSE or an offence", default=False)
    judgement_score = models.PositiveSmallIntegerField(
        "Professional judgement", null=True, blank=True
    )
    judgement_rationale = models.TextField("Rationale for the judgement score", blank=True)
    # The young person's voice.
    young_person_views = models.TextField("Wishes and feelings", blank=True)
    young_person_understanding = models.TextField("Understanding of the risks", blank=True)
    willingness_to_engage = models.CharField(
        max_length=12, choices=Engagement.choices, default=Engagement.NOT_KNOWN
    )
    views_not_sought_reason = models.TextField(
        "Why the young person's views could not be sought", blank=True
    )
    score_changed_after_views = models.TextField(
        "Any change to the score after hearing the young person", blank=True
    )
    # Computed at completion, with the scheme version used; never typed.
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    computed_band = models.CharField(max_length=10, choices=BandCode.choices, blank=True)
    floor_band = models.CharField(max_length=10, choices=BandCode.choices, blank=True)
    floor_reason = models.TextField(blank=True)
    band = models.CharField(max_length=10, choices=BandCode.choices, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    sequence = models.PositiveIntegerField(
        null=True, blank=True, help_text="The child's version number, given at completion"
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(
                    total__isnull=False,
                    sequence__isnull=False,
                    completed_at__isnull=False,
                    judgement_score__isnull=False,
                )
                & ~models.Q(band=""),
                name="completed_assessment_has_its_result",
            ),
            models.UniqueConstraint(
                fields=["child", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="one_version_number_per_child",
            ),
        ]
        indexes = [
            # A child's latest completed CSE2 (a caseload row shows its band, total and date)
            # read from the index alone, in the order it is asked for.
            models.Index(
                fields=["child", "-completed_at", "-id"],
                condition=models.Q(status="completed"),
                include=["band", "total", "assessed_on"],
                name="assessment_latest_completed",
            ),
            models.Index(fields=["-created_at", "id"], name="assessment_newest"),
        ]

    def __str__(self) -> str:
        if self.sequence:
            return f"CSE2 version {self.sequence} ({self.get_kind_display().lower()})"
        return f"CSE2 draft ({self.get_kind_display().lower()})"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = Assessment.objects.filter(pk=self.pk, status="completed").first()
            if stored is not None and not self._only_moved_to_another_record(stored):
                raise CompletedAssessmentError(REFUSED)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("shield:assessment-detail", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        if Assessment.objects.filter(pk=self.pk, status="completed").exists():
            raise CompletedAssessmentError("A completed CSE2 is never deleted")
        return super().delete(*args, **kwargs)

    def _only_moved_to_another_record(self, stored: "Assessment") -> bool:
        """Whether the one change is the register record it belongs to: when two records of one
        child are merged, a completed CSE2 moves to the kept record, all else unchanged (ADR
        0008; the database's trigger allows the same and nothing more)."""
        return self.child_id != stored.child_id and all(
            field.value_from_object(self) == field.value_from_object(stored)
            for field in self._meta.concrete_fields
            if field.name != "child"
        )

    @property
    def reference(self) -> str:
        return f"CSE2-{self.pk:06d}"

    @property
    def completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class PartOfAssessment(models.Model):
    """A row of an assessment: it changes only while the assessment is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_completed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_completed()
        return super().delete(*args, **kwargs)

    def _refuse_if_completed(self) -> None:
        if Assessment.objects.filter(pk=self.assessment_id, status="completed").exists():
            raise CompletedAssessmentError(REFUSED)


class CategoryScore(PartOfAssessment):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="scores")
    category = models.ForeignKey(ScoringCategory, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    evidence = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "category"], name="one_score_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.score}"


class AssessmentAttendee(PartOfAssessment):
    """Who took part in the assessment, by agency."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attendees")
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class MonitoringRecord(PartOfAssessment):
    """The data-monitoring back page (section 2.7): what the quarterly return counts, as it was
    when the assessment was made. Details of the child are copied at completion; the rest the
    worker records."""

    class Living(models.TextChoices):
        HOME = "home", "At home"
        FAMILY = "family", "With another family member"
        FOSTER = "foster", "Foster care"
        RESIDENTIAL = "residential", "Residential care"
        SEMI_INDEPENDENT = "semi_independent", "Semi-independent or independent"
        HOMELESS = "homeless", "Homeless"
        NOT_KNOWN = "not_known", "Not known"

    class AgencyStatus(models.TextChoices):
        NOT_OPEN = "not_open", "Not open"
        EARLY_HELP = "early_help", "Early help (level 2 or 3)"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection"
        LOOKED_AFTER = "looked_after", "Looked after"

    class Education(models.TextChoices):
        SCHOOL = "school", "In school"
        PRU = "pru", "Pupil referral unit"
        COLLEGE = "college", "College or training"
        PART_TIME = "part_time", "Part-time timetable"
        EXCLUDED = "excluded", "Excluded"
        NEET = "neet", "Not in education, employment or training"
        NOT_KNOWN = "not_known", "Not known"

    class Perpetrators(models.TextChoices):
        LONE = "lone", "A lone perpetrator"
        GROUP = "group", "A group"
        NOT_KNOWN = "not_known", "Not known"

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="monitoring"
    )
    # Recorded by the worker.
    sexual_identity = models.CharField(max_length=100, blank=True)
    nationality = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    online_element = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default="not_known"
    )
    perpetrators = models.CharField(
        max_length=10, choices=Perpetrators.choices, default=Perpetrators.NOT_KNOWN
    )
    living_situation = models.CharField(
        max_length=20, choices=Living.choices, default=Living.NOT_KNOWN
    )
    placed_out_of_area = models.BooleanField(default=False)
    agency_status = models.CharField(
        max_length=20, choices=AgencyStatus.choices, default=AgencyStatus.NOT_OPEN
    )
    education = models.CharField(max_length=12, choices=Education.choices, default="not_known")
    substance_misuse = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default="not_known"
    )
    mental_health_concerns = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default="not_known"
    )
    offending = models.CharField(
        "Offending or youth offending involvement",
        max_length=10,
        choices=YesNoNotKnown.choices,
        default="not_known",
    )
    domestic_violence = models.CharField(
        "Domestic violence in the family",
        max_length=10,
        choices=YesNoNotKnown.choices,
        default="not_known",
    )
    # Copied from the records at completion, so a later change never alters a past return (D20).
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Child.Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=10, choices=YesNoNotKnown.choices, blank=True)
    looked_after = models.BooleanField(null=True, blank=True)
    legal_status = models.CharField(max_length=5, choices=Child.LegalStatus.choices, blank=True)
    placing_authority = models.CharField(max_length=200, blank=True)
    models_of_exploitation = models.JSONField(default=list, blank=True)
    missing_episodes_3_months = models.PositiveSmallIntegerField(null=True, blank=True)
    return_interviews_3_months = models.PositiveSmallIntegerField(null=True, blank=True)
    referral_source = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_referred_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Data monitoring for {self.assessment}"


class BandOverride(models.Model):
    """A Shield team manager's override of a completed assessment's band, with the reason (D2).
    Kept beside the computed band; a later override replaces it on screen, and both are kept."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="overrides")
    band = models.CharField(max_length=10, choices=BandCode.choices)
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"Band overridden to {self.get_band_display()}"


__all__ = [
    "Assessment",
    "AssessmentAttendee",
    "BandOverride",
    "CategoryScore",
    "CompletedAssessmentError",
    "MonitoringRecord",
]
