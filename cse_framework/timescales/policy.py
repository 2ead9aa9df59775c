"""Who may see and take the clocks, and the work lists' place in the navigation."""

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section
from cse_framework.timescales.models import Deadline

# Everyone who owns statutory work has a work list: partners too, who own the actions agreed at
# strategy discussions and MACSE meetings.
WORKLIST_ROLES = frozenset(
    {
        RoleCode.MASH_SOCIAL_WORKER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.EDT_SOCIAL_WORKER,
        RoleCode.SHIELD_WORKER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.ALLOCATED_SOCIAL_WORKER,
        RoleCode.MACSE_ADMINISTRATOR,
        RoleCode.MACSE_CHAIR,
        RoleCode.POLICE_INTELLIGENCE_OFFICER,
        RoleCode.HEALTH_REPRESENTATIVE,
        RoleCode.REFERRER,
        RoleCode.SERVICE_MANAGER,
        # Owns the subject-access clocks of the requests they record (issue 10).
        RoleCode.INFORMATION_GOVERNANCE,
    }
)
# Managers see every clock (the overdue dashboard).
MANAGER_ROLES = frozenset(
    {RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER}
)
TAKE = "take"
EXPLAIN = "explain"

SECTION = Section(
    "Work list", "timescales:worklist", WORKLIST_ROLES, "Your clocks and your team's, by due time"
)


@access.register(Deadline)
class DeadlinePolicy:
    """Managers see every clock; a worker sees their own and their team's."""

    def scope(self, user, queryset):
        if user.has_role(*MANAGER_ROLES):
            return queryset
        if not user.has_role(*WORKLIST_ROLES):
            return queryset.none()
        mine = queryset.filter(owner=user)
        return mine | queryset.filter(owning_team_id=user.team_id) if user.team_id else mine

    def allows(self, user, action, obj) -> bool:
        if action == access.VIEW:
            return self.scope(user, Deadline.objects.filter(pk=obj.pk)).exists()
        if action == EXPLAIN:
            return obj.is_breached and (
                obj.owner_id == user.pk
                or obj.owner_id is None
                and obj.owning_team_id is not None
                and obj.owning_team_id == user.team_id
                or user.has_role(*MANAGER_ROLES)
            )
        if action == TAKE:
            return (
                obj.is_open
                and obj.owner_id is None
                and obj.owning_team_id is not None
                and obj.owning_team_id == user.team_id
                and user.has_role(*WORKLIST_ROLES)
            )
        return False
