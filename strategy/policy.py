"""Who may see and do what in Strategy."""

from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

LANDING_ROLES = frozenset(
    {
        RoleCode.MASH_SOCIAL_WORKER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.EDT_SOCIAL_WORKER,
        RoleCode.ALLOCATED_SOCIAL_WORKER,
        RoleCode.POLICE_INTELLIGENCE_OFFICER,
        RoleCode.MACSE_CHAIR,
        RoleCode.HEALTH_REPRESENTATIVE,
        RoleCode.SERVICE_MANAGER,
    }
)

SECTION = Section(
    "Strategy",
    "strategy:index",
    LANDING_ROLES,
    "Strategy discussions within 24 hours and strategy meetings within 72 hours",
)
