"""Retention and disposal of records."""

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Retention and disposal of records (issue 10)."""

    name = "governance.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        from governance.retention.policy import register_policies

        register_policies()
