"""Work lists and the managers' overdue dashboard: read from the clocks, scoped, a fixed number
of queries, and the CSV export audited."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.models import Team
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.dashboards import performance
from cse_framework.dashboards.tasks import refresh_performance
from cse_framework.timescales.models import Deadline
from referrals import triage
from tests.factories.accounts import TeamFactory, UserFactory
from tests.factories.referrals import make_received

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
LONG_AGO = dt.datetime(2026, 11, 2, 10, 0, tzinfo=LONDON)
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def mash_team():
    return TeamFactory(kind=Team.Kind.MASH)


def _received(count: int, **fields):
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    return [make_received(referrer, now=LONG_AGO, **fields) for _ in range(count)]


def _client(client_for, role, team):
    client = client_for(role)
    client.user.team = team
    client.user.save()
    return client


def test_a_worker_takes_a_team_clock(client_for, mash_team):
    """Untaken team clocks are listed for the team; taking one makes it the worker's."""
    [referral] = _received(1)
    worker = _client(client_for, RoleCode.MASH_SOCIAL_WORKER, mash_team)
    page = worker.get(reverse("timescales:worklist"))
    assert [clock.started_by for clock in page.context["team"]] == [referral]
    clock = page.context["team"][0]
    worker.post(reverse("timescales:take", kwargs={"pk": clock.pk}))
    clock.refresh_from_db()
    assert clock.owner == worker.user
    page = worker.get(reverse("timescales:worklist"))
    assert page.context["team"] == [] and page.context["mine"] == [clock]
    other_team = _client(client_for, RoleCode.MASH_SOCIAL_WORKER, TeamFactory(kind=Team.Kind.MASH))
    assert other_team.get(reverse("timescales:worklist")).context["mine"] == []


def _dashboard_queries(client, name: str = "dashboards:overdue") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(
        [q for q in captured if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    )


@time_machine.travel(NOW, tick=False)
def test_dashboard_counts_overdue_and_rates_with_a_fixed_number_of_queries(client_for, mash_team):
    """Overdue counts and on-time rates from the rows; the same queries for 2 clocks as for 12."""
    manager = _client(client_for, RoleCode.MASH_TEAM_MANAGER, mash_team)
    _received(2)
    manager.get(reverse("dashboards:overdue"))
    manager.get(reverse("dashboards:timeliness"))  # works out the first snapshot
    pages = ("dashboards:overdue", "dashboards:overdue-list", "dashboards:timeliness")
    few = [_dashboard_queries(manager, name) for name in pages]
    referrals = _received(10)
    assert [_dashboard_queries(manager, name) for name in pages] == few
    mash = UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])
    decided = triage.referral_confirm_child(
        referral=referrals[0], by=mash, child=None, seen_version=referrals[0].version
    )
    triage.referral_triage(
        referral=decided,
        by=mash,
        level_of_concern="medium",
        decision="no_further_action",
        rationale="Advice given.",
        seen_version=decided.version,
    )
    performance.refresh(now=NOW)  # the beat's minute
    page = manager.get(reverse("dashboards:overdue"))
    [row] = page.context["summary"]["by_kind"]
    assert (row["kind"], row["overdue"]) == ("strategy_discussion", 11)
    clocks = manager.get(reverse("dashboards:overdue-list")).context["page"]
    assert clocks.paginator.count == 11
    [rate] = manager.get(reverse("dashboards:timeliness")).context["rates"]["month"]
    assert (rate["due"], rate["on_time"]) == (11, 0)  # the not-required clock is left out


def test_csv_export_has_stable_columns_and_is_audited(client_for, mash_team):
    manager = _client(client_for, RoleCode.SERVICE_MANAGER, mash_team)
    referrals = _received(3)
    for referral in referrals:
        triage.referral_confirm_child(
            referral=referral, by=manager.user, child=None, seen_version=referral.version
        )
    body = manager.get(reverse("dashboards:overdue-csv")).content.decode().splitlines()
    assert body[0] == "clock,reference,child_record,due_at_utc,hours_overdue,team,owner"
    assert len(body) == 4
    assert AccessEvent.objects.filter(action="export").count() == 3
    assert Deadline.objects.count() == 3


