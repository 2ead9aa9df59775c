"""Sending a report on to the police mailbox, and its PDF (issue 8, item 8; D12, D21): the e-mail
holds the reference and a link, never the report's content; each send is a ReportExport row and
an audited disclosure naming the mailbox; only police-only users and the submitter may send
(404 for everyone else, audited); the PDF holds what its reader may read and each download is in
the access log. All names, places and plates are fictional (D15)."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import OutboxMessage
from cse_framework.notices.services import outbox_send
from intelligence import export_services, services
from intelligence.models import Report, ReportExport
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2026, 10, 12, 15, 30, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 10, 13, 9, 0, tzinfo=dt.UTC)
WHAT = "A silver hatchback waits by the Larch Lane gates at home time"
PLACE = "Larch Lane Academy gates"
CHILDREN = "Two girls in Larch Lane uniform"
PLATE = "XR15 KQZ"
SANITISED = "A vehicle has been seen near a school in the area at home time"
MAILBOX = "vpu-referrals@police.example"


def _verified(*roles):
    user = UserFactory(roles=list(roles))
    user.is_verified = lambda: True
    return user


@pytest.fixture(autouse=True)
def _mailbox(settings):
    settings.POLICE_INTELLIGENCE_MAILBOX = MAILBOX


@pytest.fixture
def teacher(client_for):
    return client_for(RoleCode.REFERRER)


def _report(by) -> Report:
    return services.report_submit(
        by=by,
        observed_from=SEEN,
        what_happened=WHAT,
        place=PLACE,
        children_mentioned=CHILDREN,
        provenance="saw",
        vehicles=[{"registration": PLATE, "colour": "Silver"}],
    )


def _graded(report: Report, *, shared: bool = False) -> Report:
    Report.objects.filter(pk=report.pk).update(
        source_grade="1",
        intelligence_grade="B",
        handling="P",
        status=Report.Status.GRADED,
        police_reference="MP/INT/0417",
        sanitised=SANITISED,
        shared_with_partners_at=timezone.now() if shared else None,
    )
    report.refresh_from_db()
    return report


def test_a_send_is_a_row_an_email_and_a_disclosure_to_the_mailbox():
    submitter = _verified(RoleCode.REFERRER)
    report = _report(submitter)
    export = export_services.report_export(report=report, by=submitter, now=NOW)

    row = ReportExport.objects.get()
    assert (row.report, row.recipient, row.sent_by, row.sent_at) == (
        report,
        MAILBOX,
        submitter,
        NOW,
    )
    message = OutboxMessage.objects.get()
    assert export.message == message
    assert (message.address, message.recipient) == (MAILBOX, None)
    assert (message.reference, message.link) == (report.reference, report.get_absolute_url())
    event = AccessEvent.objects.get(action=AccessEvent.Action.DISCLOSE)
    assert (event.user, event.recipient) == (submitter, MAILBOX)
    assert (event.object_type, event.object_id) == ("intelligence.report", str(report.pk))


def test_the_email_has_the_reference_and_link_and_nothing_the_report_says():
    officer = _verified(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    report = _graded(_report(_verified(RoleCode.REFERRER)))
    export = export_services.report_export(report=report, by=officer, now=NOW)
    assert outbox_send(message_id=export.message_id, now=NOW)

    (email,) = mail.outbox
    assert email.to == [MAILBOX]
    link = settings.SITE_URL.rstrip("/") + reverse(
        "intelligence:report-detail", kwargs={"pk": report.pk}
    )
    assert report.reference in email.subject and report.reference in email.body
    assert link in email.body
    for text in (WHAT, PLACE, CHILDREN, PLATE, "XR15KQZ", SANITISED, "MP/INT/0417", "Larch"):
        assert text not in email.body and text not in email.subject


@pytest.mark.parametrize(
    "role", [RoleCode.POLICE_INTELLIGENCE_OFFICER, RoleCode.MACSE_CHAIR, "submitter"]
)
def test_police_only_users_and_the_submitter_may_send(role):
    submitter = _verified(RoleCode.REFERRER)
    report = _report(submitter)
    by = submitter if role == "submitter" else _verified(role)
    assert export_services.report_export(report=report, by=by).sent_by == by


@pytest.mark.parametrize(
    "role", [RoleCode.REFERRER, RoleCode.SHIELD_TEAM_MANAGER, RoleCode.MACSE_ADMINISTRATOR]
)
def test_nobody_else_may_send_even_with_the_sanitised_version_shared(role):
    report = _graded(_report(_verified(RoleCode.REFERRER)), shared=True)
    with pytest.raises(PermissionDenied):
        export_services.report_export(report=report, by=_verified(role))
    assert not ReportExport.objects.exists() and not OutboxMessage.objects.exists()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.DISCLOSE).exists()


def _send_url(report) -> str:
    return reverse("intelligence:report-send", kwargs={"pk": report.pk})


def _pdf_url(report) -> str:
    return reverse("intelligence:report-pdf", kwargs={"pk": report.pk})


def test_the_submitter_confirms_then_sends_and_sees_the_send_on_the_report(teacher):
    report = _report(teacher.user)
    detail = teacher.get(report.get_absolute_url()).content.decode()
    assert _send_url(report) in detail and _pdf_url(report) in detail
    assert "Not sent to the police mailbox yet" in detail

    confirm = teacher.get(_send_url(report))
    assert confirm.status_code == 200 and MAILBOX in confirm.content.decode()
    assert not ReportExport.objects.exists()  # the confirmation sends nothing

    response = teacher.post(_send_url(report), follow=True)
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    page = response.content.decode()
    assert f"{report.reference} was sent to the police mailbox {MAILBOX}" in page
    sends = re.search(r'id="sends".*?</table>', page, re.S).group(0)
    assert MAILBOX in sends and teacher.user.full_name in sends
    assert ReportExport.objects.get().sent_by == teacher.user
    # Sending again is allowed; the confirmation says it was sent already.
    again = teacher.get(_send_url(report)).content.decode()
    assert "already sent 1 time" in again


def test_police_see_every_send_of_a_report(teacher, client_for):
    report = _report(teacher.user)
    teacher.post(_send_url(report))
    police = client_for(RoleCode.MACSE_CHAIR)
    page = police.get(report.get_absolute_url()).content.decode()
    sends = re.search(r'id="sends".*?</table>', page, re.S).group(0)
    assert MAILBOX in sends and teacher.user.full_name in sends
    assert _send_url(report) in page


def test_another_partner_gets_404_audited_and_a_sanitised_reader_may_not_send(teacher, client_for):
    report = _graded(_report(teacher.user))
    teacher.post(_send_url(report))
    other = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    for response in (other.get(_send_url(report)), other.post(_send_url(report))):
        assert response.status_code == 404
    denials = AccessEvent.objects.filter(action=AccessEvent.Action.DENY, user=other.user)
    assert denials.count() == 2
    assert {(e.object_type, e.object_id) for e in denials} == {
        ("intelligence.report", str(report.pk))
    }

    Report.objects.filter(pk=report.pk).update(shared_with_partners_at=timezone.now())
    assert other.post(_send_url(report)).status_code == 404
    page = other.get(report.get_absolute_url()).content.decode()
    assert _pdf_url(report) in page
    assert _send_url(report) not in page and 'id="sends"' not in page and MAILBOX not in page
    assert ReportExport.objects.count() == 1


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_police_download_the_full_report_with_its_grading(teacher, client_for):
    report = _graded(_report(teacher.user))
    police = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    response = police.get(_pdf_url(report))
    assert response["Content-Disposition"] == f'attachment; filename="{report.reference}.pdf"'
    text = _text(response)
    assert "OFFICIAL-SENSITIVE" in text and report.reference in text
    for shown in (WHAT, PLACE, PLATE, "1B P", "MP/INT/0417", SANITISED):
        assert shown in text, shown
    printed = AccessEvent.objects.get(action=AccessEvent.Action.PRINT)
    assert (printed.user, printed.object_id) == (police.user, str(report.pk))


def test_the_submitter_downloads_what_they_sent_without_the_grading(teacher):
    report = _graded(_report(teacher.user))
    text = _text(teacher.get(_pdf_url(report)))
    assert "OFFICIAL-SENSITIVE" in text
    assert WHAT in text and PLATE in text and CHILDREN in text
    for hidden in ("1B P", "MP/INT/0417", SANITISED):
        assert hidden not in text, hidden


def test_a_partner_downloads_only_the_sanitised_version_once_shared(teacher, client_for):
    report = _graded(_report(teacher.user))
    partner = client_for(RoleCode.SHIELD_WORKER)
    assert partner.get(_pdf_url(report)).status_code == 404
    denied = AccessEvent.objects.get(action=AccessEvent.Action.DENY, user=partner.user)
    assert denied.object_id == str(report.pk)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PRINT).exists()

    Report.objects.filter(pk=report.pk).update(shared_with_partners_at=timezone.now())
    text = _text(partner.get(_pdf_url(report)))
    assert SANITISED in text and "OFFICIAL-SENSITIVE" in text
    for hidden in (WHAT, PLACE, PLATE, CHILDREN, "1B P", "MP/INT/0417"):
        assert hidden not in text, hidden
    assert AccessEvent.objects.filter(action=AccessEvent.Action.PRINT, user=partner.user).exists()


@pytest.mark.parametrize(("mailbox", "errors"), [("not a mailbox", 1), ("intel@police.example", 0)])
def test_a_mailbox_that_is_not_an_address_stops_the_service_starting(settings, mailbox, errors):
    from django.core import checks

    settings.POLICE_INTELLIGENCE_MAILBOX = mailbox
    found = [m for m in checks.run_checks() if m.id == "intelligence.E001"]
    assert len(found) == errors
