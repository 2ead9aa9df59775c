from django.core.paginator import Paginator
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
    """The child register: 25 a page; each child shown is one audited view."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    page = Paginator(selectors.child_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_view(request, page.object_list)
    return render(request, "referrals/child_list.html", {"page": page})


def child_detail(request, pk):
    child = access.get_object_or_404(request, Child.objects.all(), pk=pk)
    record_view(request, [child])
    return render(request, "referrals/child_detail.html", {"child": child})
