"""Access-log review (issue 10, item 7): an auditor downloads who saw a child, or what a user
saw, as CSV, and the download is itself recorded; a child's record links auditors to its log."""

import csv
import io

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.selectors import EXPORT_COLUMNS
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db
EXPORT = reverse("audit:log-export")


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_who_saw_a_child_downloads_and_the_download_is_recorded(client_for):
    child, other = ChildFactory(), ChildFactory()
    viewer = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    for record in (child, child, other):
        viewer.get(reverse("referrals:child-detail", kwargs={"pk": record.pk}))
    auditor = client_for(RoleCode.SERVICE_MANAGER)

    rows = _rows(auditor.get(f"{EXPORT}?child={child.pk}"))

    assert rows[0] == [label for _, label in EXPORT_COLUMNS]
    assert len(rows) == 3  # the two views of this child, newest first; none of the other
    assert {row[1] for row in rows[1:]} == {viewer.user.email}
    assert {row[5] for row in rows[1:]} == {str(child.pk)}
    export = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).get()
    assert export.user == auditor.user and export.child_id == child.pk


def test_what_a_user_saw_downloads_by_their_id(client_for):
    viewer = client_for(RoleCode.SHIELD_TEAM_MANAGER)
    child = ChildFactory()
    viewer.get(reverse("referrals:child-detail", kwargs={"pk": child.pk}))
    auditor = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    rows = _rows(auditor.get(f"{EXPORT}?user={viewer.user.pk}"))
    assert len(rows) >= 2 and {row[1] for row in rows[1:]} == {viewer.user.email}
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORT, object_id=str(viewer.user.pk)
    ).exists()


def test_the_whole_log_is_not_downloaded_unfiltered_and_others_may_not(client_for):
    auditor = client_for(RoleCode.SERVICE_MANAGER)
    response = auditor.get(EXPORT, follow=True)
    assert "Filter the log by a user or a child record number" in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()
    child = ChildFactory()
    assert (
        client_for(RoleCode.MASH_TEAM_MANAGER).get(f"{EXPORT}?child={child.pk}").status_code == 403
    )


def test_the_childs_record_links_auditors_to_its_log(client_for):
    child = ChildFactory()
    url = reverse("referrals:child-detail", kwargs={"pk": child.pk})
    summary = reverse("audit:child-viewers", kwargs={"pk": child.pk})
    assert summary in client_for(RoleCode.SERVICE_MANAGER).get(url).content.decode()
    assert summary not in client_for(RoleCode.MASH_TEAM_MANAGER).get(url).content.decode()
    # Who has seen the child links to the log filtered by the child, which offers the download.
    link = f"{reverse('audit:log')}?child={child.pk}"
    assert link in client_for(RoleCode.SERVICE_MANAGER).get(summary).content.decode()
    page = client_for(RoleCode.SERVICE_MANAGER).get(link).content.decode()
    assert f"{EXPORT}?child={child.pk}" in page
