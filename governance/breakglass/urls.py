from django.urls import path

from governance.breakglass import views

app_name = "breakglass"
urlpatterns = [
    path("", views.start, name="start"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.review, name="review"),
]
