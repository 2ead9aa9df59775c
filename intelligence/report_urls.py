"""Routes of the intelligence report pages."""

from django.urls import path

from intelligence import report_views as views

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.report_new, name="report-new"),
    path("mine/", views.report_mine, name="report-mine"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/submitted/", views.report_submitted, name="report-submitted"),
]
