from django.urls import path

from strategy import views
from strategy.models import StrategyDiscussion, StrategyMeeting

app_name = "strategy"
urlpatterns = [
    path("", views.index, name="index"),
    path(
        "referrals/<uuid:referral_pk>/discussion/",
        views.discussion_record,
        name="discussion-new",
    ),
    path("discussions/<int:pk>/", views.discussion_detail, name="discussion-detail"),
    path("discussions/<int:pk>/meeting/", views.meeting_schedule, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/held/", views.meeting_record, name="meeting-record"),
]
for model, name in ((StrategyDiscussion, "discussion"), (StrategyMeeting, "meeting")):
    urlpatterns += [
        path(
            f"{name}s/<int:pk>/sign-off/",
            views.sign_off,
            {"model": model},
            name=f"{name}-sign-off",
        ),
        path(f"{name}s/<int:pk>/amend/", views.amend, {"model": model}, name=f"{name}-amend"),
    ]
