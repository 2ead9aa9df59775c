from django.apps import AppConfig


class MacseConfig(AppConfig):
    name = "macse"
    verbose_name = "MACSE meetings and plans"

    def ready(self) -> None:
        from macse.policy import register_policies

        register_policies()
