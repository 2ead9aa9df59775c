from django.urls import path

from cse_framework.views import landing_path
from strategy import policy, views

app_name = "strategy"
urlpatterns = [
    landing_path(policy),
    path(
        "referrals/<uuid:referral_pk>/discussion/",
        views.discussion_record,
        name="discussion-new",
    ),
    path("discussions/<int:pk>/", views.discussion_detail, name="discussion-detail"),
]
