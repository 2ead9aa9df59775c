"""The sends of a report to the police mailbox, for the report's page (when, by whom, to where):
shown to those who may send it (intelligence.export_services.sees_sends), to no one else."""

from django import template

from intelligence import export_services

register = template.Library()


@register.simple_tag(takes_context=True)
def report_sends(context, report) -> list:
    """``{% report_sends report as sends %}``: one query, or none for those who may not see
    them."""
    user = context["request"].user
    if not export_services.sees_sends(user, report):
        return []
    return list(export_services.sends_of(report))
