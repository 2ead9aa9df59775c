"""The outbox: a notice is written with its event, sent once, and never lost to a broker outage
or a mail server that refuses it: a failed e-mail is retried with backoff, and one given up is
shown as such beside its notice, which is the person's copy."""

import datetime as dt
import os
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from cse_framework.accounts.roles import RoleCode
from cse_framework.notices import services
from cse_framework.notices.models import MAX_ATTEMPTS, OutboxMessage
from tests.workers import celery_workers

MINUTE = dt.timedelta(minutes=1)
WAITING = "E-mail not sent yet: we will try again"
GIVEN_UP = "E-mail could not be sent; this notice is your copy"


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


REFUSING = f"{RefusingBackend.__module__}.RefusingBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


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


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, MINUTE),
        (2, 2 * MINUTE),
        (3, 4 * MINUTE),
        (9, 256 * MINUTE),
        (10, dt.timedelta(hours=6)),  # 512 minutes, capped
        (MAX_ATTEMPTS, dt.timedelta(hours=6)),
        (1000, dt.timedelta(hours=6)),
    ],
)
def test_backoff_doubles_from_a_minute_and_is_capped_at_six_hours(attempts, wait):
    """The wait after the n-th failed send: 1 minute doubled n - 1 times, at most 6 hours."""
    assert services.outbox_backoff(attempts) == wait


def _notice_for(user, reference="CSE-2026-000321"):
    notice = services.notify(
        recipients=[user],
        subject="A CSE referral has been received",
        reference=reference,
        link="/referrals/",
    )
    return notice, OutboxMessage.objects.get(notice=notice, recipient=user)


def _page(client) -> str:
    return client.get(reverse("notices:list")).content.decode()


@pytest.mark.django_db
def test_a_failed_email_waits_for_its_backoff_then_is_sent_once(client_for, settings):
    """Refused: FAILED, next attempt a minute on; a sweep before then leaves it, one after sends
    it once. The notice is on the notices page throughout."""
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    notice, message = _notice_for(client.user)
    start = timezone.now()
    assert WAITING in _page(client)

    settings.EMAIL_BACKEND = REFUSING
    assert services.outbox_sweep(now=start) == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1
    assert message.last_error == "ConnectionRefusedError"
    assert message.next_attempt_at == start + MINUTE
    page = _page(client)
    assert notice.reference in page and WAITING in page

    settings.EMAIL_BACKEND = WORKING
    assert services.outbox_sweep(now=start + MINUTE - dt.timedelta(seconds=1)) == 0
    assert services.outbox_send(message_id=message.pk, now=start) is False  # a duplicate task
    message.refresh_from_db()
    assert message.attempts == 1
    assert mail.outbox == []

    assert services.outbox_sweep(now=start + MINUTE) == 1
    assert services.outbox_sweep(now=start + 10 * MINUTE) == 0
    assert services.outbox_send(message_id=message.pk, now=start + 10 * MINUTE) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.sent_at == start + MINUTE
    page = _page(client)
    assert notice.reference in page and "E-mail sent" in page and WAITING not in page


@pytest.mark.django_db
def test_after_max_attempts_the_email_is_given_up_and_shown(client_for, settings):
    """Each retry waits twice as long (at most 6 hours); after MAX_ATTEMPTS the message stays
    FAILED, is never tried again, and the notices page says the notice is the person's copy."""
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    notice, message = _notice_for(client.user)
    settings.EMAIL_BACKEND = REFUSING
    now = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert services.outbox_sweep(now=now) == 0
        message.refresh_from_db()
        assert message.attempts == attempt
        assert message.next_attempt_at == now + services.outbox_backoff(attempt)
        if attempt < MAX_ATTEMPTS:
            page = _page(client)
            assert notice.reference in page and WAITING in page
        now = message.next_attempt_at
    assert message.status == OutboxMessage.Status.FAILED
    assert message.given_up

    settings.EMAIL_BACKEND = WORKING
    assert services.outbox_sweep(now=now + dt.timedelta(days=365)) == 0
    assert services.outbox_send(message_id=message.pk, now=now + dt.timedelta(days=365)) is False
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS
    assert message.status == OutboxMessage.Status.FAILED
    assert mail.outbox == []
    page = _page(client)
    assert notice.reference in page and GIVEN_UP in page and WAITING not in page


@pytest.mark.django_db
def test_the_sweep_takes_the_longest_waiting_first_and_a_batch_at_a_time(make_user, monkeypatch):
    """Due messages by next attempt, oldest first, at most a batch; not-yet-due ones wait."""
    monkeypatch.setattr(services, "SWEEP_BATCH", 2)
    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    now = timezone.now()
    messages = {}
    for reference, offset in [("REF-B", -2), ("REF-C", -1), ("REF-A", -3), ("REF-LATER", 5)]:
        message = _enqueue(user, reference=reference)
        message.next_attempt_at = now + offset * MINUTE
        message.save()
        messages[reference] = message
    assert services.outbox_sweep(now=now) == 2
    assert [sent.subject.split("(")[-1] for sent in mail.outbox] == ["REF-A)", "REF-B)"]
    assert services.outbox_sweep(now=now) == 1
    assert services.outbox_sweep(now=now) == 0
    assert services.outbox_sweep(now=now + 5 * MINUTE) == 1


@pytest.mark.django_db
def test_message_to_a_mailbox_outside_the_service(settings):
    """An e-mail to an address (a mailbox with no account, such as the police intelligence
    mailbox) is sent like any other: the reference and a link only."""
    settings.EMAIL_BACKEND = WORKING
    message = services.outbox_enqueue(
        address="intel.mailbox@police.example",
        subject="Intelligence sent on",
        reference="INT-000042",
        link="/intelligence/42/",
    )
    assert services.outbox_send(message_id=message.pk)
    (sent,) = mail.outbox
    assert sent.to == ["intel.mailbox@police.example"]
    assert "INT-000042" in sent.subject and "/intelligence/42/" in sent.body


@pytest.mark.django_db
def test_message_has_one_recipient(make_user):
    """A user or an address, never both and never neither: the database refuses either."""
    from django.db import IntegrityError

    user = make_user(RoleCode.MASH_SOCIAL_WORKER)
    for fields in ({"recipient": user, "address": "a@police.example"}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            OutboxMessage.objects.create(subject="S", reference="R", link="/", **fields)
