"""The roles of domain.md decision D22: the one canonical list. A user may hold several."""

from django.db import models


class RoleCode(models.TextChoices):
    REFERRER = "referrer", "Referrer (partner professional)"
    MASH_SOCIAL_WORKER = "mash_social_worker", "MASH social worker"
    MASH_TEAM_MANAGER = "mash_team_manager", "MASH team manager"
    EDT_SOCIAL_WORKER = "edt_social_worker", "EDT social worker"
    SHIELD_WORKER = "shield_worker", "Shield worker"
    SHIELD_TEAM_MANAGER = "shield_team_manager", "Shield team manager"
    ALLOCATED_SOCIAL_WORKER = "allocated_social_worker", "Allocated social worker"
    MACSE_ADMINISTRATOR = "macse_administrator", "MACSE administrator"
    MACSE_CHAIR = "macse_chair", "MACSE chair (police)"
    POLICE_INTELLIGENCE_OFFICER = "police_intelligence_officer", "Police intelligence officer"
    HEALTH_REPRESENTATIVE = "health_representative", "Health representative"
    SERVICE_MANAGER = "service_manager", "Service manager"
    LSCB_ANALYST = "lscb_analyst", "LSCB analyst (aggregates only)"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"
    # Issue 10: each agency's nominated approver of its staff's access requests, and the
    # information-governance officer who confirms retention reviews and disposals.
    AGENCY_APPROVER = "agency_approver", "Agency approver (access requests)"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance officer"


ALL_ROLES = frozenset(RoleCode)
