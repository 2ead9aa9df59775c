from django.urls import path

from cse_framework.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="log"),
    path("export/", views.access_log_export, name="log-export"),
    path("users/<int:pk>/", views.user_pattern, name="user-pattern"),
    path("users/<int:pk>/export/", views.user_pattern_export, name="user-pattern-export"),
    path("children/<uuid:pk>/", views.child_viewers, name="child-viewers"),
]
