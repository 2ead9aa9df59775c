"""MACSE routes: a child's plan, its kept versions, its actions and their progress, and the
signed-in user's own actions."""

from django.urls import path

from macse import plan_views as views

urlpatterns = [
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/actions/new/", views.action_add, name="action-add"),
    path("plan-versions/<int:pk>/", views.plan_version, name="plan-version"),
    path("actions/mine/", views.my_actions, name="my-actions"),
    path("cohort/", views.cohort, name="cohort"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
]
