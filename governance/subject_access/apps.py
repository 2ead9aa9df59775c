"""Subject access: a child's records gathered for a subject-access request."""

from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    """Subject access: a child's records gathered for a subject-access request (issue 10)."""

    name = "governance.subject_access"
    label = "subject_access"
    verbose_name = "Subject access"

    def ready(self) -> None:
        from cse_framework.timescales import listing
        from governance.subject_access import policy  # noqa: F401  (registers the policy)
        from governance.subject_access.models import SubjectAccessRequest

        # A subject-access clock on a work list links to its request.
        listing.register(SubjectAccessRequest.objects.only("id"))
