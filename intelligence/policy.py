"""Who may see and do what with intelligence (D12).

A report's full content and grading are police-only: users holding the police intelligence
officer role, and the MACSE chair. The professional who submitted a report sees what they
submitted (never the grading or the outcome); other professionals see a report only once police
have shared a sanitised version with partners, and then only that sanitised text. What a user may
read of a report is decided once, by ``view_of``; every page and the access mechanism ask it."""

from django.db.models import Q

from cse_framework import access
from cse_framework.accounts.roles import ALL_ROLES, RoleCode
from cse_framework.navigation import Section

# Every professional may pass on what they hear; the analyst and the administrator do not.
LANDING_ROLES = ALL_ROLES - {RoleCode.LSCB_ANALYST, RoleCode.SYSTEM_ADMINISTRATOR}
# D12: police-only.
POLICE_ONLY_ROLES = frozenset({RoleCode.POLICE_INTELLIGENCE_OFFICER, RoleCode.MACSE_CHAIR})
# Who passes on intelligence through the form.
SUBMIT_ROLES = LANDING_ROLES

SECTION = Section(
    "Intelligence",
    "intelligence:index",
    LANDING_ROLES,
    "Pass on information about people, places, vehicles and online handles",
)

# What a user may read of a report.
FULL = "full"  # everything, with the grading and the outcome (police-only)
OWN = "own"  # what the user submitted, without the grading or the outcome
SANITISED = "sanitised"  # only the sanitised version police shared with partners

# Police handling (grade, reference, outcome, the sanitised version): police-only (D12).
HANDLE = "handle"


def sees_police_only(user) -> bool:
    return access.has_role(user, POLICE_ONLY_ROLES)


def view_of(user, report) -> str | None:
    """What ``user`` may read of ``report``: FULL, OWN, SANITISED, or None (nothing: a 404)."""
    if not access.is_verified(user):
        return None
    if user.has_role(*POLICE_ONLY_ROLES):
        return FULL
    if report.submitted_by_id == user.pk:
        return OWN
    if report.shared_with_partners_at is not None and user.has_role(*LANDING_ROLES):
        return SANITISED
    return None


class ReportPolicy:
    """The reports a user sees, in the terms of ``view_of``: police-only users all of them, a
    professional their own and those whose sanitised version is shared with partners."""

    def scope(self, user, queryset):
        if user.has_role(*POLICE_ONLY_ROLES):
            return queryset
        visible = Q(submitted_by=user)
        if user.has_role(*LANDING_ROLES):
            visible |= Q(shared_with_partners_at__isnull=False)
        return queryset.filter(visible)

    def allows(self, user, action, obj) -> bool:
        if action == HANDLE:
            return view_of(user, obj) == FULL
        return action == access.VIEW and view_of(user, obj) is not None


# "Children linked" alerts (D12): police-only users see them in full; these managers (and the
# Shield worker allocated to either child) see the children and the entity only where the alert
# rests on nothing police-only, otherwise only "possible link - contact police".
ALERT_MANAGER_ROLES = frozenset({RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER})
# Hotspots (the MACSE "locations and online platforms" item): police-only users, the MACSE
# administrator and members (the health representative), the Shield team managers and service
# managers. Counts from police-only intelligence are for police-only users alone (D12).
HOTSPOT_ROLES = (
    POLICE_ONLY_ROLES
    | ALERT_MANAGER_ROLES
    | {RoleCode.MACSE_ADMINISTRATOR, RoleCode.HEALTH_REPRESENTATIVE}
)
POSSIBLE = "possible"  # an alert's view: only "possible link - contact police"


def alert_view_of(user, alert) -> str | None:
    """What ``user`` may read of a LinkAlert: FULL (with whether it is a likely-same match),
    SANITISED (the children and the entity), POSSIBLE, or None (a 404)."""
    if not access.is_verified(user):
        return None
    if user.has_role(*POLICE_ONLY_ROLES):
        return FULL
    if user.has_role(*ALERT_MANAGER_ROLES) or _holds_either_child(user, alert):
        return POSSIBLE if alert.police_only else SANITISED
    return None


def _allocated_children(user):
    """The children a Shield worker holds or held (as shield.policy lets them see), as ids."""
    from shield.models import Allocation

    return Allocation.objects.filter(worker_id=user.pk).values("child_id")


def _holds_either_child(user, alert) -> bool:
    """A Shield worker allocated to either child sees the alert as the Shield team does."""
    if not user.has_role(RoleCode.SHIELD_WORKER):
        return False
    return (
        _allocated_children(user)
        .filter(child_id__in=[alert.first_child_id, alert.second_child_id])
        .exists()
    )


class LinkAlertPolicy:
    def scope(self, user, queryset):
        if user.has_role(*POLICE_ONLY_ROLES, *ALERT_MANAGER_ROLES):
            return queryset
        if user.has_role(RoleCode.SHIELD_WORKER):
            held = _allocated_children(user)
            return queryset.filter(Q(first_child__in=held) | Q(second_child__in=held))
        return queryset.none()

    def allows(self, user, action, obj) -> bool:
        return action == access.VIEW and alert_view_of(user, obj) is not None


def register_policies() -> None:
    from intelligence.models import LinkAlert, Report

    access.register(Report)(ReportPolicy)
    access.register(LinkAlert)(LinkAlertPolicy)
