from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Retention and disposal of records (issue 10)."""

    name = "governance.retention"
    label = "retention"
    verbose_name = "Retention"
