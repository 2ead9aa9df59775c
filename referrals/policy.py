"""Who may see and do what with the child register and referrals."""

from django.apps import apps
from django.db.models import Q

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
CONFIRM_CHILD = "confirm_child"
AUTHORISE = "authorise"
PLACING_AUTHORITY = "placing_authority"
MERGE = "merge"
# Who keeps the register up to date and merges records: MASH (and EDT out of hours).
REGISTER_EDIT_ROLES = TRIAGE_ROLES
MERGE_ROLES = frozenset({RoleCode.MASH_SOCIAL_WORKER, RoleCode.MASH_TEAM_MANAGER})
AUTHORISATION_SETTING_ROLES = frozenset({RoleCode.MASH_TEAM_MANAGER})
# Who may take a referral by phone or e-mail on behalf of a named referrer.
TAKE_REFERRAL_ROLES = TRIAGE_ROLES
# Everyone who works with children may refer one; the analyst and the administrator do not.
LANDING_ROLES = ALL_ROLES - {RoleCode.LSCB_ANALYST, RoleCode.SYSTEM_ADMINISTRATOR}

SECTION = Section(
    "Referrals",
    "referrals:index",
    LANDING_ROLES,
    "Refer a child (CSE1 and MARF), and the child register",
)


def held_children(user):
    """The ids of the children a Shield worker holds or has held (shield.models.Allocation)."""
    return apps.get_model("shield", "Allocation").objects.filter(worker=user).values("child_id")


def breakglass_children(user):
    """The children ``user`` holds a live break-glass grant for (governance.breakglass)."""
    from governance.breakglass.selectors import granted_child_ids

    return granted_child_ids(user)


@access.register(Child)
class ChildPolicy:
    """The register roles see every child; an allocated social worker sees the children
    allocated to them, and a Shield worker the children they hold or have held; nobody else
    sees any."""

    def scope(self, user, queryset):
        if user.has_role(*REGISTER_ROLES):
            return queryset
        condition = Q(pk__in=[])
        if user.has_role(RoleCode.ALLOCATED_SOCIAL_WORKER):
            condition |= Q(allocated_social_worker=user)
        if user.has_role(RoleCode.SHIELD_WORKER):
            # The children a Shield worker holds or has held (shield.models.Allocation).
            condition |= Q(pk__in=held_children(user))
        # Break-glass (issue 10): a child opened in an emergency, while the grant lasts.
        condition |= Q(pk__in=breakglass_children(user))
        return queryset.filter(condition)

    def allows(self, user, action, obj) -> bool:
        if action == access.VIEW:
            return self.scope(user, Child.objects.filter(pk=obj.pk)).exists()
        if action == access.CHANGE:
            return obj.merged_into_id is None and user.has_role(*REGISTER_EDIT_ROLES)
        if action == MERGE:
            return obj.merged_into_id is None and user.has_role(*MERGE_ROLES)
        return False


AWAITING_MASH = {Referral.Status.RECEIVED, Referral.Status.AWAITING_AUTHORISATION}


@access.register(Referral)
class ReferralPolicy:
    """MASH and EDT see every submitted referral; an allocated social worker those routed to
    them; a Shield worker those about the children they hold or have held; a referrer only their
    own and their agency's. A draft is seen only by whoever is writing it."""

    def scope(self, user, queryset):
        if user.has_role(*REGISTER_ROLES):
            # One condition, so a filter on status can still use the queues' partial indexes.
            return queryset.filter(
                ~Q(status=Referral.Status.DRAFT) | Q(referrer=user) | Q(taken_by=user)
            )
        own = queryset.filter(referrer=user) | queryset.filter(taken_by=user)
        if user.has_role(RoleCode.ALLOCATED_SOCIAL_WORKER):
            own = own | queryset.filter(routed_to=user)
        if user.has_role(RoleCode.SHIELD_WORKER):
            own = own | queryset.filter(child_id__in=held_children(user)).exclude(
                status=Referral.Status.DRAFT
            )
        if user.agency_id:
            own = own | queryset.filter(referrer_agency_id=user.agency_id, taken_by=None)
        return own

    def allows(self, user, action, obj) -> bool:
        if action == access.VIEW:
            return self.scope(user, Referral.objects.filter(pk=obj.pk)).exists()
        if action == access.CHANGE:
            return obj.status == Referral.Status.DRAFT and user.pk in (
                obj.referrer_id,
                obj.taken_by_id,
            )
        if action == TRIAGE:
            return obj.status == Referral.Status.RECEIVED and user.has_role(*TRIAGE_ROLES)
        if action == CONFIRM_CHILD:
            return obj.status in AWAITING_MASH and user.has_role(*TRIAGE_ROLES)
        if action == AUTHORISE:
            return obj.status == Referral.Status.AWAITING_AUTHORISATION and user.has_role(
                RoleCode.MASH_TEAM_MANAGER
            )
        if action == PLACING_AUTHORITY:
            return (
                obj.placed_by_another_authority
                and obj.status != Referral.Status.DRAFT
                and user.has_role(*TRIAGE_ROLES)
            )
        return False
