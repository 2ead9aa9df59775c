from django.urls import path

from cse_framework.dashboards import policy, views
from cse_framework.views import landing_path

app_name = "dashboards"
urlpatterns = [
    landing_path(policy),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue.csv", views.overdue_csv, name="overdue-csv"),
]
