from django.db.models import Case, IntegerField, Value, When

from cse_framework import access
from cse_framework.pagination import KeysetPage, keyset_page
from referrals.models import Child, Referral

REGISTER_ORDER = ("family_name", "given_names", "id")


def child_list(*, user):
    """The children this user may see."""
    return access.scope(user, Child.objects.all())


def child_register_page(*, user, after=None, size: int = 25) -> KeysetPage:
    """One page of the register by name, after the child ``after`` (keyset: the cost of a page does
    not grow with the register)."""
    return keyset_page(child_list(user=user), order=REGISTER_ORDER, after=after, size=size)


def triage_queue(*, user):
    """Received referrals in D19's order: emergencies, then "review urgently", then the referrer's
    level of concern, then the oldest receipt first."""
    concern_rank = Case(
        *(
            When(level_of_concern=code, then=Value(rank))
            for code, rank in Referral.CONCERN_RANK.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        access.scope(user, Referral.objects.filter(status=Referral.Status.RECEIVED))
        .select_related("referrer_agency", "child")
        .annotate(concern_rank=concern_rank)
        .order_by("-emergency", "-review_urgently", "-concern_rank", "received_at", "id")
    )
