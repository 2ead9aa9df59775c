"""Routes of the police handling pages (police-only, D12)."""

from django.urls import path

from intelligence import police_views as views

urlpatterns = [
    path("police/queue/", views.police_queue, name="police-queue"),
    path("police/pair/new/", views.pair_new, name="pair-new"),
    path("<int:pk>/handle/", views.report_handle, name="report-handle"),
]
