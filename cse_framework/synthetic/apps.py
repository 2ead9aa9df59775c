from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "cse_framework.synthetic"
    label = "synthetic"
    verbose_name = "Synthetic data"
