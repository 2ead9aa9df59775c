"""Whether to offer the hotspots page (intelligence.policy.HOTSPOT_ROLES), for the pages that
link to it: the intelligence landing page and a MACSE meeting's agenda."""

from django import template

from cse_framework import access
from intelligence import policy

register = template.Library()


@register.filter
def sees_hotspots(user) -> bool:
    """``{% if request.user|sees_hotspots %}``: the user's roles are read once a request."""
    return access.has_role(user, policy.HOTSPOT_ROLES)
