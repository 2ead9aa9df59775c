"""The one access mechanism: every view, API endpoint, PDF and export asks here.

Two entry points, used everywhere:

* ``scope(user, queryset)``: the rows of a model this user may see (none by default).
* ``check(user, action, obj)``: whether this user may take this action on this object
  (no by default).

Each app states its own rules in ``<app>/policy.py`` and registers them with ``@register(Model)``.
A model with no registered policy is invisible to everyone. A single object the user may not see
answers exactly like a missing one (404); 403 is only for role-restricted pages that show no record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn, Protocol

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from cse_framework.accounts.roles import ALL_ROLES, RoleCode

VIEW = "view"
CHANGE = "change"
CREATE = "create"
PRINT = "print"
EXPORT = "export"


class Policy(Protocol):
    def scope(self, user, queryset: models.QuerySet) -> models.QuerySet: ...

    def allows(self, user, action: str, obj: models.Model) -> bool: ...


_policies: dict[type[models.Model], Policy] = {}


def register(model: type[models.Model]):
    """Class decorator for an app's policy: ``@access.register(Child) class ChildPolicy: ...``."""

    def decorate(policy_class):
        _policies[model] = policy_class()
        return policy_class

    return decorate


def is_verified(user) -> bool:
    """Signed in with both factors (or by API token, which only a verified user can create)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    verified = getattr(user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def has_role(user, roles: Iterable[str]) -> bool:
    return is_verified(user) and user.has_role(*roles)


def scope(user, queryset: models.QuerySet) -> models.QuerySet:
    policy = _policies.get(queryset.model)
    if policy is None or not is_verified(user):
        return queryset.none()
    return policy.scope(user, queryset)


def check(user, action: str, obj: models.Model) -> bool:
    policy = _policies.get(type(obj))
    if policy is None or not is_verified(user):
        return False
    return bool(policy.allows(user, action, obj))


def get_object_or_404(request, queryset: models.QuerySet, **lookup) -> models.Model:
    """One object within the user's scope; a forbidden one is a 404 like a missing one.

    A denial of an object that exists is written to the audit log.
    """
    return first_or_404(request, scope(request.user, queryset), **lookup)


def first_or_404(request, allowed: models.QuerySet, **lookup) -> models.Model:
    """The object of ``allowed`` (rows the user may see, already narrowed by the caller's rule)
    matching ``lookup``; one that exists outside ``allowed`` is a 404 like a missing one, and its
    denial is written to the audit log."""
    obj = allowed.filter(**lookup).first()
    if obj is None:
        hidden = allowed.model._default_manager.filter(**lookup).first()
        if hidden is not None:
            deny(request, hidden)
        raise Http404
    return obj


def deny(request, obj: models.Model) -> NoReturn:
    """Refuse ``obj`` as if it did not exist (a 404), writing the denial to the audit log (once:
    the middleware does not log the 404 again)."""
    from cse_framework.audit import services as audit

    audit.record_denial(request, obj)
    request.audited_denial = True
    raise Http404


def require_roles(user, roles: frozenset[str]) -> None:
    """For pages that show no single record: 403 unless the user holds one of the roles."""
    if not has_role(user, roles):
        raise PermissionDenied


class RolesRequiredMixin:
    """A page restricted to some roles of D22 (a landing page, a queue, a dashboard)."""

    roles: frozenset[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        require_roles(request.user, self.roles)
        return super().dispatch(request, *args, **kwargs)


EVERYONE = ALL_ROLES
__all__ = ["EVERYONE", "RoleCode", "check", "get_object_or_404", "register", "scope"]
