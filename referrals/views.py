import uuid

from django.shortcuts import render

from cse_framework import access
from cse_framework.audit.services import record_view
from referrals import policy, selectors
from referrals.models import Child

PAGE_SIZE = 25


def index(request):
    access.require_roles(request.user, policy.LANDING_ROLES)
    return render(
        request,
        "referrals/index.html",
        {"can_see_register": access.has_role(request.user, policy.REGISTER_ROLES)},
    )


def child_list(request):
    """The child register: 25 a page by name; each child shown is one audited view."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    try:
        after = uuid.UUID(request.GET["after"]) if request.GET.get("after") else None
    except ValueError:
        after = None
    page = selectors.child_register_page(user=request.user, after=after, size=PAGE_SIZE)
    record_view(request, page.rows)
    return render(request, "referrals/child_list.html", {"page": page})


def child_detail(request, pk):
    child = access.get_object_or_404(request, Child.objects.all(), pk=pk)
    record_view(request, [child])
    return render(request, "referrals/child_detail.html", {"child": child})
