from django.apps import AppConfig


class TimescalesConfig(AppConfig):
    name = "cse_framework.timescales"
    label = "timescales"
    verbose_name = "Timescales"
