from django.apps import AppConfig


class BreakglassConfig(AppConfig):
    """Break-glass: emergency access to a child's record, audited and reported (issue 10)."""

    name = "governance.breakglass"
    label = "breakglass"
    verbose_name = "Break-glass"
