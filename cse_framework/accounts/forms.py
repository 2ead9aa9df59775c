from django import forms

from cse_framework.accounts.models import User


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