def test_api_lists_clocks_in_scope_and_a_users_notices(client_for, mash_team):
    """/api/v1/deadlines/ (scoped, soonest first, each read audited) and /api/v1/notices/."""
    manager = _client(client_for, RoleCode.MASH_TEAM_MANAGER, mash_team)
    [referral] = _received(1)
    [clock] = manager.get("/api/v1/deadlines/").json()["results"]
    assert (clock["kind"], clock["state"], clock["started_by"]) == (
        "strategy_discussion",
        "overdue",
        referral.reference,
    )
    outsider = client_for(RoleCode.SHIELD_WORKER)
    assert outsider.get("/api/v1/deadlines/").json()["results"] == []
    [notice] = manager.get("/api/v1/notices/").json()["results"]  # "received", to MASH
    assert notice["reference"] == referral.reference and notice["read_at"] is None
    read = manager.post(f"/api/v1/notices/{notice['id']}/read/").json()
    assert read["read_at"] is not None


@time_machine.travel(NOW, tick=False)
def test_a_late_clock_asks_for_a_reason_which_the_dashboard_shows(client_for, mash_team):
    """Open past due: its owner (or team) gives a reason from the list; "Other" needs text."""
    worker = _client(client_for, RoleCode.MASH_SOCIAL_WORKER, mash_team)
    [referral] = _received(1)
    clock = Deadline.objects.get(started_by_id=str(referral.pk))
    url = reverse("timescales:explain", kwargs={"pk": clock.pk})
    assert "Say why it is late" in worker.get(reverse("timescales:worklist")).content.decode()
    body = worker.post(url, {"code": "other", "text": ""}).content.decode()
    assert "Say what the reason was" in body
    assert worker.post(url, {"code": "partner_unavailable"}).status_code == 302
    clock.refresh_from_db()
    assert clock.breach_reason_code == "partner_unavailable"
    manager = _client(client_for, RoleCode.MASH_TEAM_MANAGER, mash_team)
    reasons = manager.get(reverse("dashboards:timeliness")).context["reasons"]
    assert reasons == [{"breach_reason_code": "partner_unavailable", "count": 1}]


def _figures(client) -> dict:
    context = client.get(reverse("dashboards:timeliness")).context
    return {"at": context["worked_out_at"], "quarter": context["rates"]["quarter"]}


def test_on_time_figures_come_from_the_beat_and_are_worked_out_afresh_when_stale(
    client_for, mash_team
):
    """The page adds up the beat's snapshot; with none, or one older than FRESH_FOR (no worker
    running), it works the figures out itself. Filters apply to the snapshot's rows."""
    due = [{"kind": "strategy_discussion", "due": 1, "on_time": 0}]
    with time_machine.travel(NOW, tick=False):
        manager = _client(client_for, RoleCode.SERVICE_MANAGER, mash_team)
        _received(1)
        assert _figures(manager) == {"at": NOW, "quarter": due}  # none yet: worked out now
        _received(1)
        assert _figures(manager)["quarter"] == due  # the snapshot is fresh: reused
    later = NOW + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert refresh_performance(now=later.isoformat()) == 1  # one row: kind, team, reason
        assert _figures(manager) == {"at": later, "quarter": [{**due[0], "due": 2}]}
        other_team = TeamFactory(kind=Team.Kind.MASH).pk
        filtered = manager.get(reverse("dashboards:timeliness"), {"team": other_team}).context
        assert filtered["rates"]["quarter"] == [] and filtered["reasons"] == []
    stale = later + performance.FRESH_FOR + dt.timedelta(seconds=1)
    with time_machine.travel(stale, tick=False):
        _received(1)
        assert _figures(manager) == {"at": stale, "quarter": [{**due[0], "due": 3}]}


@time_machine.travel(NOW, tick=False)
def test_the_summary_counts_by_kind_and_team_and_names_the_workers_most_overdue(
    client_for, mash_team
):
    """Untaken clocks count under their team; taken ones also under their worker, the worker
    with the most overdue first."""
    worker = _client(client_for, RoleCode.MASH_SOCIAL_WORKER, mash_team)
    clocks = [Deadline.objects.get(started_by_id=str(r.pk)) for r in _received(3)]
    for clock in clocks[:2]:
        worker.post(reverse("timescales:take", kwargs={"pk": clock.pk}))
    manager = _client(client_for, RoleCode.SERVICE_MANAGER, mash_team)
    summary = manager.get(reverse("dashboards:overdue")).context["summary"]
    [by_kind] = summary["by_kind"]
    assert (by_kind["kind"], by_kind["team"], by_kind["overdue"]) == (
        "strategy_discussion",
        mash_team.name,
        3,
    )
    [by_worker] = summary["by_worker"]
    assert (by_worker["worker"], by_worker["overdue"], by_worker["next_24h"]) == (
        worker.user.full_name,
        2,
        0,
    )
