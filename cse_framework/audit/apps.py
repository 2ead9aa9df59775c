from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cse_framework.audit"
    label = "audit"
    verbose_name = "Audit"
