"""Hotspots page (issue 8, item 7): the locations and the online handles named most often in a
period, for the MACSE "locations and online platforms" agenda item. For the roles of
intelligence.policy.HOTSPOT_ROLES (403 for the others: the page shows no single record); what
each user counts is decided in intelligence.hotspots (D12). The page shows no child, only counts,
so nothing is written to the access log. Thin: the counting is in intelligence.hotspots."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cse_framework import access
from intelligence import entity_kinds, hotspots, policy
from intelligence.hotspot_forms import PeriodForm
from intelligence.models import Location, OnlineHandle
from intelligence.normalise import PLATFORMS

# Each table: its model, the query parameter of its page number, its heading and what its
# entities are called.
TABLES = (
    (Location, "locations_page", "Locations", "Location"),
    (OnlineHandle, "handles_page", "Online platforms and handles", "Handle"),
)
PERIOD_KEYS = ("start_0", "start_1", "start_2", "end_0", "end_1", "end_2")


def _page_url(request, param: str, number: int) -> str:
    """This page with the same period and the other table's page, at page ``number`` of one."""
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


def _opens_entities(user) -> bool:
    """Whether a row links to its entity's page. That page (intelligence.entity_selectors.view_of)
    opens for police-only users, and for the managers an entity with something not police-only,
    which is every entity listed for them here; the MACSE administrator and the health
    representative see the names only."""
    return access.has_role(user, policy.POLICE_ONLY_ROLES | policy.ALERT_MANAGER_ROLES)


def _what(entity) -> str:
    """The kind of place, or the platform of a handle."""
    if isinstance(entity, Location):
        return entity.get_kind_display()
    return PLATFORMS.get(entity.platform, entity.platform)


def _table(request, model, param, title, noun, period) -> dict:
    page = hotspots.hotspots(model, user=request.user, period=period, page=request.GET.get(param))
    links = _opens_entities(request.user)
    return {
        "id": param.removesuffix("_page"),
        "title": title,
        "noun": noun,
        "page": page,
        "rows": [
            {
                "hotspot": row,
                "url": entity_kinds.url_of(row.entity) if links else None,
                "what": _what(row.entity),
            }
            for row in page.object_list
        ],
        "previous": _page_url(request, param, page.previous_page_number())
        if page.has_previous()
        else None,
        "next": _page_url(request, param, page.next_page_number()) if page.has_next() else None,
    }


@require_GET
def hotspot_list(request):
    access.require_roles(request.user, policy.HOTSPOT_ROLES)
    sent = any(key in request.GET for key in PERIOD_KEYS)
    form = PeriodForm(request.GET if sent else None, today=timezone.localdate())
    context = {
        "form": form,
        "everything": hotspots.counts_everything(request.user),
        "tables": [],
        "period": None,
    }
    if not sent or form.is_valid():
        period = form.period()
        context["period"] = period
        context["tables"] = [_table(request, *table, period) for table in TABLES]
    return render(request, "intelligence/hotspots.html", context)
