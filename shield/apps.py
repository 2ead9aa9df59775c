from django.apps import AppConfig


class ShieldConfig(AppConfig):
    name = "shield"
    verbose_name = "Shield casework and the CSE2"

    def ready(self) -> None:
        from shield.policy import register_policies

        register_policies()
        _register_clock_listing()
        _forget_changed_schemes()


def _register_clock_listing() -> None:
    """A clock started by a case, a CSE2 or an incident shows its name and links to it."""
    from cse_framework.timescales import listing
    from shield.models import Assessment, Incident, ShieldCase

    listing.register(
        Assessment.objects.only("id", "sequence", "kind"),
        Incident.objects.only("id"),
        ShieldCase.objects.only("id"),
    )


def _forget_changed_schemes() -> None:
    """The summary keeps each scheme's categories and bands in memory; any change to a scheme
    (allowed only before an assessment uses it) empties what it keeps."""
    from django.db.models.signals import post_delete, post_save

    from shield.assessment_selectors import scheme_outline
    from shield.models.scheme import Band, Floor, ScoringCategory, ScoringScheme

    def forget(**kwargs) -> None:
        scheme_outline.cache_clear()

    for model in (ScoringScheme, ScoringCategory, Band, Floor):
        post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"forget-{model.__name__}")
        post_delete.connect(
            forget, sender=model, weak=False, dispatch_uid=f"forget-{model.__name__}-deleted"
        )
