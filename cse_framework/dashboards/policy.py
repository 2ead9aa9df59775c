from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

# Managers watch the dashboards; the LSCB analyst sees aggregates only (D14, D22).
LANDING_ROLES = frozenset(
    {
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.SERVICE_MANAGER,
        RoleCode.LSCB_ANALYST,
    }
)

SECTION = Section(
    "Dashboards",
    "dashboards:index",
    LANDING_ROLES,
    "Overdue reviews and the quarterly data-monitoring return",
)
