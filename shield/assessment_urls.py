from django.urls import path

from shield import assessment_views as views

urlpatterns = [
    path(
        "children/<uuid:child_pk>/assessments/new/",
        views.assessment_new,
        name="assessment-new",
    ),
    path(
        "children/<uuid:child_pk>/assessments/compare/",
        views.assessment_compare,
        name="assessment-compare",
    ),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/correct/", views.assessment_correct, name="assessment-correct"),
    path("assessments/<int:pk>/override/", views.assessment_override, name="assessment-override"),
    path("assessments/<int:pk>/print/", views.assessment_print, name="assessment-print"),
]
