"""Who sees and decides retention reviews (issue 10, item 5; D22).

- The information-governance officer sees every review and the erasure log, and decides
  (dispose, keep longer, legal hold); they change every rule but intelligence's.
- Service managers see reviews, rules and the erasure log, and decide nothing.
- Police intelligence officers see the intelligence reviews and their erasures, and set the
  intelligence rule (its review period is police's to set).

No page here shows a child's details: a review shows ids, dates and counts.
"""

from django.db.models import Q

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.navigation import Section

DECIDE_ROLES = frozenset({RoleCode.INFORMATION_GOVERNANCE})
ALL_RECORDS_ROLES = frozenset({RoleCode.INFORMATION_GOVERNANCE, RoleCode.SERVICE_MANAGER})
INTELLIGENCE_ROLES = frozenset({RoleCode.POLICE_INTELLIGENCE_OFFICER})
ROLES = ALL_RECORDS_ROLES | INTELLIGENCE_ROLES

SECTION = Section(
    "Retention",
    "retention:index",
    ROLES,
    "Records due for review or disposal under the retention schedule, and the erasure log",
)


def visible(user) -> Q | None:
    """The condition on a review's (or erasure's) ``record_type`` for this user, or None."""
    if user.has_role(*ALL_RECORDS_ROLES):
        return Q()
    if user.has_role(*INTELLIGENCE_ROLES):
        return Q(record_type="intelligence")
    return None


class ReviewPolicy:
    def scope(self, user, queryset):
        condition = visible(user)
        return queryset.none() if condition is None else queryset.filter(condition)

    def allows(self, user, action, obj) -> bool:
        if action == access.VIEW:
            return (
                visible(user) is not None
                and self.scope(user, type(obj).objects).filter(pk=obj.pk).exists()
            )
        if action == access.CHANGE:
            return user.has_role(*DECIDE_ROLES)
        return False


def register_policies() -> None:
    from governance.retention.models import ErasureLog, RetentionReview

    access.register(RetentionReview)(ReviewPolicy)
    access.register(ErasureLog)(ReviewPolicy)
