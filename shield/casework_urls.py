from django.urls import path

from shield import casework_views as views

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
]
