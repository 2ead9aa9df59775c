"""Thin Celery wrappers around the outbox services; safe to run twice."""

from celery import shared_task

from cse_framework.notices import services


@shared_task(acks_late=True)
def outbox_send(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


@shared_task
def outbox_sweep() -> int:
    return services.outbox_sweep()
