"""Thin Celery wrapper around the scan; safe to run twice, or on two workers at once."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from cse_framework.timescales.scan import scan


@shared_task
def scan_deadlines(now: str | None = None) -> dict[str, int]:
    """Beat runs it every minute; ``now`` (ISO 8601) lets a test or a catch-up choose the time."""
    return scan(now=dt.datetime.fromisoformat(now) if now else timezone.now())
