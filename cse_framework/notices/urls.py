from django.urls import path

from cse_framework.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read/", views.mark_read, name="mark-read"),
]
