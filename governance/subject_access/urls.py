from django.urls import path

from governance.subject_access import views

app_name = "subject_access"
urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find, name="find"),
    path("children/<uuid:child_pk>/new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pack/", views.pack_make, name="pack-make"),
    path("<int:pk>/disclosure/", views.disclosure_make, name="disclosure-make"),
    path("<int:pk>/packs/<int:number>/<str:fmt>/", views.download, name="download"),
    path("<int:pk>/redactions/new/", views.redaction_new, name="redaction-new"),
    path("<int:pk>/redactions/log/", views.redaction_log, name="redaction-log"),
    path("<int:pk>/complete/", views.complete, name="complete"),
]
