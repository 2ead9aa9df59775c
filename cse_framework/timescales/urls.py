from django.urls import path

from cse_framework.timescales import views

app_name = "timescales"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/reason/", views.explain, name="explain"),
]
