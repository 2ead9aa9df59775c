"""Notices in the service: the header's unread count, the notices page, marking read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import MAX_ATTEMPTS, NoticeRecipient, OutboxMessage
from cse_framework.notices.services import notify, outbox_send

pytestmark = pytest.mark.django_db


def _notify(*users, reference="CSE-2026-000123"):
    return notify(
        recipients=users,
        subject="A CSE referral has been received",
        reference=reference,
        link="/referrals/",
    )


def test_the_headers_unread_count_comes_with_the_user_and_is_fresh_on_each_page(client_for):
    """The signed-in user is read with their unread count (accounts.backends): no query of its
    own on any page, and right again on the next page after marking read."""
    mine = client_for(RoleCode.MASH_SOCIAL_WORKER)
    _notify(mine.user)
    _notify(mine.user, reference="CSE-2026-000124")
    with CaptureQueriesContext(connection) as queries:
        page = mine.get(reverse("notices:list")).content.decode()
    assert '2<span class="govuk-visually-hidden"> unread</span>' in page
    unread = '"read_at" IS NULL'
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"] and unread in q["sql"]]
    assert len(counting) == 1 and '"accounts_user"' in counting[0]
    mine.post(reverse("notices:mark-read"))
    assert "unread</span>" not in mine.get(reverse("notices:list")).content.decode()


def test_a_user_sees_their_own_notices_and_marks_them_read(client_for):
    mine = client_for(RoleCode.MASH_SOCIAL_WORKER)
    other = client_for(RoleCode.MASH_SOCIAL_WORKER)
    first = _notify(mine.user)
    _notify(mine.user, reference="CSE-2026-000124")
    _notify(other.user, reference="CSE-2026-000999")
    page = mine.get(reverse("notices:list")).content.decode()
    assert "CSE-2026-000123" in page and "CSE-2026-000124" in page
    assert "CSE-2026-000999" not in page
    assert '2<span class="govuk-visually-hidden"> unread</span>' in page
    mine.post(reverse("notices:mark-read"), {"notice": first.pk})
    assert NoticeRecipient.objects.filter(user=mine.user, read_at__isnull=True).count() == 1
    mine.post(reverse("notices:mark-read"))
    assert not NoticeRecipient.objects.filter(user=mine.user, read_at__isnull=True).exists()
    assert NoticeRecipient.objects.filter(user=other.user, read_at__isnull=True).count() == 1


def test_a_notice_is_one_row_with_a_copy_and_an_email_per_person(make_user):
    from cse_framework.notices.models import OutboxMessage

    people = [make_user(RoleCode.MASH_SOCIAL_WORKER) for _ in range(3)]
    notice = _notify(*people, people[0])
    assert notice.recipients.count() == 3
    assert OutboxMessage.objects.filter(reference=notice.reference).count() == 3


def _email(notice, user) -> OutboxMessage:
    return OutboxMessage.objects.get(notice=notice, recipient=user)


def _give_up(message: OutboxMessage) -> None:
    message.status = OutboxMessage.Status.FAILED
    message.attempts = MAX_ATTEMPTS
    message.save()


def test_each_person_sees_what_became_of_their_own_email(client_for):
    """One notice to two people: one e-mail sent, the other given up; each page says which."""
    sent_to = client_for(RoleCode.MASH_SOCIAL_WORKER)
    refused = client_for(RoleCode.MASH_SOCIAL_WORKER)
    notice = _notify(sent_to.user, refused.user)
    outbox_send(message_id=_email(notice, sent_to.user).pk)
    _give_up(_email(notice, refused.user))
    sent_page = sent_to.get(reverse("notices:list")).content.decode()
    refused_page = refused.get(reverse("notices:list")).content.decode()
    assert "E-mail sent" in sent_page and "could not be sent" not in sent_page
    assert "E-mail could not be sent; this notice is your copy" in refused_page
    assert "E-mail sent" not in refused_page
    assert notice.reference in sent_page and notice.reference in refused_page


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("notices:list")).status_code == 200
    return len(
        [q for q in captured if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    )


def test_the_page_reads_a_fixed_number_of_queries(client_for):
    """The same queries for 2 notices as for 12, whatever became of their e-mails."""
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    for number in range(2):
        _notify(client.user, reference=f"CSE-2026-{number:06}")
    client.get(reverse("notices:list"))
    few = _page_queries(client)
    for number in range(2, 12):
        notice = _notify(client.user, reference=f"CSE-2026-{number:06}")
        if number % 3 == 0:
            outbox_send(message_id=_email(notice, client.user).pk)
        elif number % 3 == 1:
            _give_up(_email(notice, client.user))
    assert _page_queries(client) == few


def test_the_api_gives_each_notice_its_email_status(client_for):
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    waiting = _notify(client.user, reference="CSE-2026-000001")
    sent = _notify(client.user, reference="CSE-2026-000002")
    given_up = _notify(client.user, reference="CSE-2026-000003")
    outbox_send(message_id=_email(sent, client.user).pk)
    _give_up(_email(given_up, client.user))
    results = client.get(reverse("notice-list")).json()["results"]
    assert {row["id"]: row["email_status"] for row in results} == {
        waiting.pk: "waiting",
        sent.pk: "sent",
        given_up.pk: "given_up",
    }
