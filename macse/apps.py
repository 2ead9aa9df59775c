from django.apps import AppConfig


class MacseConfig(AppConfig):
    name = "macse"
    verbose_name = "MACSE meetings and plans"

    def ready(self) -> None:
        from macse import chronology
        from macse.policy import register_policies

        register_policies()
        _register_clock_listing()
        chronology.register_sources()


def _register_clock_listing() -> None:
    """A review clock links to the hearing that started it; an action's clock to the action."""
    from cse_framework.timescales import listing
    from macse.models import Action, AgendaItem

    listing.register(
        AgendaItem.objects.only("id", "meeting_id", "position"),
        Action.objects.only("id"),
    )
