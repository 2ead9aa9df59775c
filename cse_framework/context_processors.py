from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cse_framework import access, navigation
from cse_framework.notices.selectors import unread_count


def service(request):
    """The service name, the navigation this user may use and the idle-warning timings."""
    signed_in = access.is_verified(getattr(request, "user", None))
    return {
        "service_name": "CSE Framework",
        "navigation": navigation.items_for(request) if signed_in else [],
        "signed_in": signed_in,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
        # Counted only if the page shows it (one indexed query).
        "unread_notices": SimpleLazyObject(lambda: unread_count(request.user)) if signed_in else 0,
    }
