from django.urls import path

from cse_framework.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue.csv", views.overdue_csv, name="overdue-csv"),
]
