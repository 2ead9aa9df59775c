"""A "children linked" alert's page (issue 8, item 5; D12): police-only users see the two
children, the entity and whether it is a likely-same match; Shield team managers and service
managers see the children and the entity only where the alert rests on nothing police-only,
otherwise "Possible link - contact police" and nothing more; everyone else 404, audited."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cse_framework import access
from cse_framework.audit.services import record_view
from intelligence import alerts, policy
from intelligence.models import LinkAlert


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
