"""The statutory clocks end to end: due times in UTC for D4's cases, and the scan that writes
each reminder and escalation once, to the right people, whatever happens to the workers."""

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cse_framework.accounts.models import Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import Notice, NoticeRecipient, OutboxMessage
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.scan import scan
from tests.factories.accounts import TeamFactory, UserFactory
from tests.factories.referrals import make_received
from tests.workers import celery_workers

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
NOTHING = {"due_soon": 0, "overdue": 0, "escalated_1": 0}


def _at(*parts, tz=LONDON):
    return dt.datetime(*parts, tzinfo=tz)


@pytest.fixture
def teams():
    mash = TeamFactory(kind=Team.Kind.MASH)
    edt = TeamFactory(kind=Team.Kind.EDT)
    return {
        "mash": mash,
        "worker": UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER], team=mash),
        "manager": UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER], team=mash),
        "edt": UserFactory(roles=[RoleCode.EDT_SOCIAL_WORKER], team=edt),
    }


@pytest.fixture
def referrer():
    return UserFactory(roles=[RoleCode.REFERRER])


def _clock(referral) -> Deadline:
    return Deadline.objects.get(kind=Kind.STRATEGY_DISCUSSION, started_by_id=str(referral.pk))


@pytest.mark.parametrize(
    ("submitted", "emergency", "due_utc"),
    [
        # Friday 16:55 (GMT): received at once, due 16:55 Saturday.
        (_at(2026, 11, 20, 16, 55), False, _at(2026, 11, 21, 16, 55, tz=UTC)),
        # Friday 17:00 exactly is out of hours: received Monday 09:00, due Tuesday 09:00.
        (_at(2026, 11, 20, 17, 0), False, _at(2026, 11, 24, 9, 0, tz=UTC)),
        # Bank-holiday Monday (25 May 2026): received Tuesday 09:00 BST (08:00 UTC).
        (_at(2026, 5, 25, 10, 0), False, _at(2026, 5, 27, 8, 0, tz=UTC)),
        # An emergency out of hours: EDT receives it at once.
        (_at(2026, 11, 21, 2, 30), True, _at(2026, 11, 22, 2, 30, tz=UTC)),
        # Across the spring change (29 March 2026): 24 elapsed hours, 13:00 BST.
        (_at(2026, 3, 28, 12, 0), True, _at(2026, 3, 29, 12, 0, tz=UTC)),
        # Across the autumn change (25 October 2026): 12:00 BST is 11:00 UTC; due 11:00 GMT.
        (_at(2026, 10, 24, 12, 0), True, _at(2026, 10, 25, 11, 0, tz=UTC)),
    ],
)
def test_strategy_discussion_due_times(referrer, teams, submitted, emergency, due_utc):
    """D4, each with its exact due time in UTC."""
    referral = make_received(referrer, now=submitted, emergency=emergency)
    assert _clock(referral).due_at == due_utc


def test_each_notice_is_written_once_to_the_right_people(referrer, teams):
    """Due soon (in office hours) to the owning team; overdue at 17:00 to EDT too; escalation
    to the manager. Scanning again writes nothing more."""
    referral = make_received(referrer, now=_at(2026, 11, 19, 16, 55))  # Thursday
    clock = _clock(referral)
    OutboxMessage.objects.all().delete()
    assert scan(now=_at(2026, 11, 20, 10, 0)) == NOTHING
    assert scan(now=_at(2026, 11, 20, 11, 0))["due_soon"] == 1  # 18 of 24 hours gone
    assert scan(now=_at(2026, 11, 20, 17, 0))["overdue"] == 1  # out of hours: EDT too
    assert scan(now=_at(2026, 11, 21, 5, 0))["escalated_1"] == 1  # 12 hours past due
    assert scan(now=_at(2026, 11, 21, 6, 0)) == NOTHING

    def told(kind):
        copies = NoticeRecipient.objects.filter(notice__deadline=clock, notice__kind=kind)
        return set(copies.values_list("user", flat=True))

    team = {teams["worker"].pk, teams["manager"].pk}
    assert told("due_soon") == team
    assert told("overdue") == team | {teams["edt"].pk}
    assert teams["manager"].pk in told("escalated_1")
    assert OutboxMessage.objects.filter(reference=referral.reference).count() == 2 + 3 + 3
    notice = Notice.objects.get(deadline=clock, kind="overdue")
    assert notice.subject == "Overdue: Strategy discussion"
    assert notice.link.startswith("/referrals/")


def test_a_scan_that_was_down_catches_up_without_a_stale_reminder(referrer, teams):
    """After a long outage: overdue and escalated, not "due soon" for a clock already late."""
    make_received(referrer, now=_at(2026, 11, 20, 16, 55))
    assert scan(now=_at(2026, 11, 23, 9, 0)) == {"due_soon": 0, "overdue": 1, "escalated_1": 1}


