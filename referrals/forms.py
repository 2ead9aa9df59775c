from django import forms
from django.utils import timezone

from cse_framework.forms import GovukDateField
from referrals import rules
from referrals.indicators import by_group
from referrals.models import IndicatorResponse, Referral

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class ReferralStartForm(forms.Form):
    """The child as the referrer knows them, and the referrer's concern (CSE1, first page)."""

    child_given_names = forms.CharField(
        label="Child's first name",
        max_length=100,
        error_messages={"required": "Enter the child's first name"},
    )
    child_family_name = forms.CharField(
        label="Child's last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name"},
    )
    child_date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 2012. If you do not know it, estimate it.",
        error_messages={"required": "Enter the child's date of birth"},
    )
    child_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    level_of_concern = forms.ChoiceField(
        label="Your level of concern",
        choices=Referral.Concern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your level of concern"},
    )
    emergency = forms.BooleanField(
        label="This is an emergency: the child needs protecting now",
        required=False,
        help_text="If a child is in immediate danger, call the police on 999 first.",
    )
    models_of_exploitation = forms.MultipleChoiceField(
        label="Suspected model of exploitation (select all that apply)",
        choices=Referral.Model.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.ChoiceField(
        label="Who consented to this information being shared?",
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
        help_text="Sharing never waits for consent when a child is at risk of significant harm.",
        error_messages={"required": "Select who consented to sharing, or why it was not needed"},
    )
    consent_override_reason = forms.CharField(
        label="If you are sharing without consent, why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    parents_aware = forms.TypedChoiceField(
        label="Do the child's parents or carers know about this referral?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the parents or carers know"},
    )
    parents_not_told_reason = forms.CharField(
        label="If the child is under 13 and the parents will not be told, why?",
        help_text="Parents of a child under 13 must be told, unless that would expose the child "
        "to further significant harm.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    young_person_aware = forms.TypedChoiceField(
        label="Does the child or young person know about this referral?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child or young person knows"},
    )
    circumstances = forms.CharField(
        label="What has happened, and what have you seen?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe what has happened and what you have seen"},
    )

    def clean(self):
        data = super().clean()
        born = data.get("child_date_of_birth")
        if born and data.get("consent") and "parents_aware" in data:
            errors = rules.consent_and_parents_errors(
                age=rules.age_on(born, timezone.localdate()),
                consent=data["consent"],
                consent_override_reason=data.get("consent_override_reason", ""),
                parents_aware=data["parents_aware"],
                parents_not_told_reason=data.get("parents_not_told_reason", ""),
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return data


class IndicatorChecklistForm(forms.Form):
    """The indicator checklist of domain.md 1.3: is each indicator present?"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for group, indicators in by_group().items():
            names = []
            for indicator in indicators:
                self.fields[indicator.code] = forms.ChoiceField(
                    label=indicator.label,
                    choices=IndicatorResponse.Present.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                names.append(indicator.code)
            self.groups.append((group, names))

    def grouped_fields(self):
        from referrals.indicators import GROUPS

        return [(GROUPS[group], [self[name] for name in names]) for group, names in self.groups]


class TriageForm(forms.Form):
    """MASH's level of concern and decision, with a rationale (the framework's triage step)."""

    level_of_concern = forms.ChoiceField(
        label="MASH's level of concern",
        choices=Referral.Concern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select MASH's level of concern"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=Referral.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    rationale = forms.CharField(
        label="Why this decision?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the reason for the decision"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
