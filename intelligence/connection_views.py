"""A child's connections (issue 8, items 5 and 6; D12): the other children and entities linked to
the child within two steps, as an accessible table and a server-rendered network (SVG, no
JavaScript) whose text alternative is the table. Police-only users see every connection; the
Shield team managers, service managers and the child's Shield worker see police-only ones as
"Possible link - contact police"; everyone else 404, audited like any denied record. The child
and each other child shown are audited as viewed."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cse_framework import access
from cse_framework.audit.services import record_view
from intelligence import connections, network
from referrals.models import Child

POSSIBLE = ("possible",)  # the one node of every masked connection


def spokes(rows) -> list[network.Spoke]:
    """The network of a child's connections: each entity the child is linked to is a spoke,
    each other child joined through it a leaf beyond it (a child joined through several
    entities is drawn once, with a line to each); masked connections are one spoke."""
    found: dict = {}
    for row in rows:
        key = POSSIBLE if row.masked else row.entity_key
        if key not in found:
            found[key] = network.Spoke(
                label=row.label if row.masked else f"{row.kind}: {row.entity_display}",
                shape=network.POSSIBLE if row.masked else network.RECORD,
            )
        if row.other_child is not None:
            found[key].leaves.append(
                network.Leaf(
                    key=row.other_child.pk,
                    label=str(row.other_child),
                    likely=row.how == connections.LIKELY_SAME,
                )
            )
    return list(found.values())


@require_GET
def child_connections(request, pk):
    child = Child.objects.filter(pk=pk).first()
    if child is None:
        raise Http404
    view = connections.view_of(request.user, child)
    if view is None:
        access.deny(request, child)
    rows = connections.child_connections(child, request.user)
    shown = {row.other_child.pk: row.other_child for row in rows if row.other_child is not None}
    record_view(request, [child, *shown.values()])
    graph = network.draw(centre=str(child), spokes=spokes(rows))
    summary = (
        f"Network of {child}'s connections: {len(graph['spokes'])} linked records and "
        f"{len(graph['leaves'])} other children. The table below lists the same links."
    )
    return render(
        request,
        "intelligence/child_connections.html",
        {"child": child, "rows": rows, "view": view, "graph": graph, "summary": summary},
    )
