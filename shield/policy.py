"""Who may see and do what in Shield. Every Shield record is about one child: the whole cohort is
seen by the managers and MACSE; a Shield worker sees the children they hold or have held; an
allocated social worker sees their own children."""

import functools

from django.core.exceptions import EmptyResultSet
from django.db.models import Q
from django.db.models.expressions import RawSQL

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

LANDING_ROLES = frozenset(
    {
        RoleCode.SHIELD_WORKER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.ALLOCATED_SOCIAL_WORKER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.SERVICE_MANAGER,
    }
)
# Who sees every child's Shield records.
COHORT_ROLES = frozenset(
    {
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.SERVICE_MANAGER,
        RoleCode.MACSE_CHAIR,
        RoleCode.MACSE_ADMINISTRATOR,
        # Police take part in every case at MACSE and set the police CSE flag (D2, section 2.1).
        RoleCode.POLICE_INTELLIGENCE_OFFICER,
    }
)
# Who completes a CSE2: the Shield worker, their manager, or the child's social worker (the
# framework: "the Shield identified worker or a professional who knows the child well").
ASSESS_ROLES = frozenset(
    {RoleCode.SHIELD_WORKER, RoleCode.SHIELD_TEAM_MANAGER, RoleCode.ALLOCATED_SOCIAL_WORKER}
)
ALLOCATE_ROLES = frozenset({RoleCode.SHIELD_TEAM_MANAGER})
# Who writes case notes: those who work the case.
NOTE_ROLES = ASSESS_ROLES
# Who sees any worker's caseload (a worker sees their own).
CASELOAD_ROLES = frozenset({RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER})
OVERRIDE_ROLES = frozenset({RoleCode.SHIELD_TEAM_MANAGER})
ASSESS = "assess"
ALLOCATE = "allocate"
OVERRIDE = "override"

SECTION = Section(
    "Shield", "shield:index", LANDING_ROLES, "Shield casework, CSE2 assessments and MACSE plans"
)


def children_of(user) -> Q | None:
    """The children whose Shield records ``user`` may see, as a condition on ``child``; None for
    every child."""
    return _children_of(user.pk, user.role_codes)


def _children_of(user_pk, roles: frozenset[str]) -> Q | None:
    if not roles.isdisjoint(COHORT_ROLES):
        return None
    from shield.models import Allocation

    condition = Q(pk__in=[])
    if RoleCode.SHIELD_WORKER in roles:
        condition |= Q(pk__in=Allocation.objects.filter(worker_id=user_pk).values("child_id"))
    if RoleCode.ALLOCATED_SOCIAL_WORKER in roles:
        condition |= Q(allocated_social_worker_id=user_pk)
    return condition


NO_CHILD = object()  # for a user whose roles see no child's Shield records


def _visible_children(user, using: str):
    """The children whose Shield records ``user`` may see, as the SQL of a subquery of their ids
    (None for every child; NO_CHILD for none). A page scopes several tables by it (the
    chronology, seven), and compiling the subquery for each cost about as much as running the
    query, so it is compiled once per process for each user, set of roles and database: it is
    SQL, not rows, so each query still reads the allocations as they are."""
    return _compiled_children(user.pk, user.role_codes, using)


@functools.lru_cache(maxsize=4096)
def _compiled_children(user_pk, roles: frozenset[str], using: str):
    from referrals.models import Child
    from shield.models import Allocation

    condition = _children_of(user_pk, roles)
    if condition is None:
        return None
    if RoleCode.SHIELD_WORKER in roles and RoleCode.ALLOCATED_SOCIAL_WORKER not in roles:
        # The allocations alone: one table fewer for the database to plan on every read.
        query = Allocation.objects.filter(worker_id=user_pk).order_by().values("child_id").query
    else:
        query = Child.objects.filter(condition).order_by().values("pk").query
    try:
        return RawSQL(*query.get_compiler(using).as_sql())
    except EmptyResultSet:
        return NO_CHILD


ACTION_ROLES = {
    ASSESS: ASSESS_ROLES,
    ALLOCATE: ALLOCATE_ROLES,
    OVERRIDE: OVERRIDE_ROLES,
}


def may(user, action: str) -> bool:
    """Whether ``user`` may take ``action`` on a Shield record they can see: the record's
    visibility is the policy's other condition, so a page that has just read the record through
    ``access`` asks this instead of ``access.check`` (which would read it again)."""
    if action == access.VIEW:
        return True
    roles = ACTION_ROLES.get(action)
    return roles is not None and user.has_role(*roles)


class ChildRecordPolicy:
    """A Shield record is seen by whoever may see the child's Shield records; changes are for
    the roles each action names."""

    # The path from a row to its child, where it is not the row's own ``child``.
    paths = {"BandOverride": "assessment__"}

    def scope(self, user, queryset):
        children = _visible_children(user, queryset.db)
        if children is None:
            return queryset
        if children is NO_CHILD:
            return queryset.none()
        path = self.paths.get(queryset.model.__name__, "")
        return queryset.filter(**{f"{path}child_id__in": children})

    def allows(self, user, action, obj) -> bool:
        if not may(user, action):
            return False  # without asking the database whether the record is visible
        return self.scope(user, type(obj).objects.filter(pk=obj.pk)).exists()


def register_policies() -> None:
    from shield import models

    for model in (
        models.ShieldCase,
        models.Allocation,
        models.Assessment,
        models.BandOverride,
        models.CaseNote,
        models.Incident,
        models.MissingEpisode,
        models.Flag,
    ):
        access.register(model)(ChildRecordPolicy)
