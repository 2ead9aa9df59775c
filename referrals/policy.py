"""Who may see and do what with the child register and referrals."""

from cse_framework import access
from cse_framework.accounts.roles import ALL_ROLES, RoleCode
from cse_framework.navigation import Section
from referrals.models import Child, Referral

# Roles that work the whole register: the front door, out of hours, Shield's managers, auditors.
REGISTER_ROLES = frozenset(
    {
        RoleCode.MASH_SOCIAL_WORKER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.EDT_SOCIAL_WORKER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.SERVICE_MANAGER,
    }
)
# Who decides on a received referral: MASH, and EDT out of hours.
TRIAGE_ROLES = frozenset(
    {RoleCode.MASH_SOCIAL_WORKER, RoleCode.MASH_TEAM_MANAGER, RoleCode.EDT_SOCIAL_WORKER}
)
TRIAGE = "triage"
# Everyone who works with children may refer one; the analyst and the administrator do not.
LANDING_ROLES = ALL_ROLES - {RoleCode.LSCB_ANALYST, RoleCode.SYSTEM_ADMINISTRATOR}

SECTION = Section(
    "Referrals",
    "referrals:index",
    LANDING_ROLES,
    "Refer a child (CSE1 and MARF), and the child register",
)


@access.register(Child)
class ChildPolicy:
    def scope(self, user, queryset):
        if user.has_role(*REGISTER_ROLES):
            return queryset
        return queryset.none()

    def allows(self, user, action, obj) -> bool:
        if action == access.VIEW:
            return user.has_role(*REGISTER_ROLES)
        return False


@access.register(Referral)
class ReferralPolicy:
    """MASH and EDT see every referral; a referrer sees only their own and their agency's."""

    def scope(self, user, queryset):
        if user.has_role(*REGISTER_ROLES):
            return queryset.exclude(status=Referral.Status.DRAFT) | queryset.filter(referrer=user)
        return (
            queryset.filter(referrer_agency_id=user.agency_id)
            if user.agency_id
            else (queryset.filter(referrer=user))
        )

    def allows(self, user, action, obj) -> bool:
        if action == access.VIEW:
            return self.scope(user, Referral.objects.filter(pk=obj.pk)).exists()
        if action == access.CHANGE:
            return obj.status == Referral.Status.DRAFT and obj.referrer_id == user.pk
        if action == TRIAGE:
            return obj.status == Referral.Status.RECEIVED and user.has_role(*TRIAGE_ROLES)
        return False
