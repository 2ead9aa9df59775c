"""The forms of MACSE's meeting and agenda pages. Field names match the errors the services raise
(macse.services), so a refusal shows on its field; a form that changes a versioned record
carries the version it was read at, so a stale save is refused and loses nothing."""

import datetime as dt

from django import forms

from cse_framework.accounts.models import Agency, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.forms import GovukDateField, GovukTimeField
from cse_framework.templatetags.govuk import london, short_date
from cse_framework.timescales.working_time import LONDON
from macse import services
from macse.models import AgendaItem, Attendee
from shield.models import Assessment

Section = AgendaItem.Section


class OwnIds:
    """Several forms share a page: each form's element ids start with its own ``ids``."""

    ids = "id_%s"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", self.ids)
        super().__init__(*args, **kwargs)


class VersionForm(OwnIds, forms.Form):
    """A form about a record read at ``version``."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Meetings ---------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    """A new meeting: when, where, and who chairs it (police)."""

    starts_on = GovukDateField(
        label="Date of the meeting",
        allow_future=True,
        help_text="For example, 10 12 2026",
        error_messages={"required": "Enter the date of the meeting"},
    )
    starts_time = GovukTimeField(
        label="Start time",
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 10:00"},
    )
    venue = forms.CharField(
        label="Venue or call link",
        max_length=300,
        error_messages={"required": "Enter where the meeting is, or its call link"},
    )
    chair = forms.ModelChoiceField(
        label="Chair",
        help_text="A police officer holding the MACSE chair role",
        queryset=User.objects.none(),
        empty_label="Select the chair",
        error_messages={"required": "Select who will chair the meeting"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = (
            User.objects.filter(is_active=True, roles__code=RoleCode.MACSE_CHAIR)
            .distinct()
            .order_by("full_name", "pk")
        )

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["starts_on"], data["starts_time"], tzinfo=LONDON)


class AttendeeForm(OwnIds, forms.Form):
    """An agency's representative to invite: a user of the service, or a named person."""

    ids = "attendee-%s"

    user = forms.ModelChoiceField(
        label="A user of this service",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not a user: enter their name below",
    )
    name = forms.CharField(label="Or their name", max_length=200, required=False)
    agency = forms.ModelChoiceField(
        label="Their agency",
        help_text="Not needed for a user of this service",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Select the agency",
    )
    role = forms.CharField(label="Role (optional)", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, agency__isnull=False)
            .select_related("agency")
            .order_by("full_name", "pk")
        )
        self.fields["user"].label_from_instance = lambda user: f"{user} ({user.agency})"
        self.fields["agency"].queryset = Agency.objects.order_by("name")

    def service_args(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("user", "name", "agency", "role")}


ATTENDED = [
    (code, label)
    for code, label in Attendee.Attendance.choices
    if code != Attendee.Attendance.INVITED
]


class AttendanceForm(OwnIds, forms.Form):
    """Who came: one question per attendee (a question left unanswered changes nothing)."""

    ids = "attendance-%s"

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees = attendees
        for attendee in attendees:
            answered = attendee.attendance != Attendee.Attendance.INVITED
            self.fields[self.name_for(attendee)] = forms.ChoiceField(
                label=f"{attendee.name} ({attendee.agency})",
                choices=ATTENDED,
                widget=forms.RadioSelect,
                required=False,
                initial=attendee.attendance if answered else None,
            )

    @staticmethod
    def name_for(attendee) -> str:
        return f"attendance_{attendee.pk}"

    def attendance(self) -> dict[int, str]:
        answers = {a.pk: self.cleaned_data.get(self.name_for(a)) for a in self.attendees}
        return {pk: value for pk, value in answers.items() if value}


class CloseForm(VersionForm):
    """Agree the minutes and close the meeting."""

    ids = "close-%s"


# --- The agenda -------------------------------------------------------------------------------


class StandingItemForm(OwnIds, forms.Form):
    """A subject under one of the standing items (persons of concern, locations, themes...)."""

    ids = "standing-%s"

    section = forms.ChoiceField(
        label="Under which heading",
        choices=[(section, Section(section).label) for section in services.STANDING],
        error_messages={"required": "Choose the heading"},
    )
    title = forms.CharField(label="What the item is about", max_length=200, required=False)
    details = forms.CharField(
        label="Details (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    police_only = forms.BooleanField(
        label="It is drawn from police-only intelligence: show it only to police-only users",
        required=False,
    )


