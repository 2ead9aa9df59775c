from django.urls import path

from governance.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:record_type>/", views.rule_change, name="rule-change"),
    path("erasures/", views.erasures, name="erasures"),
]
