"""Police handling forms: grading and handling a report (3x5x2, D12), and a PAIR entry (the
"Pass on intelligence" form with the caller's name and organisation). Field validation only; the
rules are in intelligence.police_services."""

from django import forms

from intelligence import police_services
from intelligence.models import Report
from intelligence.report_forms import ReportForm

NO_OUTCOME = ("", "Not yet: keep it open")


class HandleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    police_reference = forms.CharField(
        label="Police reference",
        max_length=40,
        error_messages={"required": police_services.REFERENCE_REQUIRED},
    )
    source_grade = forms.ChoiceField(
        label="Source",
        choices=Report.SourceGrade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": police_services.GRADE_MESSAGES["source_grade"]},
    )
    intelligence_grade = forms.ChoiceField(
        label="Intelligence",
        choices=Report.IntelligenceGrade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": police_services.GRADE_MESSAGES["intelligence_grade"]},
    )
    handling = forms.ChoiceField(
        label="Handling",
        choices=Report.Handling.choices,
        widget=forms.RadioSelect,
        error_messages={"required": police_services.GRADE_MESSAGES["handling"]},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[NO_OUTCOME, *Report.Outcome.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="Recording an outcome closes the report",
    )
    sanitised = forms.CharField(
        label="Sanitised version for partners",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="No names of sources or children, nothing that identifies who passed it on",
    )
    share = forms.BooleanField(
        label="Share the sanitised version with partners",
        required=False,
        help_text="Partners see only the sanitised version, never the report or its grading",
    )

    @classmethod
    def initial_for(cls, report: Report) -> dict:
        return {
            "version": report.version,
            "police_reference": report.police_reference,
            "source_grade": report.source_grade,
            "intelligence_grade": report.intelligence_grade,
            "handling": report.handling,
            "outcome": report.outcome,
            "sanitised": report.sanitised,
            "share": report.shared_with_partners_at is not None,
        }

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            **{
                name: data[name]
                for name in (
                    "police_reference",
                    "source_grade",
                    "intelligence_grade",
                    "handling",
                    "outcome",
                    "sanitised",
                    "share",
                )
            },
        }


class PairForm(ReportForm):
    """What a PAIR caller said, recorded by police staff: the report's fields, the caller first."""

    caller_name = forms.CharField(
        label="Caller's name",
        max_length=200,
        error_messages={"required": police_services.CALLER_NAME_REQUIRED},
    )
    caller_organisation = forms.CharField(
        label="Caller's organisation",
        max_length=200,
        error_messages={"required": police_services.CALLER_ORGANISATION_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observed_from"].label = "Date the caller saw or heard it"
        self.fields["provenance"].label = "How does the caller know this?"
        self.fields["first_hand"].label = "The caller knows this first-hand"
        self.fields["risk_to_source"].label = "Any risk to the caller or the source if shared"
        # A named child: police make the referral themselves, no CSE1 offer here.
        del self.fields["child_named"]
        self.sections = [("The caller", ["caller_name", "caller_organisation"]), *self.sections]

    def service_fields(self) -> dict:
        return {
            **super().service_fields(),
            "caller_name": self.cleaned_data["caller_name"],
            "caller_organisation": self.cleaned_data["caller_organisation"],
        }
