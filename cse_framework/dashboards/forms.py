from django import forms

from cse_framework.accounts.models import Team
from cse_framework.timescales.clocks import Kind


class OverdueFilterForm(forms.Form):
    """The dashboard's filters (nothing personal, so a GET)."""

    kind = forms.ChoiceField(
        label="Clock", choices=[("", "All clocks"), *Kind.choices], required=False
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.exclude(kind=Team.Kind.PARTNER).select_related("agency"),
        required=False,
        empty_label="All teams",
    )

    def values(self) -> dict:
        if not self.is_valid():
            return {"kind": "", "team": None}
        team = self.cleaned_data["team"]
        return {"kind": self.cleaned_data["kind"], "team": team.pk if team else None}
