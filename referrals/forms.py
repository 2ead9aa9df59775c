from django import forms

from cse_framework.forms import GovukDateField
from referrals.indicators import by_group
from referrals.models import IndicatorResponse, Referral


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
    circumstances = forms.CharField(
        label="What has happened, and what have you seen?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe what has happened and what you have seen"},
    )


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
