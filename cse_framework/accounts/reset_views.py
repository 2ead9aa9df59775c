"""Forgotten password (an e-mailed one-time link) and an administrator's second-factor reset."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.accounts import policy, resets, services
from cse_framework.accounts.forms import (
    NewPasswordForm,
    PasswordResetRequestForm,
    SecondFactorResetForm,
)
from cse_framework.accounts.models import User
from cse_framework.forms import add_service_errors


@login_not_required
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Asks for an address; the answer is the same whether or not it has an account."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        resets.password_reset_request(email=form.cleaned_data["email"])
        return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


@login_not_required
def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html")


@method_decorator(login_not_required, name="dispatch")
class SetPasswordView(PasswordResetConfirmView):
    """The e-mailed link: Django moves its token into the session and out of the URL at once;
    the link works once (the token changes with the password) and expires."""

    form_class = NewPasswordForm
    template_name = "accounts/set_password.html"
    token_generator = resets.token_generator
    success_url = reverse_lazy("accounts:sign-in")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        user = form.user
        needs_second_factor = not services.user_has_second_factor(user=user)
        resets.password_set(user=user, password=form.cleaned_data["new_password1"])
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request,
            "Your password has been set. Sign in with it"
            + (", then set up your authenticator app" if needs_second_factor else ""),
        )
        return redirect(self.success_url)


@require_http_methods(["GET", "POST"])
def second_factor_reset(request, pk: int):
    """A system administrator resets someone's authenticator app and backup codes."""
    access.require_roles(request.user, policy.SECOND_FACTOR_RESET_ROLES)
    person = get_object_or_404(User.objects.select_related("agency", "team"), pk=pk)
    own = person.pk == request.user.pk
    form = SecondFactorResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not own:
        try:
            resets.second_factor_reset(
                user=person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{person}'s second factor has been reset. They will set up their "
                "authenticator app when they next sign in, and have been emailed",
            )
            return redirect("accounts:second-factor-reset", pk=person.pk)
    return render(
        request,
        "accounts/second_factor_reset.html",
        {
            "person": person,
            "form": form,
            "own": own,
            "has_second_factor": services.user_has_second_factor(user=person),
        },
    )
