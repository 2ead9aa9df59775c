"""Forms for subject access: field validation and layout only; the rules are in services."""

import uuid

from django import forms

from cse_framework.forms import GovukDateField
from governance.subject_access.models import Redaction, SubjectAccessRequest

YES_NO = [("yes", "Yes"), ("no", "No")]


class FindChildForm(forms.Form):
    """The child's record number (sent as a form, so it is never in a web address typed)."""

    record_number = forms.CharField(
        label="The child's record number",
        help_text="As shown on the child's record, for example 3f2b8c1e-...",
        max_length=40,
        error_messages={"required": "Enter the child's record number"},
    )

    def clean_record_number(self):
        value = self.cleaned_data["record_number"].strip()
        try:
            return uuid.UUID(value)
        except ValueError as error:
            raise forms.ValidationError(
                "Enter the record number as it is shown on the child's record"
            ) from error


class RequestForm(forms.Form):
    requester_kind = forms.ChoiceField(
        label="Who asked",
        choices=SubjectAccessRequest.Requester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who asked"},
    )
    requester_name = forms.CharField(
        label="Their name",
        max_length=200,
        error_messages={"required": "Enter the name of the person who asked"},
    )
    received_on = GovukDateField(
        label="Date received",
        help_text="For example, 27 3 2026. The pack is due one calendar month from this date.",
        error_messages={"required": "Enter the date the request was received"},
    )
    identity_checked = forms.ChoiceField(
        label="Has their identity (and, for someone acting for the young person, their "
        "authority) been checked?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether their identity has been checked"},
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class RedactionForm(forms.Form):
    item_ref = forms.CharField(
        label="Item reference",
        help_text="As shown in the pack beside the item, for example case-note-12.text",
        max_length=120,
        error_messages={"required": "Enter the reference of the item redacted"},
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=Redaction.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        help_text="Needed when the reason is 'Other'",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompleteForm(forms.Form):
    sent_to = forms.CharField(
        label="Who the pack was sent to",
        max_length=200,
        error_messages={"required": "Enter who the pack was sent to"},
    )
    sent_how = forms.CharField(
        label="How it was sent",
        help_text="For example, secure e-mail, or by hand",
        max_length=200,
        required=False,
    )
