"""Sending a report on to the police mailbox (issue 8, item 8; D12, D21).

The mailbox is ``settings.POLICE_INTELLIGENCE_MAILBOX``. The e-mail carries the report's reference
and a link to its page, never its content (D21): whoever opens the link signs in and reads what
they may (intelligence.policy.view_of), and may download the PDF there. Each send is a
ReportExport row and an audited disclosure naming the mailbox, written with the e-mail in one
transaction. Who may send: police-only users and the report's submitter (the readers of its full
content or of what they sent)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_by
from cse_framework.notices.services import outbox_enqueue
from intelligence import policy
from intelligence.models import Report, ReportExport

SUBJECT = "Intelligence passed on to police"


def may_send(user, report: Report) -> bool:
    """Police-only users and the report's submitter (view_of FULL or OWN)."""
    return policy.view_of(user, report) in (policy.FULL, policy.OWN)


def sees_sends(user, report: Report) -> bool:
    """Who sees a report's sends (when, by whom, to where): those who may send it."""
    return may_send(user, report)


def sends_of(report: Report):
    """A report's sends to the police mailbox, the newest first, with who sent each."""
    return ReportExport.objects.filter(report=report).select_related("sent_by")


@transaction.atomic
def report_export(*, report: Report, by, now: dt.datetime | None = None) -> ReportExport:
    """Send ``report`` on to the police intelligence mailbox (issue 8, item 8): the e-mail holds
    the reference and a link only (D21), the send is recorded, and disclosed in the access log
    with the mailbox as its recipient."""
    if not may_send(by, report):
        raise PermissionDenied
    mailbox = settings.POLICE_INTELLIGENCE_MAILBOX
    message = outbox_enqueue(
        address=mailbox,
        subject=SUBJECT,
        reference=report.reference,
        link=report.get_absolute_url(),
    )
    export = ReportExport(
        report=report,
        recipient=mailbox,
        sent_by=by,
        sent_at=now or timezone.now(),
        message=message,
    )
    export.full_clean()
    export.save()
    record_by(user=by, action=AccessEvent.Action.DISCLOSE, obj=report, recipient=mailbox)
    return export
