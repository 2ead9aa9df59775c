"""Routes for sending a report on to the police mailbox, and for its PDF."""

from django.urls import path

from intelligence import export_views as views

urlpatterns = [
    path("<int:pk>/send-to-police/", views.report_send, name="report-send"),
    path("<int:pk>/pdf/", views.report_pdf, name="report-pdf"),
]