def test_met_and_not_required_clocks_are_left_alone(referrer, teams):
    referral = make_received(referrer, now=_at(2026, 11, 20, 16, 55))
    clock = _clock(referral)
    clock.not_required_at = _at(2026, 11, 20, 17, 30)
    clock.save()
    assert scan(now=_at(2026, 11, 25, 9, 0)) == NOTHING


def test_the_scan_reads_clocks_in_one_query_per_kind(referrer, teams):
    """Three reads whatever the number of clocks, when none is due."""
    for _ in range(20):
        make_received(referrer, now=_at(2026, 11, 26, 10, 0))
    with CaptureQueriesContext(connection) as captured:
        scan(now=_at(2026, 11, 26, 10, 5))
    assert len(captured) == 3


def _clock_notices() -> list[tuple]:
    return list(Notice.objects.filter(deadline__isnull=False).values_list("deadline", "kind"))


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the real Redis of make test")
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_scanning_twice_write_each_notice_once(referrer, teams):
    """Real Celery workers on Redis: four scans of the same moment, on two workers at once,
    still make exactly one notice per clock and kind."""
    from cse_framework.timescales.tasks import scan_deadlines

    for _ in range(5):
        make_received(referrer, now=_at(2026, 11, 20, 16, 55))
    now = _at(2026, 11, 23, 9, 0).isoformat()
    with celery_workers(2) as output_of:
        for _ in range(4):
            scan_deadlines.delay(now)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(_clock_notices()) < 10:
            time.sleep(0.5)
        time.sleep(3)  # any late duplicate would arrive meanwhile
    notices = _clock_notices()
    assert len(notices) == len(set(notices)) == 10, output_of()


def _wait_until(done, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.5)
    return done()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the real Redis of make test")
@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_while_clocks_breach_catches_up_once(referrer, teams):
    """A real worker scans when nothing is due and is stopped; clocks breach while it is down;
    started again, it writes each overdue and escalated notice once per clock and sends each of
    their e-mails once (the worker's e-mails go to its console, so the outbox rows say)."""
    from cse_framework.notices.services import outbox_enqueue
    from cse_framework.timescales.tasks import scan_deadlines

    before = [make_received(referrer, now=_at(2026, 11, 20, 16, 55)) for _ in range(3)]
    with celery_workers(1) as output_of:
        scan_deadlines.delay(_at(2026, 11, 20, 17, 30).isoformat())  # due soon at 10:55 Saturday
        with transaction.atomic():  # queued behind the scan: once it is sent, the scan has run
            marker = outbox_enqueue(
                recipient=teams["worker"], subject="Marker", reference="MARKER", link="/notices/"
            )
        scanned = _wait_until(
            lambda: OutboxMessage.objects.filter(pk=marker.pk, status="sent").exists()
        )
    assert scanned, output_of()
    assert _clock_notices() == [], output_of()

    # While it is down more clocks open, and by Monday 09:00 every clock is past its escalation.
    after = [make_received(referrer, now=_at(2026, 11, 20, 16, 0)) for _ in range(2)]
    clocks = {_clock(referral).pk for referral in before + after}
    expected = {(clock, kind) for clock in clocks for kind in ("overdue", "escalated_1")}

    def caught_up() -> bool:
        emails = OutboxMessage.objects.filter(notice__deadline__isnull=False)
        return (
            len(_clock_notices()) >= len(expected)
            and emails.count()
            == NoticeRecipient.objects.filter(notice__deadline__isnull=False).count()
            and not emails.exclude(status=OutboxMessage.Status.SENT).exists()
        )

    with celery_workers(1) as output_of:
        later = _at(2026, 11, 23, 9, 0).isoformat()
        scan_deadlines.delay(later)
        scan_deadlines.delay(later)  # a repeated run writes and sends nothing more
        done = _wait_until(caught_up)
        time.sleep(3)  # any late duplicate would arrive meanwhile
    output = output_of()
    assert done, output
    notices = _clock_notices()
    assert len(notices) == len(set(notices)) and set(notices) == expected, output
    for notice in Notice.objects.filter(deadline__in=clocks).prefetch_related("recipients"):
        emails = OutboxMessage.objects.filter(notice=notice)
        people = sorted(copy.user_id for copy in notice.recipients.all())
        assert sorted(emails.values_list("recipient", flat=True)) == people, output
        assert len(people) == 2  # the MASH team: its worker and its manager
        assert set(emails.values_list("status", "attempts")) == {(OutboxMessage.Status.SENT, 1)}


def test_a_clock_notified_is_not_read_again(referrer, teams):
    """The reads hold only clocks with a notice still to write: after a scan, none."""
    from cse_framework.timescales.scan import STEPS, due_for

    for _ in range(5):
        make_received(referrer, now=_at(2026, 11, 20, 16, 55))
    now = _at(2026, 11, 23, 9, 0)
    assert scan(now=now) == {"due_soon": 0, "overdue": 5, "escalated_1": 5}
    assert [due_for(threshold, level, now).count() for _, threshold, level in STEPS] == [0, 0, 0]
    assert set(Deadline.objects.values_list("notice_level", flat=True)) == {3}
    assert scan(now=now) == NOTHING
