import datetime as dt

from django import forms

from cse_framework.accounts.models import Agency, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.forms import (
    GovukDateField,
    GovukTimeField,
    OptionalRowsFormSet,
    SectionedFormMixin,
)
from cse_framework.timescales.working_time import LONDON
from strategy.models import AgreedAction, Participant, StrategyDiscussion


class DiscussionForm(SectionedFormMixin, forms.Form):
    """A strategy discussion as held: when, who chaired, what was weighed and decided."""

    sections = [
        ("When and who", ["held_on", "held_time", "chair", "not_compliant_reason"]),
        ("What was considered", ["information_considered", "risk_to_others"]),
        ("Decisions", ["outcomes", "rationale"]),
    ]
    held_on = GovukDateField(
        label="Date it was held", error_messages={"required": "Enter the date it was held"}
    )
    held_time = GovukTimeField(
        label="Time it was held",
        error_messages={
            "required": "Enter the time it was held",
            "invalid": "Enter a time like 14:30",
        },
    )
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=User.objects.none(),
        empty_label="Select the chair",
        error_messages={"required": "Select who chaired it"},
    )
    not_compliant_reason = forms.CharField(
        label="If police or health did not take part, why? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    information_considered = forms.CharField(
        label="Information considered",
        help_text="The CSE1's risks are filled in; add what each agency shared.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Record the information considered"},
    )
    risk_to_others = forms.CharField(
        label="Risk the young person may pose to others",
        help_text="Including being used to introduce other children.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record the risk to others, or that none was found"},
    )
    outcomes = forms.MultipleChoiceField(
        label="Outcomes (select all that apply)",
        choices=StrategyDiscussion.Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one outcome"},
    )
    rationale = forms.CharField(
        label="Why these decisions?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for the decisions"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = User.objects.filter(
            is_active=True,
            roles__code__in=[RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER],
        ).order_by("full_name")

    def held_at(self) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["held_on"], data["held_time"], tzinfo=LONDON)


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["name", "agency", "role"]
        labels = {"name": "Name", "agency": "Agency", "role": "Role (optional)"}
        error_messages = {
            "name": {"required": "Enter the participant's name"},
            "agency": {"required": "Select the participant's agency"},
        }


class ActionForm(forms.ModelForm):
    due_on = GovukDateField(label="Due by", allow_future=True, required=False)

    class Meta:
        model = AgreedAction
        fields = ["description", "owner", "owner_name", "owner_agency", "due_on"]
        labels = {
            "description": "Action",
            "owner": "Owner (a user of this service)",
            "owner_name": "Or a named contact without an account",
            "owner_agency": "The contact's agency",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["owner_agency"].queryset = Agency.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("due_on"):
            self.add_error("due_on", "Give the action a due date")
        return data


ParticipantFormSet = forms.formset_factory(ParticipantForm, formset=OptionalRowsFormSet, extra=5)
ActionFormSet = forms.formset_factory(ActionForm, formset=OptionalRowsFormSet, extra=3)
