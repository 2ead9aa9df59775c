"""Who may record and work subject-access requests (issue 10, item 4).

The service manager, the MASH and Shield team managers and the information-governance officer.
Managers start a request from a child they may see (``referrals.policy.ChildPolicy``). The
information-governance officer is not a register role and sees no child's record in general: they
reach a child only through the subject-access pages (a request's record number, given to them by
the team, or a request already recorded), and every page of it that shows the child is in the
access log. That is the whole of their access: it does not widen the register's.

Police-only intelligence (D12) goes into a pack in full only when a police-only user makes it;
such a pack may be downloaded only by police-only users.
"""

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section
from governance.subject_access.models import SubjectAccessPack, SubjectAccessRequest
from intelligence.policy import POLICE_ONLY_ROLES
from referrals.models import Child
from referrals.policy import REGISTER_ROLES

ROLES = frozenset(
    {
        RoleCode.SERVICE_MANAGER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.INFORMATION_GOVERNANCE,
    }
)
# Who may start a request for any child, seeing it only through these pages.
ANY_CHILD_ROLES = frozenset({RoleCode.INFORMATION_GOVERNANCE})
WORK = "work"  # make a pack, record a redaction, complete

SECTION = Section(
    "Subject access",
    "subject_access:index",
    ROLES,
    "Subject-access requests: a child's records gathered, reviewed and sent within a month",
)


def may_work(user) -> bool:
    return access.has_role(user, ROLES)


def children_for_request(user):
    """The children ``user`` may start a request for: any child (not merged away) for the
    information-governance officer, else the child register as the user sees it."""
    live = Child.objects.filter(merged_into__isnull=True)
    if not may_work(user):
        return live.none()
    if user.has_role(*ANY_CHILD_ROLES):
        return live
    if user.has_role(*REGISTER_ROLES):
        return access.scope(user, live)
    return live.none()


def may_download(user, pack: SubjectAccessPack) -> bool:
    if not may_work(user):
        return False
    return not pack.police_only_content or user.has_role(*POLICE_ONLY_ROLES)


@access.register(SubjectAccessRequest)
class SubjectAccessRequestPolicy:
    """Whoever works subject access sees every request; nobody else sees any."""

    def scope(self, user, queryset):
        return queryset if user.has_role(*ROLES) else queryset.none()

    def allows(self, user, action, obj) -> bool:
        if not user.has_role(*ROLES):
            return False
        if action == access.VIEW:
            return True
        if action == WORK:
            return obj.is_open
        return False
