"""Who may see and do what with the child register and referrals."""

from cse_framework import access
from cse_framework.accounts.roles import ALL_ROLES, RoleCode
from cse_framework.navigation import Section
from referrals.models import Child

# Roles that work the whole register: the front door, out of hours, Shield's managers, auditors.
REGISTER_ROLES = frozenset(
    {
        RoleCode.MASH_SOCIAL_WORKER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.EDT_SOCIAL_WORKER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.SERVICE_MANAGER,
    }
)
# Everyone who works with children may refer one; the analyst and the administrator do not.
LANDING_ROLES = ALL_ROLES - {RoleCode.LSCB_ANALYST, RoleCode.SYSTEM_ADMINISTRATOR}

SECTION = Section(
    "Referrals",
    "referrals:index",
    LANDING_ROLES,
    "Refer a child (CSE1 and MARF), and the child register",
)


@access.register(Child)
class ChildPolicy:
    def scope(self, user, queryset):
        if user.has_role(*REGISTER_ROLES):
            return queryset
        return queryset.none()

    def allows(self, user, action, obj) -> bool:
        if action == access.VIEW:
            return user.has_role(*REGISTER_ROLES)
        return False
