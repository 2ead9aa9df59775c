from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """The quarterly data-monitoring return to the safeguarding board (issue 9)."""

    name = "returns"
    verbose_name = "Quarterly return"
