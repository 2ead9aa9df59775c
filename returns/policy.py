"""Who may see and build the quarterly return (issue 9; D14, D22).

Managers (the service manager and the MASH and Shield team managers) and the LSCB analyst, who
sees aggregates only. The return holds no child: every figure leaves the service suppressed, on
every page, file and API answer alike, and no page of it links to a child. Building a return
counts records but shows none, so whoever may read returns may build one.
"""

from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

ROLES = frozenset(
    {
        RoleCode.SERVICE_MANAGER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.LSCB_ANALYST,
    }
)
BUILD_ROLES = ROLES

SECTION = Section(
    "Quarterly return",
    "returns:index",
    ROLES,
    "The quarterly data-monitoring return to the safeguarding board, with trends",
)
