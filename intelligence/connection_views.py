"""A child's connections (issue 8, items 5 and 6; D12): the other children and entities linked to
the child within two steps, as an accessible table and a server-rendered network (SVG, no
JavaScript) whose text alternative is the table. Police-only users see every connection; the
Shield team managers, service managers and the child's Shield worker see police-only ones as
"Possible link - contact police"; everyone else 404, audited like any denied record. The child
and each other child shown are audited as viewed."""

import math

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cse_framework.audit.services import record_denial, record_view
from intelligence import connections
from referrals.models import Child

WIDTH = HEIGHT = 640
CENTRE = WIDTH / 2
ENTITY_RADIUS = 150
CHILD_RADIUS = 270


def _point(angle: float, radius: float) -> tuple[float, float]:
    return (
        round(CENTRE + radius * math.cos(angle), 1),
        round(CENTRE + radius * math.sin(angle), 1),
    )


def network(child, rows) -> dict:
    """Where each node of the network sits: the child in the middle, the entities on a circle
    around it, each other child beyond the entity joining them (a child joined through several
    entities is drawn once, with a line to each)."""
    entities = {}
    for row in rows:
        key = ("possible",) if row.masked else row.entity_key
        if key not in entities:
            label = row.label if row.masked else f"{row.kind}: {row.entity_display}"
            entities[key] = {"label": label, "rows": []}
        entities[key]["rows"].append(row)
    entity_nodes, child_nodes, lines = [], {}, []
    count = max(len(entities), 1)
    for index, entity in enumerate(entities.values()):
        angle = 2 * math.pi * index / count - math.pi / 2
        x, y = _point(angle, ENTITY_RADIUS)
        entity_nodes.append({"x": x, "y": y, "label": entity["label"]})
        lines.append({"x1": CENTRE, "y1": CENTRE, "x2": x, "y2": y, "likely": False})
        others = [row for row in entity["rows"] if row.other_child is not None]
        for offset, row in enumerate(others):
            other = row.other_child
            if other.pk not in child_nodes:
                spread = (offset - (len(others) - 1) / 2) * 0.3
                cx, cy = _point(angle + spread, CHILD_RADIUS)
                child_nodes[other.pk] = {"x": cx, "y": cy, "label": str(other)}
            node = child_nodes[other.pk]
            lines.append(
                {
                    "x1": x,
                    "y1": y,
                    "x2": node["x"],
                    "y2": node["y"],
                    "likely": row.how == connections.LIKELY_SAME,
                }
            )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "centre": {"x": CENTRE, "y": CENTRE, "label": str(child)},
        "entities": entity_nodes,
        "children": list(child_nodes.values()),
        "lines": lines,
    }


@require_GET
def child_connections(request, pk):
    child = Child.objects.filter(pk=pk).first()
    if child is None:
        raise Http404
    view = connections.view_of(request.user, child)
    if view is None:
        record_denial(request, child)
        request.audited_denial = True
        raise Http404
    rows = connections.child_connections(child, request.user)
    shown = {row.other_child.pk: row.other_child for row in rows if row.other_child is not None}
    record_view(request, [child, *shown.values()])
    graph = network(child, rows)
    summary = (
        f"Network of {child}'s connections: {len(graph['entities'])} linked records and "
        f"{len(graph['children'])} other children. The table below lists the same links."
    )
    return render(
        request,
        "intelligence/child_connections.html",
        {"child": child, "rows": rows, "view": view, "graph": graph, "summary": summary},
    )
