"""Shield casework pages. Thin: the rules are in shield.services."""

from django.shortcuts import render

from cse_framework import access
from cse_framework.audit.services import record_view
from shield import policy
from shield.models import ShieldCase


def index(request):
    access.require_roles(request.user, policy.LANDING_ROLES)
    cases = list(
        access.scope(request.user, ShieldCase.objects.filter(status=ShieldCase.Status.OPEN))
        .select_related("child", "worker")
        .order_by("opened_at", "id")[:50]
    )
    record_view(request, cases)
    return render(request, "shield/index.html", {"cases": cases, "section": policy.SECTION})


def case_detail(request, pk):
    case = access.get_object_or_404(
        request, ShieldCase.objects.select_related("child", "worker"), pk=pk
    )
    record_view(request, [case])
    context = {
        "case": case,
        "allocations": list(case.allocations.select_related("worker", "allocated_by")),
        "assessments": list(case.child.assessments.order_by("-sequence", "-id")),
    }
    return render(request, "shield/case_detail.html", context)
