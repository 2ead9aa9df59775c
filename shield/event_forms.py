"""Forms for a child's Shield events: field validation and layout only; the rules are in
shield.event_services. A date field carries the service's name for the datetime it makes, so a
service error lands on it."""

import datetime as dt

from django import forms

from cse_framework.accounts.models import Agency
from cse_framework.forms import GovukDateField, GovukTimeField, SectionedFormMixin
from cse_framework.timescales.working_time import LONDON
from referrals.models import Referral
from shield.models import Flag, MissingEpisode
from shield.models.scheme import BandCode

YES_NO = [("yes", "Yes"), ("no", "No")]


def _at(date: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    return dt.datetime.combine(date, time, tzinfo=LONDON) if date and time else None


def _date(label: str, what: str, **kwargs) -> GovukDateField:
    return GovukDateField(
        label=label,
        help_text="For example, 27 3 2026",
        error_messages={"required": f"Enter the date {what}"},
        **kwargs,
    )


def _time(label: str, what: str, **kwargs) -> GovukTimeField:
    return GovukTimeField(
        label=label,
        error_messages={"required": f"Enter the time {what}", "invalid": "Enter a time like 14:30"},
        **kwargs,
    )


def _text(label: str, *, rows: int = 4, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class IncidentForm(SectionedFormMixin, forms.Form):
    """A new CSE incident. The new CSE1 it needs is started from it: its consent to share (D8)
    is asked here; the rest of the CSE1 comes next."""

    sections = [
        ("The incident", ["occurred_at", "occurred_time", "description"]),
        ("Consent to share, for the new CSE1", ["consent", "consent_override_reason"]),
    ]
    occurred_at = _date("Date of the incident", "of the incident")
    occurred_time = _time("Time of the incident", "of the incident")
    description = _text(
        "What happened",
        rows=6,
        help_text="This starts the 'what has happened' box of the new CSE1.",
        error_messages={"required": "Describe the incident"},
    )
    consent = forms.ChoiceField(
        label="Who consented to sharing, or why consent was not needed",
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who consented to sharing, or why consent was not needed"
        },
    )
    consent_override_reason = _text(
        "If sharing without consent, why? (optional)", rows=3, required=False
    )

    def occurred(self) -> dt.datetime:
        return _at(self.cleaned_data["occurred_at"], self.cleaned_data["occurred_time"])


class MissingEpisodeForm(SectionedFormMixin, forms.Form):
    """A missing-from-home (or care) episode; the return and the return home interview may be
    added later."""

    sections = [
        (
            "Missing",
            ["went_missing_at", "went_missing_time", "reported_to_police"],
        ),
        ("Return", ["returned_at", "returned_time"]),
        ("Return home interview", ["interview_done", "interview_by", "interview_on"]),
        ("Notes", ["notes"]),
    ]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    went_missing_at = _date("Date they went missing", "they went missing")
    went_missing_time = _time("Time they went missing", "they went missing")
    reported_to_police = forms.TypedChoiceField(
        label="Reported to the police?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the police were told"},
    )
    returned_at = _date("Date they returned (if they have)", "they returned", required=False)
    returned_time = _time("Time they returned", "they returned", required=False)
    interview_done = forms.BooleanField(label="The return home interview was done", required=False)
    interview_by = forms.CharField(
        label="Who did the interview",
        help_text="Name and agency",
        max_length=200,
        required=False,
    )
    interview_on = _date("Date of the interview", "of the interview", required=False)
    notes = _text("Notes (optional)", rows=3, required=False)

    @classmethod
    def initial_for(cls, episode: MissingEpisode) -> dict:
        went = episode.went_missing_at.astimezone(LONDON)
        back = episode.returned_at.astimezone(LONDON) if episode.returned_at else None
        return {
            "version": episode.version,
            "went_missing_at": went.date(),
            "went_missing_time": went.strftime("%H:%M"),
            "reported_to_police": "yes" if episode.reported_to_police else "no",
            "returned_at": back.date() if back else None,
            "returned_time": back.strftime("%H:%M") if back else None,
            "interview_done": episode.interview_done,
            "interview_by": episode.interview_by,
            "interview_on": episode.interview_on,
            "notes": episode.notes,
        }

    def clean(self):
        data = super().clean()
        if data.get("returned_at") and not data.get("returned_time"):
            self.add_error("returned_time", "Enter the time they returned")
        if data.get("returned_time") and not data.get("returned_at"):
            self.add_error("returned_at", "Enter the date they returned")
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "went_missing_at": _at(data["went_missing_at"], data["went_missing_time"]),
            "returned_at": _at(data.get("returned_at"), data.get("returned_time")),
            "reported_to_police": data["reported_to_police"],
            "interview_done": data["interview_done"],
            "interview_by": data["interview_by"],
            "interview_on": data.get("interview_on"),
            "notes": data["notes"],
        }


class FlagForm(forms.Form):
    """A flag on an agency's systems: its kind, agency, risk level, rationale and date."""

    kind = forms.ChoiceField(
        label="Which flag",
        choices=Flag.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which flag"},
    )
    agency = forms.ModelChoiceField(
        label="Agency whose systems hold the flag",
        queryset=Agency.objects.order_by("name"),
        empty_label="Select the agency",
        error_messages={"required": "Select the agency"},
    )
    risk_level = forms.ChoiceField(
        label="Risk level",
        choices=BandCode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the risk level"},
    )
    rationale = _text(
        "Short rationale",
        rows=3,
        error_messages={"required": "Give a short rationale for the flag"},
    )
    decided_on = _date("Date of the decision", "of the decision")

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        field.choices = [(value, label) for value, label in Flag.Kind.choices if value in kinds]
        if len(kinds) == 1:
            field.initial = kinds[0]


class FlagRemoveForm(forms.Form):
    """Removing a flag: a recorded decision, with its reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(
        "Why is the flag being removed?",
        rows=3,
        error_messages={"required": "Give the reason for removing the flag"},
    )
    removed_on = _date("Date of the decision", "of the decision")
