"""Who may read the access log: auditors only (system administrator, service manager)."""

from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

AUDITOR_ROLES = frozenset({RoleCode.SYSTEM_ADMINISTRATOR, RoleCode.SERVICE_MANAGER})

SECTION = Section("Access log", "audit:log", AUDITOR_ROLES, "Who viewed, changed or shared what")
