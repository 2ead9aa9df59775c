"""The beat's refresh of the dashboard's on-time figures (performance.refresh)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from cse_framework.dashboards import performance


@shared_task
def refresh_performance(now: str | None = None) -> int:
    """Beat runs it every minute; ``now`` (ISO 8601) lets a test choose the time."""
    at = dt.datetime.fromisoformat(now) if now else timezone.now()
    return performance.refresh(now=at).figures.count()
