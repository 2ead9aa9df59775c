from django import forms
from django.contrib.auth.forms import SetPasswordForm

from cse_framework.accounts.models import AccessRequest, Agency, Team, User
from cse_framework.accounts.policy import approvable_roles
from cse_framework.accounts.roles import RoleCode


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text=(
            "The 6-digit code from your authenticator app, or one of your 8-digit backup codes"
        ),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter your security code"},
    )


class AccountDetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "job_title", "phone"]
        labels = {"full_name": "Full name", "job_title": "Job title", "phone": "Phone number"}
        error_messages = {"full_name": {"required": "Enter your full name"}}
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})}


EMAIL_ERRORS = {
    "required": "Enter your work email address",
    "invalid": "Enter an email address in the correct format, like name@example.org",
}


class AccessRequestForm(forms.Form):
    """A partner professional asks for an account (a public page)."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Work email address",
        help_text="Use your secure work address if your agency has one, for example on nhs.net",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        error_messages={"required": "Enter your job title"},
    )
    phone = forms.CharField(
        label="Work phone number",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={"required": "Enter your work phone number"},
    )
    agency = forms.ModelChoiceField(
        label="Agency you work for",
        queryset=Agency.objects.all(),
        empty_label="Choose your agency",
        error_messages={
            "required": "Choose the agency you work for",
            "invalid_choice": "Choose the agency you work for",
        },
    )
    team = forms.ModelChoiceField(
        label="Team (optional)",
        queryset=Team.objects.select_related("agency"),
        required=False,
        empty_label="No team, or not listed",
        error_messages={"invalid_choice": "Choose a team from the list, or no team"},
    )
    reason = forms.CharField(
        label="Why do you need access?",
        help_text="For example, to refer children to MASH or to attend MACSE meetings",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you need access"},
    )

    def clean(self):
        cleaned = super().clean()
        agency, team = cleaned.get("agency"), cleaned.get("team")
        if agency is not None and team is not None and team.agency_id != agency.pk:
            self.add_error("team", "Choose a team of the agency you chose, or no team")
        return cleaned


class AccessRequestApproveForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles for the new account",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one role",
            "invalid_choice": "Choose only from the roles listed",
        },
    )
    address_checked = forms.BooleanField(
        label="I have checked this email address belongs to our staff",
        required=False,
    )

    def __init__(self, *args, access_request: AccessRequest, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(role.value, role.label) for role in approvable_roles(access_request.agency)]
        self.fields["roles"].choices = choices
        self.fields["roles"].initial = [RoleCode.REFERRER.value]
        if not access_request.flagged:
            del self.fields["address_checked"]

    def clean_address_checked(self):
        checked = self.cleaned_data.get("address_checked")
        if not checked:
            raise forms.ValidationError(
                "This request is flagged: confirm you have checked the email address belongs "
                "to your staff"
            )
        return checked


class AccessRequestRefuseForm(forms.Form):
    reason = forms.CharField(
        label="Why are you refusing this request?",
        help_text="The reason is kept with the request. The person is told it was not approved",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you are refusing this request"},
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": EMAIL_ERRORS["invalid"],
        },
    )


class NewPasswordForm(SetPasswordForm):
    """Django's form to set a password (the project's validators), with plain labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = self.fields["new_password1"]
        first.label = "New password"
        first.help_text = "At least 12 characters. Avoid common words and your own name"
        first.error_messages["required"] = "Enter a new password"
        second = self.fields["new_password2"]
        second.label = "Confirm new password"
        second.help_text = ""
        second.error_messages["required"] = "Enter the new password again"
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "The passwords do not match",
        }


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label="Why are you resetting this person's second factor?",
        help_text="For example, they lost their phone and their backup codes. This is recorded",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the second factor is being reset"},
    )
