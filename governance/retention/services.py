"""Retention and disposal (issue 10, item 5): the schedule, the daily scan, and the
information-governance officer's decisions. See docs/ig/retention.md."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_by
from cse_framework.notices.services import notify
from cse_framework.timescales.working_time import add_calendar_months
from governance.retention import closure, erasure
from governance.retention.models import (
    ErasureGate,
    ErasureLog,
    RecordType,
    RetentionReview,
    RetentionRule,
)
from intelligence.models import Report
from referrals.models import Child

logger = logging.getLogger(__name__)
BATCH = 500
Rule = RetentionRule

# Who may change each rule: intelligence's review period is set by police (MoPI), the others
# by information governance.
RULE_ROLES = {
    RecordType.CHILD: frozenset({RoleCode.INFORMATION_GOVERNANCE}),
    RecordType.INTELLIGENCE: frozenset({RoleCode.POLICE_INTELLIGENCE_OFFICER}),
}
DISPOSE_NEEDS_CLOSURE = (
    "A rule that disposes of records must count from closure: counted from when the record was "
    "made, it would make records with an open clock or case due for disposal. Choose 'after the "
    "case is closed', or 'review' as the action."
)


class DisposalFailed(Exception):
    """The erasure failed; nothing was erased and the review says why."""


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


@transaction.atomic
def rule_change(
    *,
    rule: RetentionRule,
    amount: int,
    unit: str,
    trigger: str,
    action: str,
    reason: str,
    by: User,
    now: dt.datetime | None = None,
) -> RetentionRule:
    """Change a record type's retention rule (a new version, kept in its history). The
    intelligence rule is police's to set; the others information governance's."""
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if not by.has_role(*RULE_ROLES[rule.record_type]):
        raise ValidationError("You cannot change this rule")
    if action == Rule.Action.DISPOSE and trigger != Rule.Trigger.AFTER_CLOSURE:
        raise ValidationError({"trigger": DISPOSE_NEEDS_CLOSURE})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the rule is changing"})
    rule.amount, rule.unit, rule.trigger, rule.action = amount, unit, trigger, action
    rule.reason = reason
    rule.version += 1
    rule.changed_by, rule.changed_at = by, now or timezone.now()
    rule._history_user = by
    rule.full_clean()
    rule.save()
    return rule


# --- The daily scan -------------------------------------------------------------------------


def _no_review(record_type: str):
    field = "child" if record_type == RecordType.CHILD else "report"
    return ~Exists(RetentionReview.objects.filter(**{field: OuterRef("pk")}))


def _due_children(rule: RetentionRule, cutoff: dt.date):
    """(child id, counted from) for each child due under ``rule`` with no review yet."""
    if rule.trigger == Rule.Trigger.AFTER_CLOSURE:
        children = closure.with_closing_events(
            closure.closed_children(closed_by=cutoff).filter(_no_review(RecordType.CHILD))
        )
        names = ["pk", "created_at", *closure.CLOSING_EVENTS]
        for row in children.values(*names).iterator(chunk_size=BATCH):
            yield row["pk"], closure.closure_date(row)
    else:
        children = Child.objects.filter(
            merged_into__isnull=True, created_at__lt=closure.end_of(cutoff)
        ).filter(_no_review(RecordType.CHILD))
        for pk, created in children.order_by().values_list("pk", "created_at").iterator(BATCH):
            yield pk, closure.as_date(created)


def _due_reports(rule: RetentionRule, cutoff: dt.date):
    if rule.trigger == Rule.Trigger.AFTER_CLOSURE:
        reports, field = closure.closed_reports(closed_by=cutoff), "outcome_at"
    else:
        reports, field = closure.recorded_reports(recorded_by=cutoff), "submitted_at"
    reports = reports.filter(_no_review(RecordType.INTELLIGENCE))
    for pk, when in reports.values_list("pk", field).iterator(BATCH):
        yield pk, closure.as_date(when)


def _ended_keeps(rule: RetentionRule, today: dt.date):
    """(record id, keep_until) for each record kept until on or before ``today`` with no
    review since."""
    field = "child_id" if rule.record_type == RecordType.CHILD else "report_id"
    later = RetentionReview.objects.filter(
        **{field: OuterRef(field)}, due_on__gte=OuterRef("keep_until")
    )
    kept = RetentionReview.objects.filter(
        record_type=rule.record_type,
        status=RetentionReview.Status.KEPT,
        keep_until__lte=today,
    ).filter(~Exists(later))
    yield from kept.order_by().values_list(field, "keep_until").iterator(BATCH)


def _write(rule: RetentionRule, due, *, now: dt.datetime) -> int:
    field = "child_id" if rule.record_type == RecordType.CHILD else "report_id"
    written, batch = 0, []

    def flush():
        nonlocal written, batch
        if batch:
            bulk_create_with_history(batch, RetentionReview, batch_size=BATCH, default_date=now)
            written += len(batch)
            batch = []

    for record_id, counted_from, due_on in due:
        batch.append(
            RetentionReview(
                record_type=rule.record_type,
                **{field: record_id},
                due_on=due_on,
                counted_from=counted_from,
                rule=rule,
                rule_version=rule.version,
                action=rule.action,
                found_at=now,
            )
        )
        if len(batch) >= BATCH:
            flush()
    flush()
    return written


def retention_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily scan: write a review for each record due for review or disposal under its
    rule (one per record and due date; a second run writes none), then tell information
    governance how many, in one notice without personal data."""
    now = now or timezone.now()
    today = _today(now)
    found = {}
    with transaction.atomic():
        for rule in RetentionRule.objects.select_for_update().order_by("record_type"):
            cutoff = add_calendar_months(today, -rule.months)
            if rule.record_type == RecordType.CHILD:
                first = _due_children(rule, cutoff)
            else:
                first = _due_reports(rule, cutoff)
            due = (
                (pk, counted, add_calendar_months(counted, rule.months)) for pk, counted in first
            )
            kept = ((pk, until, until) for pk, until in _ended_keeps(rule, today))
            found[rule.record_type] = _write(rule, due, now=now) + _write(rule, kept, now=now)
        total = sum(found.values())
        if total:
            notify(
                recipients=User.objects.filter(
                    is_active=True, roles__code=RoleCode.INFORMATION_GOVERNANCE
                ).distinct(),
                subject=f"{total} record{'s are' if total != 1 else ' is'} due for a retention "
                "review",
                reference="Retention",
                link=reverse("retention:index"),
            )
    return found


