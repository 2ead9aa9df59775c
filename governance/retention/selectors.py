"""Reads shared by the retention pages: each starts from the policy's scope."""

from django.db.models import QuerySet

from cse_framework import access
from governance.retention.models import ErasureLog, RetentionReview, RetentionRule

QUEUES = {
    "open": ("Due", RetentionReview.OPEN_STATUSES),
    "held": ("On legal hold", (RetentionReview.Status.HELD,)),
    "kept": ("Kept longer", (RetentionReview.Status.KEPT,)),
    "disposed": ("Disposed of", (RetentionReview.Status.DISPOSED,)),
}


def review_queue(*, user, queue: str = "open") -> QuerySet:
    """The reviews of one queue the user may see, the earliest due first."""
    statuses = QUEUES[queue][1]
    return (
        access.scope(user, RetentionReview.objects.all())
        .filter(status__in=statuses)
        .select_related("rule")
        .order_by("due_on", "id")
    )


def review_get(*, request, pk: int) -> RetentionReview:
    queryset = RetentionReview.objects.select_related("rule", "decided_by")
    return access.get_object_or_404(request, queryset, pk=pk)


def record_reviews(*, review: RetentionReview) -> QuerySet:
    """Every review of the same record, the latest first."""
    if review.child_id:
        reviews = RetentionReview.objects.filter(child_id=review.child_id)
    else:
        reviews = RetentionReview.objects.filter(report_id=review.report_id)
    return reviews.select_related("decided_by").order_by("-due_on", "-id")


def erasure_log(*, user) -> QuerySet:
    return (
        access.scope(user, ErasureLog.objects.all())
        .select_related("erased_by", "rule")
        .order_by("-erased_at", "-id")
    )


def rules() -> QuerySet:
    return RetentionRule.objects.select_related("changed_by").order_by("record_type")
