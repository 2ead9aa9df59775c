from django.apps import AppConfig


class LeaversConfig(AppConfig):
    """People and leavers: deactivating a user and reassigning their open work (issue 10)."""

    name = "governance.leavers"
    label = "leavers"
    verbose_name = "People and leavers"
