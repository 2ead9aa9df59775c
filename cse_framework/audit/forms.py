from django import forms

from cse_framework.accounts.models import User

CHILD_RECORD_NUMBER = {"invalid": "Enter a child record number in the correct format"}


class AccessLogFilterForm(forms.Form):
    """What an auditor types to filter the log. It is POSTed, so an e-mail address never goes
    into a URL; the view answers with a redirect to the log filtered by the user's id."""

    email = forms.EmailField(
        required=False,
        label="User's email address",
        error_messages={"invalid": "Enter an email address in the correct format"},
    )
    child = forms.UUIDField(
        required=False,
        label="Child record number",
        help_text="The record number shown on the child's record",
        error_messages=CHILD_RECORD_NUMBER,
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if email:
            self.user = User.objects.filter(email=email).only("pk").first()
            if self.user is None:
                raise forms.ValidationError("No user has that email address")
        return email

    def query(self) -> dict:
        """The log's query string for this filter: the user's id, not their address."""
        found = {"user": getattr(self, "user", None), "child": self.cleaned_data["child"]}
        return {key: getattr(value, "pk", value) for key, value in found.items() if value}


class AccessLogQuery(forms.Form):
    """The log's query string: a user's id, a child record number, and the page's cursor."""

    user = forms.IntegerField(required=False, min_value=1)
    child = forms.UUIDField(required=False, error_messages=CHILD_RECORD_NUMBER)
    before = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"user_id": data["user"], "child_id": data["child"], "before_id": data["before"]}

    def filter_form(self) -> AccessLogFilterForm:
        """The filter form showing what the log is filtered by."""
        filters = self.filters()
        user_id = filters.get("user_id")
        email = user_id and User.objects.filter(pk=user_id).values_list("email", flat=True).first()
        return AccessLogFilterForm(initial={"email": email, "child": filters.get("child_id")})
