"""Routes of the "children linked" alert pages."""

from django.urls import path

from intelligence import alert_views as views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
]
