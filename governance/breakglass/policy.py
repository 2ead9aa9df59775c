"""Who may break the glass, and who reviews its use."""

from cse_framework.accounts.roles import ALL_ROLES, RoleCode
from cse_framework.audit.policy import AUDITOR_ROLES
from cse_framework.navigation import Section

# Everyone who works with children may, in an emergency, open a record outside their access. Not
# the analyst (aggregates only), nor those whose role is about accounts or records management.
BREAK_GLASS_ROLES = ALL_ROLES - {
    RoleCode.LSCB_ANALYST,
    RoleCode.SYSTEM_ADMINISTRATOR,
    RoleCode.AGENCY_APPROVER,
    RoleCode.INFORMATION_GOVERNANCE,
}
# Told at once of each use: the child's team manager(s) and the service managers.
ALERTED_ROLES = frozenset({RoleCode.SERVICE_MANAGER})
TEAM_MANAGER_ROLES = frozenset({RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER})
# The report of every use, and its review: the access log's auditors and the team managers, so
# that everyone an alert goes to can open its link.
REVIEW_ROLES = AUDITOR_ROLES | TEAM_MANAGER_ROLES

SECTION = Section(
    "Break-glass",
    "breakglass:report",
    REVIEW_ROLES,
    "Every emergency access to a child's record outside the user's access, for review",
)
