"""The hotspots page's period: a "from" and a "to" date (GOV.UK date inputs)."""

import datetime as dt

from django import forms

from cse_framework.forms import GovukDateField
from intelligence.hotspots import Period, default_period

FUTURE_START = "The 'from' date must be today or in the past"
END_BEFORE_START = "The 'to' date must be the same as or after the 'from' date"


class PeriodForm(forms.Form):
    """Both dates are London dates. Left blank, "to" is today and "from" is 3 calendar months
    before "to" (so the default is the last 3 calendar months up to today)."""

    start = GovukDateField(label="From", required=False, allow_future=True)
    end = GovukDateField(label="To", required=False, allow_future=True)

    def __init__(self, *args, today: dt.date, **kwargs):
        self.today = today
        default = default_period(today)
        kwargs.setdefault("initial", {"start": default.start, "end": default.end})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or default_period(end).start
        if "start" not in self.errors and start > self.today:
            self.add_error("start", FUTURE_START)
        elif "start" not in self.errors and "end" not in self.errors and end < start:
            self.add_error("end", END_BEFORE_START)
        data["start"], data["end"] = start, end
        return data

    def period(self) -> Period:
        """The period chosen (the default one if the form was not sent)."""
        if not self.is_bound:
            return default_period(self.today)
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])
