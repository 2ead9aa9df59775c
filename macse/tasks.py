"""Thin Celery wrappers around MACSE's services; safe to run twice."""

from celery import shared_task

from macse import document_services

# A pack of 60 children renders in seconds; one still going after ten minutes is stopped and
# fails with the reason (the prefork pool enforces these limits; the solo pool cannot).
SOFT_TIME_LIMIT = 600


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=SOFT_TIME_LIMIT + 60)
def render_document(document_id: int) -> str | None:
    """Prepare a requested agenda pack or minutes (document_services.document_render)."""
    document = document_services.document_render(document_id=document_id)
    return document.status if document is not None else None
