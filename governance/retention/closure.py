"""When a child's case is closed, and when an intelligence report is: defined once, here.

A child's case is **open** while any of these is true (``open_reasons`` names each):

- a clock (``timescales.Deadline``) about the child is open (neither met nor marked not required);
- a Shield case for the child is open;
- the child is open to MACSE (a cohort entry not ended);
- a CSE1 about the child is a draft, or waiting for MASH (received or awaiting authorisation);
- the register records the child as open to children's social care (``care_status``).

A child whose record was merged into another is never closed on its own: its records moved to the
record it was merged into, which is the one reviewed.

A closed child's **closure date** is the date (Europe/London) of the latest closing event: the
latest of a Shield case closed, a MACSE case ended, a clock met or marked not required, a CSE1
received or triaged, and the record's own creation. The retention period of the "after closure"
rule is counted from it. Anything recorded later (a new CSE1, a clock) moves the date on.

An intelligence report is closed once its outcome is recorded (status "closed"); its closure date
is the date of the outcome.

Everything here is set-based: the queries filter in the database and never loop over children.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery

from cse_framework.timescales.models import Deadline
from intelligence.models import Report
from macse.models import CohortEntry
from referrals.models import Child, Referral
from shield.models import ShieldCase

LONDON = zoneinfo.ZoneInfo("Europe/London")
OPEN_REFERRAL_STATUSES = (
    Referral.Status.DRAFT,
    Referral.Status.RECEIVED,
    Referral.Status.AWAITING_AUTHORISATION,
)


def _open_clocks():
    return Deadline.objects.filter(met_at__isnull=True, not_required_at__isnull=True)


def _open_shield_cases():
    return ShieldCase.objects.filter(status=ShieldCase.Status.OPEN)


def _open_cohort():
    return CohortEntry.objects.filter(ended_on__isnull=True, status=CohortEntry.Status.OPEN)


def _open_referrals():
    return Referral.objects.filter(status__in=OPEN_REFERRAL_STATUSES)


def child_open_q() -> Q:
    """True for a child whose case is open (the module docstring's list)."""
    child = OuterRef("pk")
    return (
        Q(Exists(_open_clocks().filter(child=child)))
        | Q(Exists(_open_shield_cases().filter(child=child)))
        | Q(Exists(_open_cohort().filter(child=child)))
        | Q(Exists(_open_referrals().filter(child=child)))
        | ~Q(care_status=Child.CareStatus.NOT_KNOWN)
    )


def open_reasons(child: Child) -> list[str]:
    """Why this child's case is open, in plain English (empty when it is closed)."""
    reasons = []
    if child.merged_into_id:
        reasons.append("the record was merged into another record, which is the one reviewed")
    if _open_clocks().filter(child=child).exists():
        reasons.append("a clock is still open")
    if _open_shield_cases().filter(child=child).exists():
        reasons.append("a Shield case is open")
    if _open_cohort().filter(child=child).exists():
        reasons.append("the child is open to MACSE")
    if _open_referrals().filter(child=child).exists():
        reasons.append("a CSE1 is a draft or waiting for MASH")
    if child.care_status != Child.CareStatus.NOT_KNOWN:
        reasons.append("the register records the child as open to children's social care")
    return reasons


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` ends in London."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)


def closed_children(*, closed_by: dt.date) -> QuerySet:
    """The children whose case is closed and whose closure date is on or before ``closed_by``:
    no closing event after that day. Not merged records."""
    end = end_of(closed_by)
    child = OuterRef("pk")
    return (
        Child.objects.filter(merged_into__isnull=True, created_at__lt=end)
        .exclude(child_open_q())
        .exclude(Exists(ShieldCase.objects.filter(child=child, closed_at__gte=end)))
        .exclude(Exists(CohortEntry.objects.filter(child=child, ended_on__gt=closed_by)))
        .exclude(Exists(Deadline.objects.filter(child=child, met_at__gte=end)))
        .exclude(Exists(Deadline.objects.filter(child=child, not_required_at__gte=end)))
        .exclude(Exists(Referral.objects.filter(child=child, received_at__gte=end)))
        .exclude(Exists(Referral.objects.filter(child=child, triaged_at__gte=end)))
        .order_by()
    )


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.filter(child=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(latest=Max(field))
        .values("latest")[:1]
    )


CLOSING_EVENTS = {
    "case_closed": (ShieldCase.objects.all(), "closed_at"),
    "macse_ended": (CohortEntry.objects.all(), "ended_on"),
    "clock_met": (Deadline.objects.all(), "met_at"),
    "clock_not_required": (Deadline.objects.all(), "not_required_at"),
    "cse1_received": (Referral.objects.all(), "received_at"),
    "cse1_triaged": (Referral.objects.all(), "triaged_at"),
}


def with_closing_events(children: QuerySet) -> QuerySet:
    """``children`` annotated with the latest of each closing event (one query for them all)."""
    return children.annotate(
        **{name: _latest(queryset, field) for name, (queryset, field) in CLOSING_EVENTS.items()}
    )


def as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(LONDON).date()
    if isinstance(value, str):  # a subquery's date read back as text on some engines
        return dt.date.fromisoformat(value[:10])
    return value


def closure_date(row) -> dt.date:
    """A closed child's closure date, from a row of ``with_closing_events`` (an instance or a
    dict of values with ``created_at``)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    dates = [as_date(get(name)) for name in CLOSING_EVENTS]
    return max([as_date(get("created_at")), *(day for day in dates if day is not None)])


def child_closure_date(child: Child) -> dt.date:
    """One child's closure date (the review page, the disposal's check)."""
    return closure_date(with_closing_events(Child.objects.filter(pk=child.pk)).get())


def closed_reports(*, closed_by: dt.date) -> QuerySet:
    """Intelligence reports whose outcome was recorded on or before ``closed_by``."""
    return Report.objects.filter(
        status=Report.Status.CLOSED, outcome_at__lt=end_of(closed_by)
    ).order_by()


def recorded_reports(*, recorded_by: dt.date) -> QuerySet:
    """Intelligence reports submitted on or before ``recorded_by`` (whatever their status)."""
    return Report.objects.filter(submitted_at__lt=end_of(recorded_by)).order_by()


def report_open_reasons(report: Report) -> list[str]:
    """Why a report may not be disposed of yet (empty when it may)."""
    if report.status != Report.Status.CLOSED:
        return ["the report's outcome has not been recorded"]
    return []
