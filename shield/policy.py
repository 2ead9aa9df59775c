"""Who may see and do what in Shield."""

from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

LANDING_ROLES = frozenset(
    {
        RoleCode.SHIELD_WORKER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.ALLOCATED_SOCIAL_WORKER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.SERVICE_MANAGER,
    }
)

SECTION = Section(
    "Shield", "shield:index", LANDING_ROLES, "Shield casework, CSE2 assessments and MACSE plans"
)
