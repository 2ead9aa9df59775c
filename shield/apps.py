from django.apps import AppConfig


class ShieldConfig(AppConfig):
    name = "shield"
    verbose_name = "Shield casework and the CSE2"

    def ready(self) -> None:
        from shield.policy import register_policies

        register_policies()
        _register_clock_listing()


def _register_clock_listing() -> None:
    """A clock started by a case, a CSE2 or an incident shows its name and links to it."""
    from cse_framework.timescales import listing
    from shield.models import Assessment, Incident, ShieldCase

    listing.register(
        Assessment.objects.only("id", "sequence", "kind"),
        Incident.objects.only("id"),
        ShieldCase.objects.only("id"),
    )
