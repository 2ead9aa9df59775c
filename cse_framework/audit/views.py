from django.shortcuts import render

from cse_framework import access
from cse_framework.audit import policy, selectors
from cse_framework.audit.forms import AccessLogFilterForm


def access_log(request):
    """The access log for auditors, filterable by user and by child, 50 events a page."""
    access.require_roles(request.user, policy.AUDITOR_ROLES)
    form = AccessLogFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "user_id": data["user"].pk if data["user"] else None,
            "child_id": data["child"],
            "before_id": data["before"],
        }
    page = selectors.access_events(**filters)
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "events": page.rows,
        "older": page.next_after,
        "filters": query.urlencode(),
        "is_first_page": page.is_first,
    }
    return render(request, "audit/access_log.html", context)
