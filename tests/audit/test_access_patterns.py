"""Access-log review (issue 10 item 7): a user's access pattern over a period, and who has seen
a child, for auditors; the pattern's download is recorded as an export of the user's log."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit import patterns
from cse_framework.audit.models import AccessEvent
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db

# A Friday in November (GMT): London time is UTC.
NOW = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)


def _event(user, action, at, child=None):
    return AccessEvent.objects.create(
        user=user,
        action=action,
        at=at,
        object_type="referrals.child",
        object_id=str(child.pk if child else 1),
        child_id=child.pk if child else None,
    )


@pytest.fixture
def history():
    """A worker's month: office-hours views of two children, a late-night view and a weekend
    view of a third, a denial, and one event outside the 30-day period."""
    worker = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    first, second, third = ChildFactory(), ChildFactory(), ChildFactory()
    wednesday_10am = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)
    _event(worker, "view", wednesday_10am, first)
    _event(worker, "view", wednesday_10am + dt.timedelta(minutes=5), first)
    _event(worker, "change", wednesday_10am + dt.timedelta(hours=1), first)
    _event(worker, "view", wednesday_10am + dt.timedelta(hours=2), second)
    _event(worker, "view", dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC), third)
    _event(worker, "view", dt.datetime(2026, 11, 15, 12, 0, tzinfo=dt.UTC), third)  # Sunday
    _event(worker, "deny", dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC), ChildFactory())
    _event(worker, "view", NOW - dt.timedelta(days=31), first)  # before the period
    _event(UserFactory(), "view", wednesday_10am, first)  # someone else
    return worker, first, second, third


def test_a_users_pattern_counts_what_they_did_in_the_period(history, django_assert_num_queries):
    worker, first, second, third = history
    with django_assert_num_queries(3):
        pattern = patterns.user_pattern(worker.pk, days=30, now=NOW)
    assert pattern.total == 7
    assert pattern.children == 4
    assert pattern.by_action["Viewed"] == 5
    assert pattern.by_action["Changed"] == 1
    assert pattern.by_action["Denied"] == 1
    assert pattern.out_of_hours == 2  # 23:30 on a weekday, and the Sunday
    assert [row["child_id"] for row in pattern.top_children][:1] == [first.pk]
    assert pattern.top_children[0]["events"] == 3
    assert [row["day"] for row in pattern.days] == [
        dt.date(2026, 11, 19),
        dt.date(2026, 11, 18),
        dt.date(2026, 11, 15),
    ]
    assert pattern.days[1]["total"] == 5


def test_out_of_hours_is_london_time_in_summer():
    """8am-6pm London: 07:30 UTC in July is 08:30 BST, within hours; 17:30 UTC is 18:30 BST."""
    worker = UserFactory()
    _event(worker, "view", dt.datetime(2026, 7, 15, 7, 30, tzinfo=dt.UTC))
    _event(worker, "view", dt.datetime(2026, 7, 15, 17, 30, tzinfo=dt.UTC))
    now = dt.datetime(2026, 7, 20, tzinfo=dt.UTC)
    assert patterns.user_pattern(worker.pk, days=30, now=now).out_of_hours == 1


def test_the_pattern_page_and_its_download_which_is_recorded(client_for, history):
    worker = history[0]
    auditor = client_for(RoleCode.SERVICE_MANAGER)
    page = auditor.get(reverse("audit:user-pattern", kwargs={"pk": worker.pk}) + "?days=90")
    assert page.status_code == 200
    assert page.context["pattern"].total == 8  # the older event is within 90 days
    assert AccessEvent.objects.filter(user=auditor.user).count() == 0

    download = auditor.get(reverse("audit:user-pattern-export", kwargs={"pk": worker.pk}))
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:3] == ["Day (London)", "All events", "Viewed"]
    assert len(rows) >= 2
    export = AccessEvent.objects.get(user=auditor.user)
    assert (export.action, export.object_type, export.object_id) == (
        "export",
        "accounts.user",
        str(worker.pk),
    )


def test_an_unknown_period_falls_back_to_30_days(client_for, history):
    auditor = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    page = auditor.get(reverse("audit:user-pattern", kwargs={"pk": history[0].pk}) + "?days=x")
    assert page.context["days"] == 30


def test_who_has_seen_a_child(client_for, history, django_assert_max_num_queries):
    worker, first, *_ = history
    auditor = client_for(RoleCode.SERVICE_MANAGER)
    url = reverse("audit:child-viewers", kwargs={"pk": first.pk})
    with django_assert_max_num_queries(12):
        page = auditor.get(url)
    viewers = {row["user_id"]: row for row in page.context["viewers"]}
    assert len(viewers) == 2
    assert (viewers[worker.pk]["events"], viewers[worker.pk]["views"]) == (4, 3)
    assert f'href="{reverse("audit:user-pattern", kwargs={"pk": worker.pk})}"' in (
        page.content.decode()
    )


def test_the_child_record_links_auditors_to_who_has_seen_it(client_for):
    child = ChildFactory()
    url = reverse("audit:child-viewers", kwargs={"pk": child.pk})
    page = client_for(RoleCode.SERVICE_MANAGER).get(
        reverse("referrals:child-detail", kwargs={"pk": child.pk})
    )
    assert url in page.content.decode()
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER).get(
        reverse("referrals:child-detail", kwargs={"pk": child.pk})
    )
    assert url not in mash.content.decode()
    assert client_for(RoleCode.MASH_TEAM_MANAGER).get(url).status_code == 403
