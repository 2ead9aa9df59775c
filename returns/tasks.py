"""Thin Celery wrappers around the quarterly return's services; safe to run twice."""

from celery import shared_task

from returns import services

# A return is six aggregate queries and three small files: seconds, even at 100,000 children.
# One still going after ten minutes is stopped and fails with the reason.
SOFT_TIME_LIMIT = 600


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=SOFT_TIME_LIMIT + 60)
def build_return(pk: int) -> str | None:
    """Build a requested quarterly return (services.return_build)."""
    kept_return = services.return_build(pk)
    return kept_return.status if kept_return is not None else None
