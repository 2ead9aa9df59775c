"""The retention pages' forms: a rule's change, and the decision on a review. Field validation
only; the rules themselves are the services' (their messages shown on the fields)."""

from django import forms

from governance.retention.models import RetentionRule


class RuleForm(forms.Form):
    amount = forms.IntegerField(
        label="How long",
        min_value=1,
        max_value=100,
        help_text="A number of years or months",
        error_messages={
            "required": "Enter how long the records are kept",
            "invalid": "How long must be a whole number, like 6",
            "min_value": "How long must be at least 1",
            "max_value": "How long must be 100 or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    unit = forms.ChoiceField(
        label="Years or months",
        choices=RetentionRule.Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose years or months"},
    )
    trigger = forms.ChoiceField(
        label="Counted from",
        choices=RetentionRule.Trigger.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the period is counted from"},
    )
    action = forms.ChoiceField(
        label="At the end of the period",
        choices=RetentionRule.Action.choices,
        widget=forms.RadioSelect,
        help_text="Either way, information governance confirms before anything is disposed of",
        error_messages={"required": "Choose what happens at the end of the period"},
    )
    reason = forms.CharField(
        label="Why the rule is changing",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the rule is changing"},
    )


class DecisionForm(forms.Form):
    DISPOSE, KEEP, HOLD, RELEASE = "dispose", "keep", "hold", "release"
    OPEN_CHOICES = [
        (DISPOSE, "Dispose of it: erase its personal data now"),
        (KEEP, "Keep it longer"),
        (HOLD, "Put it on legal hold"),
    ]
    HELD_CHOICES = [(RELEASE, "End the legal hold")]

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do with the record"},
    )
    months = forms.IntegerField(
        label="If kept longer: for how many months",
        required=False,
        min_value=1,
        max_value=120,
        help_text="It comes back for review after this many months",
        error_messages={
            "invalid": "Months must be a whole number, like 12",
            "min_value": "Keep it for at least 1 month",
            "max_value": "Keep it for 120 months or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        help_text="Needed to keep a record longer, to hold it, or to end a hold",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label="I understand that disposal erases the record's personal data and cannot be undone",
        required=False,
    )

    def __init__(self, *args, held: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = self.HELD_CHOICES if held else self.OPEN_CHOICES
        if held:
            for name in ("months", "confirm"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.KEEP and not data.get("months") and "months" not in self.errors:
            self.add_error("months", "Enter how many months to keep the record")
        if decision == self.DISPOSE and not data.get("confirm"):
            self.add_error("confirm", "Confirm that you understand disposal cannot be undone")
        return data
