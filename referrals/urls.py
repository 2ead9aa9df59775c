from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.index, name="index"),
    path("children/", views.child_list, name="child-list"),
    path("children/<uuid:pk>/", views.child_detail, name="child-detail"),
]
