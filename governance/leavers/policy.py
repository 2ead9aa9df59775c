"""Who may see and manage whose account (issue 10, item 3): the one place these rules live.

* The service manager and the system administrator: anyone.
* A MASH or Shield team manager: the members of their own team.
* An agency's approver: the users of their own agency.

A person outside the manager's reach answers like a missing one (404); the list of people is a
page of its own, refused (403) to everyone else.
"""

from django.db.models import Q, QuerySet

from cse_framework import access
from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

ANYONE_ROLES = frozenset({RoleCode.SERVICE_MANAGER, RoleCode.SYSTEM_ADMINISTRATOR})
TEAM_ROLES = frozenset({RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER})
AGENCY_ROLES = frozenset({RoleCode.AGENCY_APPROVER})
MANAGE_ROLES = ANYONE_ROLES | TEAM_ROLES | AGENCY_ROLES

SECTION = Section(
    "People",
    "leavers:list",
    MANAGE_ROLES,
    "The people you manage: deactivate a leaver and hand their open work to colleagues",
)


def people(user, queryset: QuerySet | None = None) -> QuerySet:
    """The users ``user`` may see and manage (none unless they hold a managing role)."""
    queryset = User.objects.all() if queryset is None else queryset
    if not access.has_role(user, MANAGE_ROLES):
        return queryset.none()
    if user.has_role(*ANYONE_ROLES):
        return queryset
    reach = Q(pk__in=[])
    if user.has_role(*TEAM_ROLES) and user.team_id:
        reach |= Q(team_id=user.team_id)
    if user.has_role(*AGENCY_ROLES) and user.agency_id:
        reach |= Q(agency_id=user.agency_id)
    return queryset.filter(reach)


def may_manage(user, person: User) -> bool:
    return people(user, User.objects.filter(pk=person.pk)).exists()
