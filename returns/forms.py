"""Choosing the quarter to build a return for: a GOV.UK select of the quarters a return can be
built for. Whether the quarter chosen can have a return is the service's to say
(``services.return_request``), and its message is shown on the field, the choice kept."""

import contextlib

from django import forms
from django.core.exceptions import ValidationError

from returns.quarters import Quarter


class QuarterForm(forms.Form):
    quarter = forms.CharField(
        label="Quarter",
        help_text="Financial-year quarters: Q1 is April to June. A return counts the records as "
        "they stood at the end of the quarter.",
        widget=forms.Select,
        error_messages={"required": "Choose the quarter to build the return for"},
    )

    def __init__(self, *args, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        options = [(quarter.code, quarter.label) for quarter in quarters]
        chosen = self.data.get("quarter", "") if self.is_bound else ""
        if chosen and chosen not in dict(options):  # kept, so the error shows beside it
            with contextlib.suppress(ValidationError):  # not a quarter: the field says so
                options.insert(0, (chosen, Quarter.parse(chosen).label))
        self.fields["quarter"].widget.choices = options

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])
