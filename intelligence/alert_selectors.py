"""Reads for the "children linked" alert pages and API (issue 8, item 5; D12): the alerts a user
may see, newest first (police-only users and the managers of policy.ALERT_MANAGER_ROLES), and
each as the user may read it (policy.alert_view_of): FULL (the children, the entity and whether
it is a likely-same match), SANITISED (the children and the entity), POSSIBLE (only "Possible
link - contact police")."""

from collections import defaultdict
from dataclasses import dataclass, field

from cse_framework import access
from intelligence import alerts, entity_kinds, policy
from intelligence.models import LinkAlert


def alerts_for(user):
    """The alerts ``user`` may see, newest first, with the children and the entity's kind."""
    queryset = LinkAlert.objects.select_related(
        "first_child", "second_child", "entity_type", "matched_type"
    )
    return access.scope(user, queryset).order_by("-raised_at", "-id")


@dataclass
class AlertRow:
    """One alert as its reader may read it; a POSSIBLE one has only the reference, the link and
    the subject ("Possible link - contact police")."""

    alert: LinkAlert
    view: str
    reference: str
    subject: str
    url: str
    children: list = field(default_factory=list)
    kind: str = ""
    entity: tuple = ()  # (model, id)
    entity_display: str = ""
    matched: tuple = ()  # (model, id) of the likely-same entity (police-only users)
    matched_display: str = ""

    @property
    def entity_url(self) -> str:
        return entity_kinds.url(*self.entity) if self.entity else ""

    @property
    def entity_ref(self) -> str:
        return entity_kinds.ref(*self.entity) if self.entity else ""

    @property
    def matched_url(self) -> str:
        return entity_kinds.url(*self.matched) if self.matched else ""

    @property
    def matched_ref(self) -> str:
        return entity_kinds.ref(*self.matched) if self.matched else ""


def alert_rows(user, page) -> list[AlertRow]:
    """The alerts of a page as ``user`` may read them: one query for the entities' displays."""
    model_of = entity_kinds.model_of_type()
    rows = []
    ids = defaultdict(set)
    for alert in page:
        view = policy.alert_view_of(user, alert)
        row = AlertRow(
            alert=alert,
            view=view,
            reference=alerts.alert_reference(alert),
            subject=alerts.POSSIBLE_LINK
            if view == policy.POSSIBLE
            else alerts.alert_subject(alert),
            url=alerts.alert_link(alert),
        )
        if view != policy.POSSIBLE:
            model = model_of[alert.entity_type_id]
            row.children = [alert.first_child, alert.second_child]
            row.kind = alerts.alert_kind(alert)
            row.entity = (model, alert.entity_id)
            ids[model].add(alert.entity_id)
            if view == policy.FULL and alert.likely:
                matched = model_of[alert.matched_type_id]
                row.matched = (matched, alert.matched_id)
                ids[matched].add(alert.matched_id)
        rows.append(row)
    displays = entity_kinds.displays(ids)
    types = entity_kinds.types()
    for row in rows:
        if row.entity:
            row.entity_display = displays.get((types[row.entity[0]].pk, row.entity[1]), "")
        if row.matched:
            row.matched_display = displays.get((types[row.matched[0]].pk, row.matched[1]), "")
    return rows


def children_shown(rows) -> list:
    """The children the rows show (for the access log)."""
    return [child for row in rows for child in row.children]