# --- Decisions ------------------------------------------------------------------------------


def _lock_open(review: RetentionReview, *, allowed=RetentionReview.OPEN_STATUSES):
    locked = RetentionReview.objects.select_for_update().get(pk=review.pk)
    if locked.status not in allowed:
        raise ValidationError(
            f"This review has already been decided: {locked.get_status_display().lower()}"
        )
    return locked


def _decide(review: RetentionReview, status: str, *, reason: str, by: User, now) -> None:
    review.status = status
    review.reason = reason
    review.decided_by, review.decided_at = by, now or timezone.now()
    review.version += 1
    review._history_user = by
    review.full_clean()
    review.save()


def _need_reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": message})
    return reason.strip()


@transaction.atomic
def review_keep(
    *, review: RetentionReview, months: int, reason: str, by: User, now: dt.datetime | None = None
) -> RetentionReview:
    """Keep the record longer: it comes back for review ``months`` months from today."""
    review = _lock_open(review)
    reason = _need_reason(reason, "Enter why the record is kept longer")
    if not 1 <= months <= 120:
        raise ValidationError({"months": "Keep it for between 1 and 120 months"})
    review.keep_until = add_calendar_months(_today(now), months)
    _decide(review, RetentionReview.Status.KEPT, reason=reason, by=by, now=now)
    return review


