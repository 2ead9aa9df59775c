from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    """Subject access: a child's records gathered for a subject-access request (issue 10)."""

    name = "governance.subject_access"
    label = "subject_access"
    verbose_name = "Subject access"
