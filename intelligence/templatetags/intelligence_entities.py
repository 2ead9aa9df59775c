"""Template filters for intelligence pages: the URL of an entity's page, and whether a user may
open the "children linked" alerts."""

from django import template

from cse_framework import access
from intelligence import entity_kinds

register = template.Library()


@register.filter
def entity_url(entity) -> str:
    """The page of an entity (a Person, Location, Vehicle, Phone or OnlineHandle)."""
    return entity_kinds.url_of(entity)


@register.filter
def entity_key_url(key) -> str:
    """The page of the entity with this (content type id, entity id), or "" if none."""
    if not key:
        return ""
    model = entity_kinds.model_of_type().get(key[0])
    return entity_kinds.url(model, key[1]) if model else ""


@register.filter
def sees_alerts(user) -> bool:
    """Whether ``user`` may open the list of "children linked" alerts."""
    from intelligence.alert_views import LIST_ROLES

    return access.has_role(user, LIST_ROLES)
