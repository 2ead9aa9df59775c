"""Break-glass pages: asking for emergency access to a child's record, and the report of every use
with its review (issue 10 item 6)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit.policy import AUDITOR_ROLES
from governance.breakglass import policy, selectors, services
from governance.breakglass.forms import BreakGlassForm, ReviewForm
from referrals.models import Child


def _child(pk) -> Child | None:
    """The child a record number names, following a merge to the record kept."""
    child = Child.objects.filter(pk=pk).first()
    while child is not None and child.merged_into_id is not None:
        child = Child.objects.filter(pk=child.merged_into_id).first()
    return child


@require_http_methods(["GET", "POST"])
def start(request):
    access.require_roles(request.user, policy.BREAK_GLASS_ROLES)
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        child = _child(form.cleaned_data["child"])
        if child is None:
            form.add_error("child", "No child record has this number. Check it and try again")
        elif access.check(request.user, access.VIEW, child):
            messages.info(request, "You can already see this child's record")
            return redirect("referrals:child-detail", pk=child.pk)
        else:
            try:
                grant = services.grant_open(
                    request=request, child=child, reason=form.cleaned_data["reason"]
                )
            except services.BreakGlassRefused as refusal:
                form.add_error("reason", str(refusal))
            else:
                messages.warning(
                    request,
                    f"Break-glass access until {grant.expires_at:%H:%M}. Your manager and the "
                    "service manager have been told, and this use will be reviewed.",
                )
                return redirect("referrals:child-detail", pk=child.pk)
    context = {"form": form, "minutes": services.duration().seconds // 60}
    return render(request, "breakglass/start.html", context)


PAGE_SIZE = selectors.PAGE_SIZE


def report(request):
    access.require_roles(request.user, policy.REVIEW_ROLES)
    unreviewed = request.GET.get("show") == "unreviewed"
    page = Paginator(selectors.report(unreviewed_only=unreviewed), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "grants": page.object_list,
        "unreviewed": unreviewed,
        "query": "show=unreviewed" if unreviewed else "",
    }
    return render(request, "breakglass/report.html", context)


@require_http_methods(["GET", "POST"])
def review(request, pk):
    access.require_roles(request.user, policy.REVIEW_ROLES)
    grant = get_object_or_404(selectors.report(), pk=pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and grant.reviewed_at is None:
        try:
            services.grant_review(grant=grant, by=request.user, **form.cleaned_data)
        except services.BreakGlassRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Review recorded")
            return redirect("breakglass:report")
    context = {
        "grant": grant,
        "form": form,
        "sees_access_log": access.has_role(request.user, AUDITOR_ROLES),
    }
    return render(request, "breakglass/review.html", context)
