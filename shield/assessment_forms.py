"""The CSE2's forms: starting one, the whole draft in one sectioned form that works without
JavaScript, and a Shield team manager's override of the band. Field validation only: the
scoring rules (ranges, evidence, what completion needs) are the service's, shown as field
errors through add_service_errors."""

from django import forms
from django.db.models import Q

from cse_framework.accounts.models import Agency, User
from cse_framework.forms import (
    GovukDateField,
    OptionalRowsFormSet,
    SectionedFormMixin,
)
from shield.assessment_selectors import MONITORING_LABELS
from shield.models import Assessment, AssessmentAttendee, MonitoringRecord
from shield.models.scheme import BandCode, Floor
from shield.services import DRAFT_FIELDS, MONITORING_ENTERED

INLINE_RADIOS = "shield/_assessment_inline_radios.html"


class AssessmentStartForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of CSE2 is this?",
        choices=Assessment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of CSE2"},
    )
    assessed_on = GovukDateField(
        label="Date of the assessment",
        help_text="The day it was carried out, for example 27 3 2026",
        error_messages={"required": "Enter the date of the assessment"},
    )
    reason = forms.CharField(
        label="Reason for the assessment (optional)",
        help_text="For example, the incident that made a review necessary.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class LeadProfessionalField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.agency})" if obj.agency_id else obj.full_name


def _anchors_text(category) -> str:
    """ "0 means no concern; 1-2 some concern; ..." from the category's anchor text."""
    parts = [f"{key} {text[:1].lower()}{text[1:]}" for key, text in category.anchors.items()]
    if parts:
        parts[0] = parts[0].replace(" ", " means ", 1)
    return "; ".join(parts)


def _score_field(*, label: str, low: int, high: int, help_text: str, invalid: str):
    field = forms.TypedChoiceField(
        label=label,
        choices=[(str(value), str(value)) for value in range(low, high + 1)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"invalid_choice": invalid},
    )
    field.template_name = INLINE_RADIOS
    return field


YES_NO_NOT_KNOWN = {
    "online_element",
    "substance_misuse",
    "mental_health_concerns",
    "offending",
    "domestic_violence",
}


def _monitoring_field(name: str):
    field = MonitoringRecord._meta.get_field(name).formfield(label=MONITORING_LABELS[name])
    if isinstance(field, forms.ChoiceField):
        field.widget = forms.RadioSelect(choices=field.choices)
        field.error_messages["required"] = f"Select {MONITORING_LABELS[name].lower()}"
        if name in YES_NO_NOT_KNOWN or name == "perpetrators":
            field.template_name = INLINE_RADIOS
    elif isinstance(field, forms.CharField):
        field.label = f"{MONITORING_LABELS[name]} (optional)"
        field.widget.attrs["class"] = "govuk-input--width-20"
    return field


def _floor_hint(floors: list[Floor], rule: str) -> str:
    for floor in floors:
        if floor.rule == rule:
            return f"If so, the band is at least {floor.get_band_display()}."
    return ""


class AssessmentForm(SectionedFormMixin, forms.Form):
    """The whole draft: about the assessment, the scores with their evidence, the professional
    judgement, what lifts the band, the young person's voice and the data-monitoring record.
    Who took part is a formset beside it."""

    kind = AssessmentStartForm.base_fields["kind"]
    assessed_on = AssessmentStartForm.base_fields["assessed_on"]
    reason = forms.CharField(
        label="Reason for the assessment (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    lead_professional = LeadProfessionalField(
        label="Lead professional",
        help_text="Who talks with the young person and leads the assessment.",
        queryset=User.objects.none(),
        empty_label="Select the lead professional",
        error_messages={"required": "Select the lead professional"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assessment: Assessment, categories, floors=(), **kwargs):
        kwargs.setdefault("initial", self.initial_for(assessment))
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.categories = list(categories)
        scheme = assessment.scheme
        self.fields["lead_professional"].queryset = (
            User.objects.filter(Q(is_active=True) | Q(pk=assessment.lead_professional_id))
            .select_related("agency")
            .order_by("full_name")
        )
        score_names = []
        for category in self.categories:
            n = category.number
            hint = " ".join(
                part for part in (category.guidance, f"{_anchors_text(category)}.") if part
            )
            self.fields[f"score_{n}"] = _score_field(
                label=f"{n}. {category.name}",
                low=category.min_score,
                high=category.max_score,
                help_text=hint,
                invalid=(
                    f"{category.name}: enter a score from {category.min_score} "
                    f"to {category.max_score}"
                ),
            )
            self.fields[f"evidence_{n}"] = forms.CharField(
                label=f"Evidence for {n}. {category.name}",
                help_text=f"Needed for a score above {category.evidence_required_above}.",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )
            score_names += [f"score_{n}", f"evidence_{n}"]
        self.fields["judgement_score"] = _score_field(
            label="Professional judgement score",
            low=scheme.judgement_min,
            high=scheme.judgement_max,
            help_text=(
                "Your judgement of the whole picture. It adds to the total and never lowers it."
            ),
            invalid=(
                f"Enter a judgement score from {scheme.judgement_min} to {scheme.judgement_max}"
            ),
        )
        self.fields["judgement_rationale"] = forms.CharField(
            label="Rationale for the judgement score",
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
        )
        self.fields["learning_disability"] = forms.BooleanField(
            label="The young person has a learning disability",
            help_text=_floor_hint(floors, Floor.Rule.LEARNING_DISABILITY),
            required=False,
        )
        self.fields["disclosure"] = forms.BooleanField(
            label="The young person has disclosed CSE or an offence",
            help_text=_floor_hint(floors, Floor.Rule.DISCLOSURE),
            required=False,
        )
        self.fields["young_person_views"] = forms.CharField(
            label="The young person's wishes and feelings",
            help_text="What they said, in their words where you can.",
            widget=forms.Textarea(attrs={"rows": 5}),
            required=False,
        )
        self.fields["young_person_understanding"] = forms.CharField(
            label="Their understanding of the risks (optional)",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
        )
        self.fields["willingness_to_engage"] = forms.ChoiceField(
            label="Their willingness to engage",
            choices=Assessment.Engagement.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Select their willingness to engage"},
        )
        self.fields["views_not_sought_reason"] = forms.CharField(
            label="If their views could not be sought, why not?",
            help_text="Needed to complete the CSE2 without their wishes and feelings.",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
        )
        self.fields["score_changed_after_views"] = forms.CharField(
            label="Any change to the score after hearing the young person (optional)",
            help_text="Which score you changed, from what to what, and why.",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
        )
        for name in MONITORING_ENTERED:
            self.fields[name] = _monitoring_field(name)
        self.sections = [
            ("About the assessment", ["kind", "assessed_on", "reason", "lead_professional"]),
            ("Scores", score_names),
            ("Professional judgement", ["judgement_score", "judgement_rationale"]),
            ("What lifts the band", ["learning_disability", "disclosure"]),
            (
                "The young person's voice",
                [
                    "young_person_views",
                    "young_person_understanding",
                    "willingness_to_engage",
                    "views_not_sought_reason",
                    "score_changed_after_views",
                ],
            ),
            ("Data monitoring", list(MONITORING_ENTERED)),
        ]
        # The error summary lists errors in the order the page shows the fields.
        self.order_fields([name for _, names in self.sections for name in names])

    @staticmethod
    def initial_for(assessment: Assessment) -> dict:
        initial = {name: getattr(assessment, name) for name in DRAFT_FIELDS}
        initial["lead_professional"] = assessment.lead_professional_id
        initial["version"] = assessment.version
        for row in assessment.scores.select_related("category"):
            initial[f"score_{row.category.number}"] = str(row.score)
            initial[f"evidence_{row.category.number}"] = row.evidence
        if assessment.judgement_score is not None:
            initial["judgement_score"] = str(assessment.judgement_score)
        monitoring = getattr(assessment, "monitoring", None)
        if monitoring is not None:
            initial.update({name: getattr(monitoring, name) for name in MONITORING_ENTERED})
        return initial

    def clean(self):
        data = super().clean()
        for category in self.categories:
            name = f"score_{category.number}"
            evidence = (data.get(f"evidence_{category.number}") or "").strip()
            if evidence and data.get(name) is None and name not in self.errors:
                self.add_error(
                    name, f"{category.name}: choose a score, or the evidence you typed is not kept"
                )
        return data

    def add_problems(self, problems: dict) -> None:
        """Show what stops completion (shield.services.assessment_completion_problems) beside
        the errors the form already shows: a field the form refused keeps its own error, and a
        category whose score or evidence it refused is not judged again."""
        refused = set(self.errors)
        for category in self.categories:
            pair = {f"score_{category.number}", f"evidence_{category.number}"}
            if pair & refused:
                refused |= pair
        for name, message in problems.items():
            if name not in self.fields:
                self.add_error(None, message)
            elif name not in refused:
                self.add_error(name, message)

    # What the service takes: every field of a valid form; of an invalid one, those it
    # accepted (the service reads the stored draft for the others).

    def draft_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in DRAFT_FIELDS if name in self.cleaned_data}

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.number: (
                self.cleaned_data[f"score_{c.number}"],
                self.cleaned_data.get(f"evidence_{c.number}", ""),
            )
            for c in self.categories
            if f"score_{c.number}" in self.cleaned_data
        }

    def monitoring(self) -> dict:
        return {name: self.cleaned_data[name] for name in MONITORING_ENTERED}


