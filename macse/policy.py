"""Who may see and do what in MACSE."""

from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

LANDING_ROLES = frozenset(
    {
        RoleCode.MACSE_ADMINISTRATOR,
        RoleCode.MACSE_CHAIR,
        RoleCode.SHIELD_WORKER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.POLICE_INTELLIGENCE_OFFICER,
        RoleCode.HEALTH_REPRESENTATIVE,
        RoleCode.SERVICE_MANAGER,
    }
)

SECTION = Section(
    "MACSE", "macse:index", LANDING_ROLES, "Monthly MACSE meetings, agendas, minutes and plans"
)
