"""The outbox: a notice is written with its event, sent once, and never lost to a broker outage."""

import os
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from kombu import pools as kombu_pools

from cse_framework.accounts.roles import RoleCode
from cse_framework.notices import services
from cse_framework.notices.models import OutboxMessage
from tests.workers import celery_workers


def _enqueue(user, **fields):
    return services.outbox_enqueue(
        recipient=user,
        subject=fields.get("subject", "A referral needs triage"),
        reference=fields.get("reference", "REF-000123"),
        link=fields.get("link", "/referrals/"),
    )


@pytest.mark.django_db
def test_message_is_rolled_back_with_its_event(make_user):
    """No event, no message: the outbox row lives in the event's transaction."""
    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(user)
        raise RuntimeError("the event failed")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_send_is_once_only(make_user):
    """Sending twice delivers one e-mail: safe for a retried or duplicated task."""
    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    message = _enqueue(user)
    assert services.outbox_send(message_id=message.pk) is True
    assert services.outbox_send(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_email_carries_a_reference_and_link_never_child_details(make_user):
    """D21: reference number and link only."""
    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    message = _enqueue(user, reference="REF-000777", link="/referrals/")
    services.outbox_send(message_id=message.pk)
    sent = mail.outbox[0]
    assert "REF-000777" in sent.subject
    assert f"{settings.SITE_URL}/referrals/" in sent.body
    assert sent.to == [user.email]


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["https://elsewhere.example.com/", "/referrals/?name=Someone"])
def test_links_stay_in_the_service_and_carry_no_query(make_user, link):
    """A link can never point elsewhere or carry details in a query string."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _enqueue(make_user(RoleCode.MASH_SOCIAL_WORKER), link=link)


def _switch_broker(app, url: str) -> None:
    """Point the app's producers at another broker (its connection pools are rebuilt, kombu's
    process-wide producer pools too, which an earlier publish may have filled)."""
    kombu_pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.mark.django_db(transaction=True)
def test_broker_outage_delays_but_never_loses(make_user):
    """With the broker unreachable, the request completes and the sweeper sends later."""
    from cse_framework.celery import app

    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    working_url = app.conf.broker_url
    _switch_broker(app, "redis://127.0.0.1:9/0")  # nothing listens on port 9
    try:
        started = time.monotonic()
        with transaction.atomic():
            message = _enqueue(user)
        assert time.monotonic() - started < 10
    finally:
        _switch_broker(app, working_url)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert services.outbox_sweep() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the real Redis of make test")
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_through_redis(make_user):
    """A real Celery worker, on the real Redis broker, sends a message written by the app."""
    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    with celery_workers(1) as output_of:
        with transaction.atomic():
            message = _enqueue(user, reference="REF-WORKER")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboxMessage.Status.SENT:
                break
            time.sleep(0.5)
    output = output_of()
    assert message.status == OutboxMessage.Status.SENT, output
    assert message.attempts == 1
    assert "REF-WORKER" in output
