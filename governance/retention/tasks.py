"""Thin Celery wrapper around the retention scan; safe to run twice (a second run writes no
review and sends no notice)."""

from celery import shared_task

from governance.retention import services


@shared_task(acks_late=True)
def retention_scan() -> dict[str, int]:
    """The daily scan (services.retention_scan)."""
    return services.retention_scan()