@transaction.atomic
def review_hold(
    *, review: RetentionReview, reason: str, by: User, now: dt.datetime | None = None
) -> RetentionReview:
    """Put the record on legal hold: never disposed of while held."""
    review = _lock_open(review)
    reason = _need_reason(reason, "Enter why the record is on legal hold")
    _decide(review, RetentionReview.Status.HELD, reason=reason, by=by, now=now)
    return review


@transaction.atomic
def review_release(
    *, review: RetentionReview, reason: str, by: User, now: dt.datetime | None = None
) -> RetentionReview:
    """End a legal hold: the review is due again."""
    review = _lock_open(review, allowed=(RetentionReview.Status.HELD,))
    reason = _need_reason(reason, "Enter why the legal hold has ended")
    _decide(review, RetentionReview.Status.DUE, reason=reason, by=by, now=now)
    return review


def open_reasons(review: RetentionReview) -> list[str]:
    """Why the record may not be disposed of now (empty when it may)."""
    if review.record_type == RecordType.CHILD:
        return closure.open_reasons(review.child)
    return closure.report_open_reasons(review.report)


def refusal_message(reasons: list[str]) -> str:
    return "This record cannot be disposed of: " + "; ".join(reasons) + "."


def _dispose(review_pk: int, *, by: User, now: dt.datetime) -> ErasureLog:
    review = _lock_open(RetentionReview(pk=review_pk))
    if review.record_type == RecordType.CHILD:
        record = Child.objects.select_for_update().get(pk=review.child_id)
        reasons = closure.open_reasons(record)
    else:
        record = Report.objects.select_for_update().get(pk=review.report_id)
        reasons = closure.report_open_reasons(record)
    if reasons:
        raise ValidationError(refusal_message(reasons))
    if RetentionReview.objects.filter(
        Q(child_id=review.child_id) if review.child_id else Q(report_id=review.report_id),
        status=RetentionReview.Status.HELD,
    ).exists():
        raise ValidationError("This record is on legal hold and cannot be disposed of.")
    gate = ErasureGate.objects.create(opened_at=now)
    if review.record_type == RecordType.CHILD:
        counts = erasure.erase_child(record, by=by)
    else:
        counts = erasure.erase_report(record, by=by)
    gate.delete()
    rule = RetentionRule.objects.get(pk=review.rule_id)
    log = ErasureLog(
        record_type=review.record_type,
        object_id=review.object_id,
        review=review,
        rule=rule,
        rule_version=rule.version,
        counts=counts,
        erased_by=by,
        erased_at=now,
    )
    log.full_clean()
    log.save()
    review.failure_reason = ""
    _decide(review, RetentionReview.Status.DISPOSED, reason=review.reason, by=by, now=now)
    record_by(user=by, action=AccessEvent.Action.CHANGE, obj=record)
    return log


def review_dispose(
    *, review: RetentionReview, by: User, now: dt.datetime | None = None
) -> ErasureLog:
    """Dispose of the record (one transaction per record): erase its personal data and its
    history's, keep its coded fields, and log the erasure. Refused while the record has an open
    clock or case, or is on legal hold. If the erasure fails, nothing is erased, the review is
    marked failed with the reason, and ``DisposalFailed`` is raised."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _dispose(review.pk, by=by, now=now)
    except ValidationError:
        raise
    except Exception as error:
        # No personal data in the reason or the log: the kind of error, never its text.
        reason = (
            f"The erasure failed ({type(error).__name__}) and was undone: nothing was erased. "
            "Try again, or ask the system administrator to look at the error log."
        )
        logger.error("Retention disposal of review %s failed: %s", review.pk, type(error).__name__)
        with transaction.atomic():
            failed = RetentionReview.objects.select_for_update().get(pk=review.pk)
            failed.status = RetentionReview.Status.FAILED
            failed.failure_reason = reason
            failed.version += 1
            failed._history_user = by
            failed.save()
        raise DisposalFailed(reason) from error
