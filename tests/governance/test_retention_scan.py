"""The retention schedule and the daily scan (issue 10, item 5): default rules; a closed child
found 35 years after closure, never an open one; one review per record and due date, a second run
writing none; one notice to information governance with a count and no personal data; a fixed
number of queries whatever the number of children; kept records back at the end of the keep,
held ones never; intelligence reviewed on police's period; who may change which rule."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import Notice, NoticeRecipient
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import add_calendar_months
from governance.retention import closure, services, tasks
from governance.retention.models import RecordType, RetentionReview, RetentionRule
from referrals.models import Child
from shield.models import ShieldCase
from tests.factories.accounts import UserFactory
from tests.factories.intelligence import make_report
from tests.factories.referrals import ChildFactory
from tests.factories.retention import GIVEN, closed_child, ig_officer, rule
from tests.factories.shield import make_case

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(1980, 3, 10, 12, 0, tzinfo=dt.UTC)  # created, and closed, then
SCAN = dt.datetime(2015, 3, 11, 9, 0, tzinfo=dt.UTC)  # 35 years and a day later


def _old_child(**fields):
    return ChildFactory(created_at=LONG_AGO, **fields)


def test_the_default_rules_are_loaded_by_the_migration():
    child, intelligence = rule(RecordType.CHILD), rule(RecordType.INTELLIGENCE)
    assert (child.amount, child.unit, child.trigger, child.action) == (
        35,
        "years",
        "after_closure",
        "review",
    )
    assert (intelligence.amount, intelligence.unit, intelligence.trigger) == (
        6,
        "years",
        "after_recording",
    )


def test_a_closed_child_is_due_35_years_after_closure_and_an_open_one_never():
    rule()
    closed = _old_child()
    _old_child(care_status=Child.CareStatus.CHILD_IN_NEED)  # open to social care
    with_case = _old_child()
    make_case(with_case, at=LONG_AGO)  # an open Shield case
    _old_child(merged_into=closed)  # merged: reviewed with the record it joined
    ChildFactory(created_at=SCAN - dt.timedelta(days=400))  # closed, but only a year ago

    found = services.retention_scan(now=SCAN)

    assert found == {"child": 1, "intelligence": 0}
    review = RetentionReview.objects.get()
    assert (review.child, review.counted_from, review.due_on) == (
        closed,
        dt.date(1980, 3, 10),
        dt.date(2015, 3, 10),
    )
    assert (review.rule_version, review.action, review.status) == (1, "review", "due")


def test_the_day_before_the_period_ends_nothing_is_due():
    rule()
    _old_child()
    assert services.retention_scan(now=SCAN - dt.timedelta(days=2)) == {
        "child": 0,
        "intelligence": 0,
    }


def test_closure_is_the_latest_closing_event():
    """A Shield case closed after the record was made moves the closure date on."""
    child = _old_child()
    case = make_case(child, at=LONG_AGO)
    case.status, case.closed_at = ShieldCase.Status.CLOSED, dt.datetime(1990, 6, 5, tzinfo=dt.UTC)
    case.save()
    for deadline in Deadline.objects.filter(child=child, met_at__isnull=True):
        deadline.not_required_at = LONG_AGO
        deadline.save()
    assert closure.child_closure_date(child) == dt.date(1990, 6, 5)
    assert closure.open_reasons(child) == []
    assert not closure.closed_children(closed_by=dt.date(1990, 6, 4)).filter(pk=child.pk).exists()
    assert closure.closed_children(closed_by=dt.date(1990, 6, 5)).filter(pk=child.pk).exists()


def test_a_second_run_writes_nothing_and_sends_no_second_notice():
    rule()
    officer = ig_officer()
    UserFactory(roles=[RoleCode.SERVICE_MANAGER])
    _old_child()
    _old_child()

    assert services.retention_scan(now=SCAN)["child"] == 2
    assert services.retention_scan(now=SCAN)["child"] == 0
    assert services.retention_scan(now=SCAN + dt.timedelta(days=1))["child"] == 0

    assert RetentionReview.objects.count() == 2
    notice = Notice.objects.get()
    assert notice.subject == "2 records are due for a retention review"
    assert notice.link == "/retention/"
    assert list(NoticeRecipient.objects.values_list("user", flat=True)) == [officer.pk]


def test_the_notice_names_nobody():
    rule()
    ig_officer()
    child = closed_child()
    services.retention_scan(now=timezone.now() + dt.timedelta(days=366 * 36))
    notice = Notice.objects.get(reference="Retention")
    assert GIVEN not in notice.subject and str(child.pk) not in notice.link


def test_the_scan_runs_a_fixed_number_of_queries_whatever_the_number_of_children():
    rule()
    ig_officer()
    for _ in range(2):
        _old_child()
    with CaptureQueriesContext(connection) as few:
        assert services.retention_scan(now=SCAN)["child"] == 2
    for _ in range(12):
        ChildFactory(created_at=LONG_AGO + dt.timedelta(days=30))
    with CaptureQueriesContext(connection) as many:
        assert services.retention_scan(now=SCAN + dt.timedelta(days=31))["child"] == 12
    assert len(many) == len(few)
    assert len(few) <= 20


def test_a_record_kept_longer_comes_back_at_the_end_of_the_keep_and_a_held_one_never():
    rule()
    kept_child, held_child = _old_child(), _old_child()
    services.retention_scan(now=SCAN)
    officer = ig_officer()
    kept = services.review_keep(
        review=RetentionReview.objects.get(child=kept_child),
        months=12,
        reason="Sibling's case still open (fictional)",
        by=officer,
        now=SCAN,
    )
    services.review_hold(
        review=RetentionReview.objects.get(child=held_child),
        reason="Civil claim (fictional)",
        by=officer,
        now=SCAN,
    )
    assert kept.keep_until == add_calendar_months(timezone.localdate(SCAN), 12)

    assert services.retention_scan(now=SCAN + dt.timedelta(days=300))["child"] == 0
    later = dt.datetime.combine(kept.keep_until, dt.time(9), tzinfo=dt.UTC)
    assert services.retention_scan(now=later)["child"] == 1
    again = RetentionReview.objects.get(child=kept_child, status="due")
    assert (again.due_on, again.counted_from) == (kept.keep_until, kept.keep_until)
    assert services.retention_scan(now=later + dt.timedelta(days=5000))["child"] == 0
    assert RetentionReview.objects.filter(child=held_child).count() == 1


def test_intelligence_is_reviewed_on_the_period_police_set():
    rule(RecordType.INTELLIGENCE)
    police = UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])
    old = make_report(police, submitted_at=dt.datetime(2008, 3, 1, tzinfo=dt.UTC))
    make_report(police, submitted_at=dt.datetime(2012, 3, 1, tzinfo=dt.UTC))
    assert services.retention_scan(now=SCAN)["intelligence"] == 1
    review = RetentionReview.objects.get(record_type="intelligence")
    assert (review.report, review.due_on) == (old, dt.date(2014, 3, 1))


def test_the_celery_task_runs_the_scan():
    rule()
    assert tasks.retention_scan() == {"child": 0, "intelligence": 0}


def test_police_set_the_intelligence_rule_and_information_governance_the_others():
    police = UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])
    officer = ig_officer()
    intelligence = rule(RecordType.INTELLIGENCE)
    values = {"amount": 10, "unit": "years", "trigger": "after_recording", "action": "review"}
    with pytest.raises(ValidationError, match="cannot change this rule"):
        services.rule_change(rule=intelligence, by=officer, reason="Longer", **values)
    changed = services.rule_change(rule=intelligence, by=police, reason="MoPI group 2", **values)
    assert (changed.amount, changed.version, changed.changed_by) == (10, 2, police)
    assert changed.history.count() == 2
    with pytest.raises(ValidationError, match="cannot change this rule"):
        services.rule_change(rule=rule(), by=police, reason="Shorter", **values)
    child_rule = services.rule_change(
        rule=rule(), by=officer, reason="Policy review", **{**values, "amount": 40}
    )
    assert child_rule.amount == 40 and child_rule.trigger == "after_recording"


def test_a_rule_that_would_dispose_of_open_records_is_refused():
    """Disposal counted from recording would make records with an open case due: refused."""
    with pytest.raises(ValidationError) as refused:
        services.rule_change(
            rule=rule(),
            by=ig_officer(),
            amount=35,
            unit="years",
            trigger="after_recording",
            action="dispose",
            reason="Faster",
        )
    assert "open clock or case" in refused.value.message_dict["trigger"][0]
    assert RetentionRule.objects.get(record_type="child").version == 1
