"""Who may see and do what with intelligence."""

from cse_framework.accounts.roles import ALL_ROLES, RoleCode
from cse_framework.navigation import Section

# Every professional may pass on what they hear; the analyst and the administrator do not.
LANDING_ROLES = ALL_ROLES - {RoleCode.LSCB_ANALYST, RoleCode.SYSTEM_ADMINISTRATOR}

SECTION = Section(
    "Intelligence",
    "intelligence:index",
    LANDING_ROLES,
    "Pass on information about people, places, vehicles and online handles",
)
