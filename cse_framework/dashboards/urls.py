from django.urls import path

from cse_framework.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue/clocks/", views.overdue_list, name="overdue-list"),
    path("overdue.csv", views.overdue_csv, name="overdue-csv"),
    path("timeliness/", views.timeliness, name="timeliness"),
]
