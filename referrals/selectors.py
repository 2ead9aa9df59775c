from cse_framework import access
from referrals.models import Child


def child_list(*, user):
    """The children this user may see, by name."""
    return access.scope(user, Child.objects.all()).order_by("family_name", "given_names", "id")
