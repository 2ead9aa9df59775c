from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from intelligence import lookups  # noqa: F401 - registers key__like on Vehicle.key
        from intelligence.policy import register_policies

        register_policies()
