from django.core.paginator import Paginator
from django.shortcuts import render

from cse_framework import access
from cse_framework.audit import policy, selectors
from cse_framework.audit.forms import AccessLogFilterForm


def access_log(request):
    """The access log for auditors, filterable by user and by child. Paginated (50 a page)."""
    access.require_roles(request.user, policy.AUDITOR_ROLES)
    form = AccessLogFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        if form.cleaned_data["user"]:
            filters["user_id"] = form.cleaned_data["user"].pk
        if form.cleaned_data["child"]:
            filters["child_id"] = form.cleaned_data["child"]
    page = Paginator(selectors.access_events(**filters), 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"form": form, "page": page})
