"""Who may see and do what in MACSE.

The meetings, their agendas and the cohort are seen by the MACSE roles (the administrator, the
chair, police intelligence, the health representative, Shield team managers and service
managers) and by anyone invited to the meeting; a child's MACSE plan by whoever may see the
child's Shield records (shield.policy) and the MACSE roles; an action also by its owner, who
records its progress (a partner sees only their own actions: another agency's is a 404). Items
drawn from police-only intelligence show only to police-only users (D12)."""

from django.db.models import Q

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section
from shield import policy as shield_policy

# Who runs the meetings: builds agendas, records attendance, minutes and decisions, prints packs.
ADMIN_ROLES = frozenset({RoleCode.MACSE_ADMINISTRATOR})
# Who sees every meeting, agenda and plan.
MEETING_ROLES = frozenset(
    {
        RoleCode.MACSE_ADMINISTRATOR,
        RoleCode.MACSE_CHAIR,
        RoleCode.POLICE_INTELLIGENCE_OFFICER,
        RoleCode.HEALTH_REPRESENTATIVE,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.SERVICE_MANAGER,
    }
)
# Who records the meeting's decisions: the administrator, and the chair.
DECIDE_ROLES = frozenset({RoleCode.MACSE_ADMINISTRATOR, RoleCode.MACSE_CHAIR})
# Who drafts and updates MACSE plans (section 5.1: the Shield worker drafts it with the CSE2).
PLAN_ROLES = frozenset(
    {
        RoleCode.MACSE_ADMINISTRATOR,
        RoleCode.MACSE_CHAIR,
        RoleCode.SHIELD_WORKER,
        RoleCode.SHIELD_TEAM_MANAGER,
    }
)
# D12: police-only.
POLICE_ONLY_ROLES = frozenset({RoleCode.POLICE_INTELLIGENCE_OFFICER, RoleCode.MACSE_CHAIR})

# The workers asked whether parents are told (D9) find those questions on the landing page.
LANDING_ROLES = MEETING_ROLES | {RoleCode.SHIELD_WORKER, RoleCode.ALLOCATED_SOCIAL_WORKER}

SECTION = Section(
    "MACSE", "macse:index", LANDING_ROLES, "Monthly MACSE meetings, agendas, minutes and plans"
)

DECIDE = "decide"
ADMINISTER = "administer"
PLAN = "plan"
PROGRESS = "progress"


def sees_police_only(user) -> bool:
    return user.has_role(*POLICE_ONLY_ROLES)


class MeetingPolicy:
    """A meeting (and what belongs to it) is seen by the MACSE roles and by whoever is invited;
    the administrator runs it; the administrator and the chair record its decisions."""

    path = "pk"  # from the row to its meeting's id

    def scope(self, user, queryset):
        if user.has_role(*MEETING_ROLES):
            return queryset
        from macse.models import Attendee

        invited = Attendee.objects.filter(user=user).values("meeting_id")
        return queryset.filter(**{f"{self.path}__in": invited})

    def allows(self, user, action, obj) -> bool:
        roles = {ADMINISTER: ADMIN_ROLES, DECIDE: DECIDE_ROLES, access.VIEW: None}
        if action not in roles:
            return False
        if roles[action] is not None and not user.has_role(*roles[action]):
            return False
        return self.scope(user, type(obj).objects.filter(pk=obj.pk)).exists()


class MeetingPartPolicy(MeetingPolicy):
    path = "meeting_id"


class AgendaItemPolicy(MeetingPartPolicy):
    """An item, as its meeting; and to the worker asked whether the child's parents are told
    (D9), who answers from the item's page whether or not they are invited."""

    def scope(self, user, queryset):
        if user.has_role(*MEETING_ROLES):
            return queryset
        return super().scope(user, queryset) | queryset.filter(parents_asked_of=user)


class ChildPlanPolicy:
    """A plan, its versions and the cohort entry: the MACSE roles, and whoever may see the
    child's Shield records; changes for the plan roles."""

    path = ""  # from the row to its child
    owner = None  # from the row to an action's owner, for the rows an owner sees

    def condition(self, user) -> Q | None:
        """Which rows ``user`` sees (None: every row)."""
        if user.has_role(*MEETING_ROLES):
            return None
        children = shield_policy.children_of(user)
        if children is None:
            return None
        from referrals.models import Child

        condition = Q(**{f"{self.path}child_id__in": Child.objects.filter(children).values("pk")})
        if self.owner:
            condition |= Q(**{self.owner: user})
        return condition

    def scope(self, user, queryset):
        condition = self.condition(user)
        return queryset if condition is None else queryset.filter(condition)

    def allows(self, user, action, obj) -> bool:
        if action == PLAN and not user.has_role(*PLAN_ROLES):
            return False
        if action not in (access.VIEW, PLAN):
            return False
        return self.scope(user, type(obj).objects.filter(pk=obj.pk)).exists()


class PlanPartPolicy(ChildPlanPolicy):
    path = "plan__"


class ActionPolicy(ChildPlanPolicy):
    """An action: as its plan, and also to its owner, who records its progress (so do the plan's
    roles: the administrator for a named contact without an account)."""

    path = "plan__"
    owner = "owner"

    def allows(self, user, action, obj) -> bool:
        if action == PROGRESS:
            if obj.owner_id == user.pk:
                return True
            if not user.has_role(*PLAN_ROLES):
                return False
            action = access.VIEW
        return super().allows(user, action, obj)


class ProgressPolicy(ChildPlanPolicy):
    path = "action__plan__"
    owner = "action__owner"


def register_policies() -> None:
    from macse import models

    access.register(models.Meeting)(MeetingPolicy)
    for model in (models.Attendee, models.MeetingDocument):
        access.register(model)(MeetingPartPolicy)
    access.register(models.AgendaItem)(AgendaItemPolicy)
    for model in (models.CohortEntry, models.Plan):
        access.register(model)(ChildPlanPolicy)
    access.register(models.PlanVersion)(PlanPartPolicy)
    access.register(models.Action)(ActionPolicy)
    access.register(models.ActionProgress)(ProgressPolicy)
