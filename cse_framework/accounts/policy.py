"""Who decides access requests and resets second factors (issue 10, items 1 and 2).

An agency's nominated approvers (``AGENCY_APPROVER`` with that agency) see and decide the
requests for their own agency only; a system administrator sees and decides every agency's. A
request outside the user's scope answers like a missing one (404).

Approvers give partner roles only: a referrer, and a health representative for a health agency.
Higher roles stay with the system administrator, in the admin.

A second factor is reset by a system administrator only, never their own.
"""

from cse_framework import access
from cse_framework.accounts.models import AccessRequest, Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

DECIDE_ROLES = frozenset({RoleCode.AGENCY_APPROVER, RoleCode.SYSTEM_ADMINISTRATOR})
SECOND_FACTOR_RESET_ROLES = frozenset({RoleCode.SYSTEM_ADMINISTRATOR})

SECTION = Section(
    "Access requests",
    "accounts:access-request-list",
    DECIDE_ROLES,
    "Requests for an account from your agency's staff, to approve or refuse",
)


def approvable_roles(agency: Agency) -> list[RoleCode]:
    """The roles an approver may give a new user of ``agency``: a safe, short list."""
    roles = [RoleCode.REFERRER]
    if agency.kind == Agency.Kind.HEALTH:
        roles.append(RoleCode.HEALTH_REPRESENTATIVE)
    return roles


def may_decide(user, access_request: AccessRequest) -> bool:
    """The role rule (services ask it too; pages also need a verified sign-in, via access)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.has_role(RoleCode.SYSTEM_ADMINISTRATOR):
        return True
    return user.has_role(RoleCode.AGENCY_APPROVER) and (
        user.agency_id is not None and user.agency_id == access_request.agency_id
    )


@access.register(AccessRequest)
class AccessRequestPolicy:
    def scope(self, user, queryset):
        if user.has_role(RoleCode.SYSTEM_ADMINISTRATOR):
            return queryset
        if user.has_role(RoleCode.AGENCY_APPROVER) and user.agency_id is not None:
            return queryset.filter(agency_id=user.agency_id)
        return queryset.none()

    def allows(self, user, action, obj) -> bool:
        return action in (access.VIEW, access.CHANGE) and may_decide(user, obj)
