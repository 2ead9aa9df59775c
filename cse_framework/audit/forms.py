from django import forms

from cse_framework.accounts.models import User


class AccessLogFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.order_by("full_name"),
        required=False,
        label="User",
        empty_label="Any user",
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    child = forms.UUIDField(
        required=False,
        label="Child record number",
        help_text="The record number shown on the child's record",
        error_messages={"invalid": "Enter a child record number in the correct format"},
    )
