from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/trends/", views.trend, name="trend"),
    path("<int:pk>/download/<str:fmt>/", views.download, name="download"),
]
