from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "cse_framework.notices"
    label = "notices"
    verbose_name = "Notices and e-mail"
