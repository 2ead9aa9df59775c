from django.urls import path

from referrals import register_views, triage_views, views

app_name = "referrals"
urlpatterns = [
    path("", views.index, name="index"),
    path("children/", register_views.child_list, name="child-list"),
    path("children/search/", register_views.child_search, name="child-search"),
    path("children/<uuid:pk>/", register_views.child_detail, name="child-detail"),
    path("children/<uuid:pk>/edit/", register_views.child_edit, name="child-edit"),
    path("children/<uuid:pk>/add/<slug:kind>/", register_views.child_add_detail, name="child-add"),
    path("children/<uuid:pk>/merge/", register_views.child_merge, name="child-merge"),
    path("new/", views.referral_start, name="referral-start"),
    path("queue/", triage_views.triage_queue, name="triage-queue"),
    path("queue/out-of-hours/", triage_views.edt_queue, name="edt-queue"),
    path("settings/authorisation/", triage_views.authorisation_setting, name="authorisation"),
    path("<uuid:pk>/", views.referral_detail, name="referral-detail"),
    path("<uuid:pk>/edit/", views.referral_edit, name="edit"),
    path("<uuid:pk>/checklist/", views.referral_checklist, name="checklist"),
    path("<uuid:pk>/marf/", views.referral_marf, name="marf"),
    path("<uuid:pk>/check/", views.referral_check, name="check"),
    path("<uuid:pk>/triage/", triage_views.referral_triage, name="triage"),
    path("<uuid:pk>/triage/search/", triage_views.child_search, name="triage-search"),
    path("<uuid:pk>/triage/child/", triage_views.confirm_child, name="confirm-child"),
    path("<uuid:pk>/triage/authorise/", triage_views.authorise, name="authorise"),
    path(
        "<uuid:pk>/placing-authority/",
        triage_views.placing_authority_contact,
        name="placing-authority",
    ),
    path("<uuid:pk>/print/", views.referral_print, name="print"),
]
