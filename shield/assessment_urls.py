from django.urls import path

from shield import assessment_views as views

urlpatterns = [
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
]
