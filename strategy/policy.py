"""Who may see and do what in Strategy."""

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section
from referrals.policy import REGISTER_ROLES, TRIAGE_ROLES, held_children
from strategy.models import StrategyDiscussion, StrategyMeeting

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
# Who records a discussion: MASH (who arrange and chair them), and EDT out of hours.
RECORD_ROLES = TRIAGE_ROLES

SECTION = Section(
    "Strategy",
    "strategy:index",
    LANDING_ROLES,
    "Strategy discussions within 24 hours and strategy meetings within 72 hours",
)


def can_amend(user, record) -> bool:
    """Who may correct a held record: its chair, who recorded it, or a team manager."""
    return user.pk in (record.chair_id, record.recorded_by_id) or user.has_role(
        RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER
    )


@access.register(StrategyDiscussion)
@access.register(StrategyMeeting)
class StrategyRecordPolicy:
    """The register's roles see every discussion and meeting, and a Shield worker those about
    the children they hold or have held; nobody else yet (police and health partners' views
    come with their own issues)."""

    def scope(self, user, queryset):
        if user.has_role(*REGISTER_ROLES):
            return queryset
        if user.has_role(RoleCode.SHIELD_WORKER):
            return queryset.filter(child_id__in=held_children(user))
        return queryset.none()

    def allows(self, user, action, obj) -> bool:
        return (
            action == access.VIEW and self.scope(user, type(obj).objects.filter(pk=obj.pk)).exists()
        )
