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
from strategy.models import AgreedAction, Participant, StrategyDiscussion, StrategyMeeting


def _chairs():
    return User.objects.filter(
        is_active=True,
        roles__code__in=[RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER],
    ).order_by("full_name")


def _at(date: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(date, time, tzinfo=LONDON)


def _when(label: str):
    """A date and a time of day, entered as the Design System asks."""
    return (
        GovukDateField(
            label=f"Date {label}",
            allow_future=label == "of the meeting",
            error_messages={"required": f"Enter the date {label}"},
        ),
        GovukTimeField(
            label=f"Time {label}",
            error_messages={
                "required": f"Enter the time {label}",
                "invalid": "Enter a time like 14:30",
            },
        ),
    )


class DiscussionForm(SectionedFormMixin, forms.Form):
    """A strategy discussion as held: when, who chaired, what was weighed and decided."""

    sections = [
        ("When and who", ["held_on", "held_time", "chair", "not_compliant_reason"]),
        ("What was considered", ["information_considered", "risk_to_others"]),
        ("Decisions", ["outcomes", "rationale"]),
    ]
    held_on, held_time = _when("it was held")
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
        self.fields["chair"].queryset = _chairs()

    def held_at(self) -> dt.datetime:
        return _at(self.cleaned_data["held_on"], self.cleaned_data["held_time"])


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


class InviteeForm(forms.ModelForm):
    """Someone to invite: a user of the service (told by a notice), or a named person and
    agency without an account."""

    class Meta:
        model = Participant
        fields = ["user", "name", "agency", "role"]
        labels = {
            "user": "A user of this service",
            "name": "Or a name",
            "agency": "Their agency",
            "role": "Role (optional)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["name"].required = False
        self.fields["agency"].required = False

    def clean(self):
        data = super().clean()
        user = data.get("user")
        if user is not None:
            data["name"] = data.get("name") or user.full_name
            data["agency"] = data.get("agency") or user.agency
        if not data.get("name"):
            self.add_error("name", "Choose a user, or enter the person's name")
        elif not data.get("agency"):
            self.add_error("agency", "Select the person's agency")
        return data


class MeetingScheduleForm(forms.Form):
    scheduled_on, scheduled_time = _when("of the meeting")
    venue = forms.CharField(
        label="Venue or call link",
        max_length=300,
        error_messages={"required": "Enter where the meeting is, or its call link"},
    )
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=User.objects.none(),
        empty_label="Select the chair",
        error_messages={"required": "Select who will chair it"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _chairs()

    def scheduled_for(self) -> dt.datetime:
        return _at(self.cleaned_data["scheduled_on"], self.cleaned_data["scheduled_time"])


ATTENDED = [
    (code, label)
    for code, label in Participant.Attendance.choices
    if code != Participant.Attendance.INVITED
]


class MeetingRecordForm(SectionedFormMixin, forms.Form):
    """The meeting as held: one attendance question for each person invited, then the minutes
    and decisions."""

    held_on, held_time = _when("it was held")
    not_compliant_reason = DiscussionForm.base_fields["not_compliant_reason"]
    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Record the minutes"},
    )
    outcomes = forms.MultipleChoiceField(
        label="Decisions (select all that apply)",
        choices=StrategyMeeting.Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one decision"},
    )
    rationale = DiscussionForm.base_fields["rationale"]
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitees = invitees
        for person in invitees:
            self.fields[f"attendance_{person.pk}"] = forms.ChoiceField(
                label=f"{person.name} ({person.agency})",
                choices=ATTENDED,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether {person.name} came"},
            )
        self.sections = [
            ("When", ["held_on", "held_time"]),
            ("Who came", [f"attendance_{person.pk}" for person in invitees]),
            ("Minutes and decisions", ["minutes", "outcomes", "rationale"]),
            ("If police or health did not attend", ["not_compliant_reason"]),
        ]

    def held_at(self) -> dt.datetime:
        return _at(self.cleaned_data["held_on"], self.cleaned_data["held_time"])

    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"attendance_{p.pk}"] for p in self.invitees}


class AmendForm(forms.Form):
    """What a held record says, to correct it; after sign-off, with the reason."""

    reason = forms.CharField(
        label="Why is it being amended?",
        help_text="Required once the record has been signed off. The amendment is kept.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, record, **kwargs):
        kwargs.setdefault(
            "initial",
            {"version": record.version, **{f: getattr(record, f) for f in record.AMENDABLE}},
        )
        super().__init__(*args, **kwargs)
        self.record = record
        for name in record.AMENDABLE:
            model_field = type(record)._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name.capitalize(),
                widget=forms.Textarea(attrs={"rows": 5}),
                required=not model_field.blank,
            )
        self.order_fields([*record.AMENDABLE, "reason"])

    def changes(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.record.AMENDABLE}


ParticipantFormSet = forms.formset_factory(ParticipantForm, formset=OptionalRowsFormSet, extra=5)
InviteeFormSet = forms.formset_factory(InviteeForm, formset=OptionalRowsFormSet, extra=6)
ActionFormSet = forms.formset_factory(ActionForm, formset=OptionalRowsFormSet, extra=3)
