from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit import policy, selectors
from cse_framework.audit.forms import AccessLogFilterForm, AccessLogQuery


@require_http_methods(["GET", "POST"])
def access_log(request):
    """The access log for auditors, filterable by user and by child, 50 events a page. The
    filter is POSTed and answered with a redirect to the log by the user's id."""
    access.require_roles(request.user, policy.AUDITOR_ROLES)
    if request.method == "POST":
        form = AccessLogFilterForm(request.POST)
        if form.is_valid():
            query = urlencode(form.query())
            return redirect(f"{reverse('audit:log')}?{query}" if query else reverse("audit:log"))
        filters = {}
    else:
        query = AccessLogQuery(request.GET)
        form, filters = query.filter_form(), query.filters()
    page = selectors.access_events(**filters)
    params = request.GET.copy()
    params.pop("before", None)
    context = {
        "form": form,
        "events": page.rows,
        "older": page.next_after,
        "filters": params.urlencode(),
        "is_first_page": page.is_first,
    }
    return render(request, "audit/access_log.html", context)
