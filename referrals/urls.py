from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.index, name="index"),
    path("children/", views.child_list, name="child-list"),
    path("children/<uuid:pk>/", views.child_detail, name="child-detail"),
    path("new/", views.referral_start, name="referral-start"),
    path("queue/", views.triage_queue, name="triage-queue"),
    path("queue/out-of-hours/", views.edt_queue, name="edt-queue"),
    path("<uuid:pk>/", views.referral_detail, name="referral-detail"),
    path("<uuid:pk>/checklist/", views.referral_checklist, name="checklist"),
    path("<uuid:pk>/check/", views.referral_check, name="check"),
    path("<uuid:pk>/triage/", views.referral_triage, name="triage"),
    path("<uuid:pk>/print/", views.referral_print, name="print"),
]
