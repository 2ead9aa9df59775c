from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "cse_framework.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
