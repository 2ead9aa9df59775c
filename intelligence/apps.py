from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from intelligence import checks, lookups  # noqa: F401 - register the checks and key__like
        from intelligence.policy import register_policies

        register_policies()
