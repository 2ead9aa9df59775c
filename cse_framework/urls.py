from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cse_framework import views
from cse_framework.notices.api import NoticeViewSet
from cse_framework.timescales.api import DeadlineViewSet
from intelligence.api import IntelligenceReportViewSet
from intelligence.entity_api import IntelligenceAlertViewSet, IntelligenceEntityViewSet
from macse.api import (
    MacseActionViewSet,
    MacseAgendaItemViewSet,
    MacseMeetingViewSet,
    MacsePlanViewSet,
)
from referrals.api import ChildViewSet, ReferralViewSet
from returns.api import QuarterlyReturnViewSet
from shield.api import AssessmentViewSet, SchemeViewSet
from shield.event_api import FlagViewSet, IncidentViewSet, MissingEpisodeViewSet
from strategy.api import DiscussionViewSet, MeetingViewSet

router = DefaultRouter()
router.register("children", ChildViewSet, basename="child")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("notices", NoticeViewSet, basename="notice")
router.register("strategy-discussions", DiscussionViewSet, basename="strategy-discussion")
router.register("strategy-meetings", MeetingViewSet, basename="strategy-meeting")
router.register("flags", FlagViewSet, basename="flag")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("missing-episodes", MissingEpisodeViewSet, basename="missing-episode")
router.register("cse2-schemes", SchemeViewSet, basename="cse2-scheme")
router.register("cse2-assessments", AssessmentViewSet, basename="cse2-assessment")
router.register("macse-meetings", MacseMeetingViewSet, basename="macse-meeting")
router.register("macse-agenda-items", MacseAgendaItemViewSet, basename="macse-agenda-item")
router.register("macse-plans", MacsePlanViewSet, basename="macse-plan")
router.register("macse-actions", MacseActionViewSet, basename="macse-action")
router.register("intelligence-reports", IntelligenceReportViewSet, basename="intelligence-report")
router.register("intelligence-entities", IntelligenceEntityViewSet, basename="intelligence-entity")
router.register("intelligence-alerts", IntelligenceAlertViewSet, basename="intelligence-alert")
router.register("quarterly-returns", QuarterlyReturnViewSet, basename="quarterly-return")

admin.site.site_header = "CSE Framework reference data"
admin.site.site_title = "CSE Framework reference data"

urlpatterns = [
    path("", views.home, name="home"),
    path("floor/", views.floor, name="floor"),
    path("account/", include("cse_framework.accounts.urls")),
    path("access-log/", include("cse_framework.audit.urls")),
    path("dashboards/", include("cse_framework.dashboards.urls")),
    path("notices/", include("cse_framework.notices.urls")),
    path("work/", include("cse_framework.timescales.urls")),
    path("referrals/", include("referrals.urls")),
    path("strategy/", include("strategy.urls")),
    path("shield/", include("shield.urls")),
    path("macse/", include("macse.urls")),
    path("intelligence/", include("intelligence.urls")),
    path("returns/", include("returns.urls")),
    path("people/", include("governance.leavers.urls")),
    path("subject-access/", include("governance.subject_access.urls")),
    path("retention/", include("governance.retention.urls")),
    path("break-glass/", include("governance.breakglass.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The admin's own sign-in page is replaced by the service's, with its second factor.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:sign-in", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "cse_framework.views.bad_request"
handler403 = "cse_framework.views.permission_denied"
handler404 = "cse_framework.views.page_not_found"
handler500 = "cse_framework.views.server_error"
