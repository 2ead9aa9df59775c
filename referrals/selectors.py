from cse_framework import access
from cse_framework.pagination import KeysetPage, keyset_page
from referrals.models import Child

REGISTER_ORDER = ("family_name", "given_names", "id")


def child_list(*, user):
    """The children this user may see."""
    return access.scope(user, Child.objects.all())


def child_register_page(*, user, after=None, size: int = 25) -> KeysetPage:
    """One page of the register by name, after the child ``after`` (keyset: the cost of a page does
    not grow with the register)."""
    return keyset_page(child_list(user=user), order=REGISTER_ORDER, after=after, size=size)