class ChildItemForm(OwnIds, forms.Form):
    """A child added by hand: a new referral, or a review."""

    ids = "child-%s"

    section = forms.ChoiceField(
        label="Add the child as",
        choices=[(section, Section(section).label) for section in services.CHILD_SECTIONS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the child is a new referral or a review"},
    )
    child = forms.ModelChoiceField(
        label="Child",
        help_text="Children on MACSE, and children whose CSE1 was forwarded to MACSE",
        queryset=None,
        empty_label="Select the child",
        error_messages={"required": "Choose the child"},
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label_from_instance = lambda child: (
            f"{child} (born {short_date(child.date_of_birth)})"
        )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class _Shown(forms.MultipleChoiceField):
    """Values that were shown on the page: any still listed are kept, the others ignored."""

    widget = forms.MultipleHiddenInput

    def validate(self, value):
        pass


class AgendaBuildForm(VersionForm):
    """The agenda's children, chosen from the candidates (D9), all ticked to start with."""

    ids = "agenda-%s"

    referrals = forms.MultipleChoiceField(
        label="New referrals: CSE1s forwarded by MASH before the cut-off",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    children = forms.MultipleChoiceField(
        label="Reviews due by the meeting day",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    deferred = forms.MultipleChoiceField(
        label="Items deferred at earlier meetings",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    leaving = _Shown(required=False)

    def __init__(self, *args, candidates, **kwargs):
        self.candidates = candidates
        self.by_referral = {str(r.pk): r for r in candidates.new_referrals}
        self.by_child = {str(r.entry.child_id): r.entry.child for r in candidates.reviews_due}
        self.by_item = {str(item.pk): item for item in candidates.deferred}
        self.by_entry = {str(entry.pk): entry for entry in candidates.turned_18}
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "referrals": list(self.by_referral),
            "children": list(self.by_child),
            "deferred": list(self.by_item),
            "leaving": list(self.by_entry),
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        self.fields["referrals"].choices = [
            (
                key,
                f"{r.reference}: {r.child}, forwarded {london(r.forwarded_to_macse_at)}",
            )
            for key, r in self.by_referral.items()
        ]
        self.fields["children"].choices = [
            (str(r.entry.child_id), f"{r.entry.child}, review due {london(r.due_at)}")
            for r in candidates.reviews_due
        ]
        self.fields["deferred"].choices = [
            (
                key,
                f"{item.child}, deferred at {item.meeting.reference} "
                f"({short_date(item.meeting.starts_at.astimezone(LONDON))}): "
                f"{item.deferred_reason}",
            )
            for key, item in self.by_item.items()
        ]
        self.fields["leaving"].choices = [(key, key) for key in self.by_entry]

    def chosen(self) -> dict:
        """The service's arguments: a deferred new referral comes back with its CSE1, a
        deferred review as a review."""
        data = self.cleaned_data
        referrals = [self.by_referral[key] for key in data["referrals"]]
        children = [self.by_child[key] for key in data["children"]]
        for key in data["deferred"]:
            item = self.by_item[key]
            if item.referral_id:
                referrals.append(item.referral)
            else:
                children.append(item.child)
        leaving = [self.by_entry[key] for key in data["leaving"] if key in self.by_entry]
        return {"referrals": referrals, "children": children, "leaving": leaving}


class KeepOpenForm(VersionForm):
    """D6: keep a child who has turned 18 on MACSE, for a recorded reason."""

    kept_open_past_18_reason = forms.CharField(
        label="Why does the case stay open to MACSE?",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


# --- An item ----------------------------------------------------------------------------------

TOLD = [("yes", "Yes, the parents are told"), ("no", "No, the parents are not told")]


class ParentsForm(VersionForm):
    """D9: the allocated worker's decision whether the parents are told."""

    ids = "parents-%s"

    told = forms.TypedChoiceField(
        label="Are the parents told the child will be discussed at MACSE?",
        choices=TOLD,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the parents are told"},
    )
    parents_not_told_reason = forms.CharField(
        label="If not, why not?",
        help_text="For example, telling them would expose the child to further harm",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class DecisionForm(VersionForm):
    """The meeting's minutes and decision for a child's item (D11 for a closure)."""

    ids = "decision-%s"

    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Record the minutes of the discussion"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    decision_rationale = forms.CharField(
        label="Reasons for the decision",
        help_text="Needed to step down, close or signpost",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    flag_decision = forms.ChoiceField(
        label="Police CSE flag",
        choices=AgendaItem.FlagDecision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    agencies_directed = forms.ModelMultipleChoiceField(
        label="Agencies not yet involved that the meeting directs in (optional)",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    closure_assessment = forms.ModelChoiceField(
        label="For a closure: the completed CSE2 that shows the risk has reduced",
        help_text="It must be at band Lower, or score below the CSE2 before it",
        queryset=Assessment.objects.none(),
        empty_label="None chosen",
        required=False,
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = services.DECISIONS.get(item.section, ())
        self.fields["decision"].choices = [
            (decision, services.Decision(decision).label) for decision in decisions
        ]
        self.fields["agencies_directed"].queryset = Agency.objects.order_by("name")
        self.fields["closure_assessment"].queryset = Assessment.objects.filter(
            child_id=item.child_id, status=Assessment.Status.COMPLETED
        ).order_by("-completed_at", "-id")
        self.fields["closure_assessment"].label_from_instance = _assessment_label

    @staticmethod
    def service_args(data: dict) -> dict:
        return {
            "minutes": data["minutes"],
            "decision": data["decision"],
            "rationale": data["decision_rationale"],
            "flag_decision": data["flag_decision"] or "",
            "agencies": data["agencies_directed"],
            "closure_assessment": data["closure_assessment"],
            "expected_version": data["version"],
        }


def _assessment_label(assessment: Assessment) -> str:
    direction = assessment.get_direction_display().lower() if assessment.direction else ""
    return (
        f"{assessment}, {short_date(assessment.assessed_on)}: band "
        f"{assessment.get_band_display()}, score {assessment.total}"
        + (f", {direction}" if direction else "")
    )


class DeferForm(VersionForm):
    ids = "defer-%s"

    deferred_reason = forms.CharField(
        label="Why is the item deferred?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MinutesForm(VersionForm):
    ids = "minutes-%s"

    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Record the minutes"},
    )
