from django.urls import path

from cse_framework.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="log"),
    path("export/", views.access_log_export, name="log-export"),
]
