"""Notices in the service: the header's unread count, the notices page, marking read."""

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import NoticeRecipient
from cse_framework.notices.services import notify

pytestmark = pytest.mark.django_db


def _notify(*users, reference="CSE-2026-000123"):
    return notify(
        recipients=users,
        subject="A CSE referral has been received",
        reference=reference,
        link="/referrals/",
    )


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
