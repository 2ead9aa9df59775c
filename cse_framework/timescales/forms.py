from django import forms

from cse_framework.timescales.models import Deadline


class BreachReasonForm(forms.Form):
    code = forms.ChoiceField(
        label="Reason",
        choices=Deadline.BreachReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason"},
    )
    text = forms.CharField(
        label="More detail (required for 'Other')",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("code") == Deadline.BreachReason.OTHER and not data.get("text", "").strip():
            self.add_error("text", "Say what the reason was")
        return data
