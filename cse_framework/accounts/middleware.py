import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware

from cse_framework.accounts import signin


class SessionLimitsMiddleware:
    """Ends a session 12 hours after sign-in, whatever the activity (ASVS 3.3.2).

    The 30-minute idle limit is the session's own expiry, renewed on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = request.session.get(signin.SIGNED_IN_AT_KEY)
        if (
            request.user.is_authenticated
            and started
            and time.time() - started > settings.SESSION_ABSOLUTE_SECONDS
        ):
            logout(request)
            messages.info(
                request, "You were signed out because you had been signed in for 12 hours"
            )
        return self.get_response(request)


class VerifiedUserRequiredMiddleware(LoginRequiredMiddleware):
    """Deny by default: every page needs a user who passed both factors.

    Pages open to all are marked with django.contrib.auth.decorators.login_not_required.
    The API authenticates itself (cse_framework.api). A form posted after the session ended is
    kept and offered again once the user has signed in.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if request.path_info.startswith("/api/"):
            return None
        user = request.user
        if user.is_authenticated and user.is_verified():
            return None
        return self.handle_no_permission(request, view_func)

    def handle_no_permission(self, request, view_func):
        if request.method == "POST":
            signin.keep_form(request)
            messages.info(
                request,
                "Your session ended before your form was sent. We have kept what you entered: "
                "sign in again to send it.",
            )
        return super().handle_no_permission(request, view_func)
