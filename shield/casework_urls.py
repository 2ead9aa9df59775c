from django.urls import path

from shield import casework_views as views

urlpatterns = [
    path("", views.index, name="index"),
    path("caseloads/mine/", views.caseload_mine, name="caseload-mine"),
    path("caseloads/<int:user_pk>/", views.caseload, name="caseload"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/allocate/", views.case_allocate, name="case-allocate"),
    path("children/<uuid:child_pk>/notes/new/", views.case_note_new, name="case-note-new"),
    path("notes/<int:pk>/edit/", views.case_note_edit, name="case-note-edit"),
    path("notes/<int:pk>/correct/", views.case_note_correct, name="case-note-correct"),
    path("children/<uuid:child_pk>/chronology/", views.chronology_page, name="chronology"),
    path(
        "children/<uuid:child_pk>/chronology/print/",
        views.chronology_print,
        name="chronology-print",
    ),
]
