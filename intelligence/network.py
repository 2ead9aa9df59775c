"""Where the nodes of a network drawing sit (issue 8, item 6): a server-drawn SVG, no JavaScript,
shared by a child's connections page and an entity's page (template
intelligence/network_svg.html). The subject sits in the middle, what it is linked to on a
circle around it (the spokes), and what each of those leads on to beyond it (the leaves: a node
reached through several spokes is drawn once, with a line to each). A dashed line is a
likely-same match. The drawing is decoration beside a table of the same links, which is its text
alternative."""

import math
from dataclasses import dataclass, field

WIDTH = HEIGHT = 640
CENTRE = WIDTH / 2
SPOKE_RADIUS = 150
LEAF_RADIUS = 270
LEAF_SPREAD = 0.3  # radians between the leaves of one spoke

# How a node is drawn.
CHILD = "child"  # a circle
RECORD = "record"  # a square: a person, a place, a vehicle, a phone, a handle
POSSIBLE = "possible"  # "Possible link - contact police": a grey square


@dataclass(frozen=True)
class Leaf:
    key: object  # the node's identity: drawn once however many spokes lead to it
    label: str
    shape: str = CHILD
    likely: bool = False  # joined through a likely-same match (a dashed line)


@dataclass
class Spoke:
    label: str
    shape: str = RECORD
    likely: bool = False
    leaves: list[Leaf] = field(default_factory=list)


def _point(angle: float, radius: float) -> tuple[float, float]:
    return (
        round(CENTRE + radius * math.cos(angle), 1),
        round(CENTRE + radius * math.sin(angle), 1),
    )


def draw(*, centre: str, spokes: list[Spoke], centre_shape: str = CHILD) -> dict:
    """The drawing's nodes and lines: ``centre`` in the middle, each spoke on a circle around
    it, each spoke's leaves beyond it."""
    spoke_nodes, leaf_nodes, lines = [], {}, []
    count = max(len(spokes), 1)
    for index, spoke in enumerate(spokes):
        angle = 2 * math.pi * index / count - math.pi / 2
        x, y = _point(angle, SPOKE_RADIUS)
        spoke_nodes.append({"x": x, "y": y, "label": spoke.label, "shape": spoke.shape})
        lines.append({"x1": CENTRE, "y1": CENTRE, "x2": x, "y2": y, "likely": spoke.likely})
        for offset, leaf in enumerate(spoke.leaves):
            if leaf.key not in leaf_nodes:
                spread = (offset - (len(spoke.leaves) - 1) / 2) * LEAF_SPREAD
                lx, ly = _point(angle + spread, LEAF_RADIUS)
                leaf_nodes[leaf.key] = {"x": lx, "y": ly, "label": leaf.label, "shape": leaf.shape}
            node = leaf_nodes[leaf.key]
            lines.append(
                {"x1": x, "y1": y, "x2": node["x"], "y2": node["y"], "likely": leaf.likely}
            )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "centre": {"x": CENTRE, "y": CENTRE, "label": centre, "shape": centre_shape},
        "nodes": [*spoke_nodes, *leaf_nodes.values()],
        "spokes": spoke_nodes,
        "leaves": list(leaf_nodes.values()),
        "lines": lines,
    }
