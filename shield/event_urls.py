"""A child's Shield events: incidents, missing episodes and flags."""

from django.urls import path

from shield import event_views as views

urlpatterns = [
    path("children/<uuid:child_pk>/events/", views.child_events, name="events"),
    path("children/<uuid:child_pk>/incidents/new/", views.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("children/<uuid:child_pk>/missing/new/", views.missing_new, name="missing-new"),
    path("missing/<int:pk>/edit/", views.missing_edit, name="missing-edit"),
    path("children/<uuid:child_pk>/flags/new/", views.flag_new, name="flag-new"),
    path("flags/<int:pk>/remove/", views.flag_remove, name="flag-remove"),
]
