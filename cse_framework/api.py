"""API authentication and permissions: the same rules as the pages.

A session counts only once both factors are checked; a token can only be created by such a user.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import authentication, pagination, permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from cse_framework import access
from cse_framework.audit.services import record_view


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Session authentication that ignores a session which has not passed the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not (hasattr(user, "is_verified") and user.is_verified()):
            return None
        return result


class TokenAuthenticationVerified(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        user.is_verified = lambda: True  # a token is issued only to a user who passed both factors
        return user, token


class IsSignedIn(permissions.BasePermission):
    """Deny by default: a signed-in, verified, active user; object access is by access.py."""

    def has_permission(self, request, view) -> bool:
        return access.is_verified(request.user)


__all__ = ["IsSignedIn", "Token", "TokenAuthenticationVerified", "VerifiedSessionAuthentication"]


# OpenAPI: describe the two authentication schemes to drf-spectacular.
from drf_spectacular.extensions import OpenApiAuthenticationExtension  # noqa: E402


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "cse_framework.api.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "cse_framework.api.TokenAuthenticationVerified"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication: "Token <key>"',
        }


class NewestFirstCursorPagination(pagination.CursorPagination):
    """Cursor pagination by creation time: no COUNT, no OFFSET, and the cursor holds a timestamp,
    never a name. The model needs an index on (-created_at, id)."""

    ordering = ("-created_at", "id")
    page_size = 25


class AuditedReadMixin:
    """List and read through the access mechanism; every object returned is one audited view."""

    pagination_class = NewestFirstCursorPagination

    def get_base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return access.scope(self.request.user, self.get_base_queryset())

    def get_object(self):
        obj = access.get_object_or_404(self.request, self.get_base_queryset(), pk=self.kwargs["pk"])
        record_view(self.request, [obj])
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        record_view(self.request, page if page is not None else queryset)
        return page


def field_errors(error: DjangoValidationError, field: str = "non_field_errors") -> dict:
    """A service's ValidationError as DRF's field-level 400: each field's messages, and what
    concerns no one field under ``non_field_errors`` (a message that names no field goes under
    ``field``, when the caller knows which field it is about)."""
    if not hasattr(error, "error_dict"):
        return {field: error.messages}
    return {
        "non_field_errors" if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def conflict(message: str, obj) -> Response:
    """409: ``obj`` changed since the client read it (or may not change); nothing was saved. The
    answer gives the version stored now, to read again."""
    stored = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
    return Response({"detail": message, "version": stored}, status=status.HTTP_409_CONFLICT)
