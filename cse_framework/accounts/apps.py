from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cse_framework.accounts"
    label = "accounts"
    verbose_name = "Accounts, agencies and teams"

    def ready(self) -> None:
        # Every app's policy.py registers its rules with the access mechanism on import.
        from cse_framework import navigation

        navigation.discover()
