"""Entity pages (issue 8, items 4 and 6; D12): finding a person, place, vehicle, phone or handle
by what is typed (police-only users); an entity's page with its details (malformed input
flagged), the entities likely the same, the children and entities linked to it as a
server-drawn network beside a table of the same links, and the reports naming it; and linking
two entities by hand (police-only users).

Who sees what is decided by intelligence.entity_selectors.view_of: police-only users everything;
Shield team managers, service managers and a Shield worker allocated to a linked child the
entity only if something of it is not police-only, and what rests on police-only intelligence
only as "Possible link - contact police"; everyone else 404, the denial audited. Each report is
shown only as the user may read it (intelligence.policy.view_of). Every child, report and entity
shown is audited as viewed. Thin: the reads are in entity_selectors, the link in entity_links."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from cse_framework.pagination import CountedPaginator
from intelligence import entity_kinds, entity_links, entity_selectors, network, policy
from intelligence.alerts import POSSIBLE_LINK
from intelligence.entity_forms import LinkForm, SearchForm

PAGE_SIZE = 25


def _police_only(request) -> None:
    if not policy.sees_police_only(request.user):
        raise Http404


@require_GET
def entity_search(request):
    """Police-only users find an entity by what they type, 25 a page: two queries a page."""
    _police_only(request)
    form = SearchForm(request.GET or None)
    page = None
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        text, kind = form.cleaned_data["q"], form.cleaned_data["kind"] or None
        rows = entity_selectors.search(text, kind=kind)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = [entity_selectors.Found(*row) for row in page.object_list]
        record_view(request, [found.model(pk=found.pk) for found in page.object_list])
        query = request.GET.copy()
        query.pop("page", None)
        query = query.urlencode()
    return render(
        request, "intelligence/entity_search.html", {"form": form, "page": page, "query": query}
    )


def _entity_for_page(request, kind, pk):
    """The entity and what the user may see of it; 404 if missing or not theirs (audited)."""
    entity = entity_selectors.entity_get(kind, pk)
    if entity is None:
        raise Http404
    view = entity_selectors.view_of(request.user, entity)
    if view is None:
        access.deny(request, entity)
    return entity, view


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _label(model, display: str) -> str:
    return f"{entity_kinds.words(model)}: {display}"


def spokes(found: entity_selectors.Profile) -> list[network.Spoke]:
    """The network of an entity: the children linked to it, the entities linked to it and
    those likely the same (a dashed line), each a node around it; what is masked, one node."""
    drawn = [network.Spoke(str(row.child), shape=network.CHILD) for row in found.children]
    drawn += [network.Spoke(_label(other.model, other.display)) for other in found.entities]
    drawn += [
        network.Spoke(_label(other.model, other.display), likely=True) for other in found.likely
    ]
    if found.masked:
        drawn.append(network.Spoke(POSSIBLE_LINK, shape=network.POSSIBLE))
    return drawn


def connection_rows(found: entity_selectors.Profile) -> list[dict]:
    """The table beside the drawing: the same links, one row each."""
    rows = [
        {
            "kind": "Child",
            "name": str(row.child),
            "url": reverse("intelligence:child-connections", kwargs={"pk": row.child.pk}),
            "how": entity_selectors.CHILD,
            "police_only": row.police_only,
        }
        for row in found.children
    ]
    rows += [
        {
            "kind": other.kind.capitalize(),
            "name": other.display,
            "url": other.url,
            "how": other.how,
            "police_only": other.police_only,
        }
        for other in [*found.entities, *found.likely]
    ]
    return rows


@require_GET
def entity_detail(request, kind, pk):
    entity, view = _entity_for_page(request, kind, pk)
    found = entity_selectors.profile(entity, view)
    reports, reports_masked = entity_selectors.reports_naming(entity, request.user, view)
    page = CountedPaginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [row.child for row in found.children]
    record_view(request, [entity, *shown, *page.object_list])
    title = _label(type(entity), entity.display)
    name = f"{entity_kinds.words(type(entity))} {entity.display}"
    graph = network.draw(centre=title, spokes=spokes(found), centre_shape=network.RECORD)
    summary = (
        f"Network of the {name}: "
        f"{_count(len(found.children), 'linked child', 'linked children')}, "
        f"{_count(len(found.entities), 'linked record', 'linked records')} and "
        f"{_count(len(found.likely), 'record', 'records')} likely the same. The table below "
        "lists the same links."
    )
    context = {
        "entity": entity,
        "kind": kind,
        "title": title,
        "name": name,
        "view": view,
        "profile": found,
        "rows": connection_rows(found),
        "graph": graph,
        "summary": summary,
        "page": page,
        "reports": [(report, policy.view_of(request.user, report)) for report in page],
        "reports_masked": reports_masked,
        "possible_link": POSSIBLE_LINK,
        "police": view == entity_selectors.FULL,
    }
    return render(request, "intelligence/entity_detail.html", context)


@require_http_methods(["GET", "POST"])
def entity_link(request, kind, pk):
    """Police-only users link this entity to another by hand; everyone else 404 (audited)."""
    entity = entity_selectors.entity_get(kind, pk)
    if entity is None:
        raise Http404
    if not policy.sees_police_only(request.user):
        access.deny(request, entity)
    offered = entity_selectors.link_offers(entity, request.user)
    form = LinkForm(request.POST if request.method == "POST" else None, offered=offered)
    if request.method == "POST" and form.is_valid():
        try:
            # Made by hand: the police user's own judgement is the link's source.
            link, created = entity_links.entity_link(
                first=entity, source=request.user, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                record(request, AccessEvent.Action.CREATE, link)
                messages.success(request, "The two records are linked.")
            else:
                messages.info(request, "You had linked these two records already.")
            return redirect(entity_kinds.url_of(entity))
    context = {
        "form": form,
        "entity": entity,
        "title": f"Link {entity_kinds.words(type(entity))} {entity.display} to another record",
    }
    return render(request, "intelligence/entity_link.html", context)