class AttendeeForm(forms.ModelForm):
    class Meta:
        model = AssessmentAttendee
        fields = ["name", "agency", "role"]
        labels = {"name": "Name", "agency": "Agency", "role": "Role (optional)"}
        error_messages = {
            "name": {"required": "Enter the name of the person who took part"},
            "agency": {"required": "Select the agency of the person who took part"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["agency"].empty_label = "Select the agency"


AttendeeFormSet = forms.formset_factory(AttendeeForm, formset=OptionalRowsFormSet, extra=3)


def attendee_initial(assessment: Assessment) -> list[dict]:
    return [
        {"name": person.name, "agency": person.agency_id, "role": person.role}
        for person in assessment.attendees.all()
    ]


class BandOverrideForm(forms.Form):
    band = forms.ChoiceField(
        label="What should the band be?",
        choices=BandCode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the band"},
    )
    reason = forms.CharField(
        label="Why are you overriding the computed band?",
        help_text="The reason is kept with the override and shown beside the computed band.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the reason for overriding the band"},
    )


class CompareForm(forms.Form):
    """Which two versions to compare (a GET form: the choices are record numbers only)."""

    a = forms.TypedChoiceField(label="Compare", coerce=int)
    b = forms.TypedChoiceField(label="With", coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].choices = choices
