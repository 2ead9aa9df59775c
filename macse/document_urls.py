"""MACSE routes: a meeting's printed agenda pack and minutes (``kind``: agenda-pack or
minutes)."""

from django.urls import path

from macse import document_views as views

urlpatterns = [
    path(
        "meetings/<int:pk>/documents/<slug:kind>/request/",
        views.document_request,
        name="document-request",
    ),
    path("documents/<int:pk>/", views.document_progress, name="document-progress"),
    path(
        "meetings/<int:pk>/documents/<slug:kind>/download/",
        views.document_download,
        name="document-download",
    ),
]
