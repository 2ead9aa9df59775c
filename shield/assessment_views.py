"""CSE2 pages. Thin: the rules are in shield.services and shield.scoring."""

from django.shortcuts import render

from cse_framework import access
from cse_framework.audit.services import record_view
from shield.models import Assessment


def assessment_detail(request, pk):
    assessment = access.get_object_or_404(
        request, Assessment.objects.select_related("child", "scheme", "previous"), pk=pk
    )
    record_view(request, [assessment])
    context = {
        "assessment": assessment,
        "scores": list(assessment.scores.select_related("category")),
    }
    return render(request, "shield/assessment_detail.html", context)
