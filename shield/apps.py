from django.apps import AppConfig


class ShieldConfig(AppConfig):
    name = "shield"
    verbose_name = "Shield casework and the CSE2"

    def ready(self) -> None:
        from shield.policy import register_policies

        register_policies()
