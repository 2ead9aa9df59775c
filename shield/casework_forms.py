"""Forms of the Shield casework pages: allocation, case notes and the chronology's filter."""

import datetime as dt

from django import forms
from django.utils import timezone

from cse_framework.forms import GovukDateField, GovukTimeField
from cse_framework.timescales.working_time import LONDON
from shield import chronology
from shield.casework_selectors import allocatable_workers


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        count = getattr(obj, "open_cases", 0)
        return f"{obj.full_name} ({count} open case{'' if count == 1 else 's'})"


class AllocateForm(forms.Form):
    """A Shield team manager chooses the worker; a reallocation is the same form."""

    worker = WorkerChoiceField(
        label="Shield worker",
        help_text="Each with the number of open cases they hold now.",
        queryset=allocatable_workers(),
        empty_label="Select a worker",
        error_messages={"required": "Select the worker to allocate"},
    )
    reason = forms.CharField(
        label="Reason (optional)",
        help_text="For a reallocation, for example a change of worker or of caseload.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = allocatable_workers()


class CaseNoteForm(forms.Form):
    """What happened and when. Saved as a draft, or completed (then it never changes)."""

    occurred_on = GovukDateField(
        label="Date it happened", error_messages={"required": "Enter the date it happened"}
    )
    occurred_time = GovukTimeField(
        label="Time it happened",
        error_messages={
            "required": "Enter the time it happened",
            "invalid": "Enter a time like 14:30",
        },
    )
    text = forms.CharField(
        label="Case note",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Write the case note"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(note=None) -> dict:
        """A note's values to start from; for a new note, now."""
        if note is None:
            local = timezone.now().astimezone(LONDON)
            return {
                "occurred_on": local.date(),
                "occurred_time": f"{local:%H:%M}",
            }
        local = note.occurred_at.astimezone(LONDON)
        return {
            "occurred_on": local.date(),
            "occurred_time": f"{local:%H:%M}",
            "text": note.text,
            "version": note.version,
        }

    def occurred_at(self) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["occurred_on"], data["occurred_time"], tzinfo=LONDON)


class ChronologyFilterForm(forms.Form):
    """Kinds of event and dates only: nothing about the child goes in the web address."""

    kinds = forms.MultipleChoiceField(
        label="Show only",
        help_text="Leave all unticked to show every kind of event.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    since = GovukDateField(label="From", required=False, allow_future=True)
    until = GovukDateField(label="To", required=False, allow_future=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = chronology.kinds()

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The 'to' date must be the same as or after the 'from' date")
        return data
