"""The "children linked" alert pages (issue 8, item 5; D12): the list of alerts, newest first,
and an alert's page. Police-only users see the two children, the entity and whether it is a
likely-same match; Shield team managers and service managers see the children and the entity
only where the alert rests on nothing police-only, otherwise "Possible link - contact police"
and nothing more, and so does a Shield worker for the alerts about a child they hold; everyone
else: 403 for the list (it shows no record), 404 for an alert, audited. Every child shown is
audited as viewed."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.services import record_view
from cse_framework.pagination import CountedPaginator
from intelligence import alert_selectors, alerts, policy
from intelligence.models import LinkAlert

PAGE_SIZE = 25
# Who may open the list: those who see alerts (a Shield worker those of the children they hold).
LIST_ROLES = policy.POLICE_ONLY_ROLES | policy.ALERT_MANAGER_ROLES | {RoleCode.SHIELD_WORKER}


@require_GET
def alert_list(request):
    """The alerts the user may see, newest first, 25 a page: one query for the page and its
    total, one for the entities' displays."""
    access.require_roles(request.user, LIST_ROLES)
    page = CountedPaginator(alert_selectors.alerts_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = alert_selectors.alert_rows(request.user, page.object_list)
    # The children shown, and each alert shown only as "possible link" (about no child).
    masked = [row.alert for row in rows if row.view == policy.POSSIBLE]
    record_view(request, [*alert_selectors.children_shown(rows), *masked])
    context = {"page": page, "rows": rows, "police": policy.sees_police_only(request.user)}
    return render(request, "intelligence/alert_list.html", context)


@require_GET
def alert_detail(request, pk):
    alert = access.get_object_or_404(request, LinkAlert.objects.all(), pk=pk)
    view = policy.alert_view_of(request.user, alert)
    context = {"alert": alert, "view": view, "reference": alerts.alert_reference(alert)}
    if view == policy.POSSIBLE:
        context["subject"] = alerts.POSSIBLE_LINK
        record_view(request, [alert], child_of=lambda _: None)
    else:
        children = [alert.first_child, alert.second_child]
        context.update(
            subject=alerts.alert_subject(alert),
            kind=alerts.alert_kind(alert),
            children=children,
            entity=alert.entity,
            matched=alert.matched_type.get_object_for_this_type(pk=alert.matched_id)
            if alert.likely
            else None,
        )
        record_view(request, children)
    return render(request, "intelligence/alert_detail.html", context)
