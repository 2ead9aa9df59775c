from django import forms

from governance.breakglass.models import Grant
from governance.breakglass.services import REASON_MIN_LENGTH


class BreakGlassForm(forms.Form):
    child = forms.UUIDField(
        label="Child record number",
        help_text="The record number of the child's record, for example from MASH or the police",
        error_messages={
            "required": "Enter the child record number",
            "invalid": "Enter a child record number in the correct format",
        },
    )
    reason = forms.CharField(
        label="Why do you need this record now?",
        help_text="Say what the emergency is and why you cannot wait for normal access. Your "
        "reason is recorded, your manager and the service manager are told, and the use is "
        "reviewed.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=REASON_MIN_LENGTH,
        error_messages={
            "required": "Enter why you need this record now",
            "min_length": f"Give the reason in at least {REASON_MIN_LENGTH} characters",
        },
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was this use appropriate?",
        choices=Grant.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this use was appropriate"},
    )
    note = forms.CharField(
        label="Review note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
