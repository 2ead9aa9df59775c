"""A child's chronology: every source in it, filters by kind and date (kinds and dates only in
the web address), one query per source whatever the number of events, the audited PDF, and
access through the child's Shield records."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from shield import casework_services, chronology, services
from shield.models import Flag, Incident, MissingEpisode, ShieldCase
from strategy import services as strategy_services
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.referrals import make_discussion, make_meeting
from tests.factories.shield import make_assessment, shield_worker

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOV = {day: dt.datetime(2026, 11, day, 12, 0, tzinfo=UTC) for day in range(1, 29)}


def _hold(meeting):
    return strategy_services.meeting_record_held(
        meeting=meeting,
        by=meeting.chair,
        held_at=meeting.scheduled_for,
        attendance={person.pk: "present" for person in meeting.participants.all()},
        others=[],
        not_compliant_reason="",
        minutes="Police and health shared what they hold.",
        outcomes=["section_47"],
        rationale="Risk of significant harm.",
        actions=[],
        now=meeting.scheduled_for + dt.timedelta(hours=2),
    )


def _events_for(child, worker, *, copies: int = 1) -> None:
    """Shield's own records for the child, ``copies`` of each."""
    for n in range(copies):
        agency = AgencyFactory(name=f"Knowsley Housing {n} (test)")  # one current flag each
        casework_services.case_note_save(
            by=worker,
            child=child,
            occurred_at=NOV[27] + dt.timedelta(minutes=n),
            text=f"Home visit {n}: spoke with her about the older friends.",
            complete=True,
            now=NOV[27] + dt.timedelta(hours=1),
        )
        Incident.objects.create(
            child=child,
            occurred_at=NOV[20] + dt.timedelta(minutes=n),
            description=f"Seen in a car with adults {n}.",
            recorded_by=worker,
        )
        MissingEpisode.objects.create(
            child=child,
            went_missing_at=NOV[10] + dt.timedelta(days=n),
            returned_at=NOV[10] + dt.timedelta(days=n, hours=20),
            reported_to_police=True,
            interview_done=True,
            interview_by="Catch 22 worker",
            interview_on=dt.date(2026, 11, 12),
            recorded_by=worker,
        )
        Flag.objects.create(
            child=child,
            kind=Flag.Kind.AGENCY,
            agency=agency,
            risk_level="high",
            rationale="Partnership decision.",
            decided_on=dt.date(2026, 10, 5),
            decided_by=worker,
            removed_on=dt.date(2026, 10, 30) if n == 0 else None,
            removal_reason="Risk reduced." if n == 0 else "",
            removed_by=worker if n == 0 else None,
        )


@pytest.fixture
def manager():
    user = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    user.is_verified = lambda: True  # as the second-factor middleware marks a signed-in user
    return user


def _child_with_everything(manager, *, copies: int = 1):
    """A referral decided for a strategy discussion that referred the child to Shield and
    arranged a meeting, then held; the case allocated and reallocated; a CSE2 with its band
    overridden; and Shield's own records."""
    discussion = make_discussion(outcomes=["strategy_meeting", "refer_to_shield"])
    _hold(make_meeting(discussion))
    child = discussion.child
    case = ShieldCase.objects.get(child=child)
    first, second = shield_worker(), shield_worker()
    case = services.case_allocate(case=case, worker=first, by=manager, now=NOV[26])
    for n in range(copies):
        worker = second if n % 2 == 0 else first
        case = services.case_allocate(
            case=case,
            worker=worker,
            by=manager,
            reason="Caseloads rebalanced.",
            now=NOV[27] + dt.timedelta(minutes=n),
        )
    assessment = make_assessment(
        child, case.worker, values=(3,) * 8, on=dt.date(2026, 11, 27), now=NOV[27]
    )
    services.band_override(assessment=assessment, by=manager, band="high", reason="Escalating.")
    _events_for(child, case.worker, copies=copies)
    return case


def _url(case, name="shield:chronology") -> str:
    return reverse(name, kwargs={"child_pk": case.child_id})


def test_the_chronology_has_every_source_newest_first(client_for, manager):
    case = _child_with_everything(manager)
    page = client_for(user=manager).get(_url(case)).content.decode()
    labels = [
        "Referral received",
        "MASH decision",
        "Strategy discussion",
        "Strategy meeting arranged",
        "Strategy meeting held",
        "Referred to Shield",
        "Shield worker allocated",
        "CSE2 completed",
        "CSE2 band overridden",
        "Case note",
        "Incident",
        "Went missing",
        "Returned",
        "Return home interview",
        "Flag raised",
        "Flag removed",
    ]
    for label in labels:
        assert f">{label}</a>" in page, label
    events = chronology.build(user=manager, child=case.child, case_url=case.get_absolute_url())
    assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
    # Every kind but MACSE's (tests/macse/test_chronology.py), which this child has no part in.
    shown = {kind for kind, _ in chronology.kinds() if not kind.startswith("macse")}
    assert {e.kind for e in events} == shown
    referral = case.child.referrals.get()
    assert referral.get_absolute_url() in page
    incident = Incident.objects.get(child=case.child)
    assert reverse("shield:incident-detail", kwargs={"pk": incident.pk}) in page
    assert reverse("shield:events", kwargs={"child_pk": case.child_id}) + "#flags" in page
    assert AccessEvent.objects.filter(user=manager, action="view", child_id=case.child_id).exists()


def test_filters_by_kind_and_by_date(client_for, manager):
    case = _child_with_everything(manager)
    client = client_for(user=manager)
    flags = client.get(_url(case), {"kinds": "flag"}).content.decode()
    assert ">Flag raised</a>" in flags and ">Flag removed</a>" in flags
    assert ">Incident</a>" not in flags and ">Referral received</a>" not in flags

    two = client.get(_url(case), {"kinds": ["incident", "missing"]}).content.decode()
    assert ">Incident</a>" in two and ">Went missing</a>" in two
    assert ">Case note</a>" not in two

    # 10 to 12 November: the missing episode and its interview, nothing else.
    window = {
        "since_0": "10",
        "since_1": "11",
        "since_2": "2026",
        "until_0": "12",
        "until_1": "11",
        "until_2": "2026",
    }
    dated = client.get(_url(case), window).content.decode()
    assert ">Went missing</a>" in dated and ">Return home interview</a>" in dated
    for label in ("Flag raised", "Incident", "Referral received", "Case note"):
        assert f">{label}</a>" not in dated, label

    events = chronology.build(
        user=manager,
        child=case.child,
        case_url="",
        only=["flag"],
        since=dt.date(2026, 10, 30),
        until=dt.date(2026, 10, 30),
    )
    assert [e.label for e in events] == ["Flag removed"]


def test_the_web_address_holds_kinds_and_dates_only(client_for, manager):
    case = _child_with_everything(manager)
    page = (
        client_for(user=manager)
        .get(
            _url(case),
            {"kinds": "flag", "since_0": "1", "since_1": "10", "since_2": "2026", "name": "Maisie"},
        )
        .content.decode()
    )
    print_link = page.split(_url(case, "shield:chronology-print"))[1].split('"')[0]
    assert "kinds=flag" in print_link and "since_2=2026" in print_link
    assert "Maisie" not in print_link and "name" not in print_link


def test_a_from_date_after_the_to_date_is_an_error(client_for, manager):
    case = _child_with_everything(manager)
    dates = {"since_0": "2", "since_1": "11", "since_2": "2026"}
    dates.update({"until_0": "1", "until_1": "11", "until_2": "2026"})
    page = client_for(user=manager).get(_url(case), dates).content.decode()
    assert "There is a problem" in page


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_one_query_per_source_whatever_the_number_of_events(client_for, manager):
    small = _child_with_everything(manager)
    large = _child_with_everything(manager, copies=5)
    client = client_for(user=manager)
    assert _queries(client, _url(small)) == _queries(client, _url(large))
    few = _queries(client, _url(large) + "?kinds=flag")
    assert few < _queries(client, _url(large))  # sources not asked for are not read


def test_each_source_is_one_query(manager, django_assert_num_queries):
    """One query a source, for a manager and for the worker who holds the child: a case's
    allocations come with it, a CSE2's overrides too."""
    case = _child_with_everything(manager, copies=2)
    worker = case.worker
    worker.is_verified = lambda: True
    for user in (manager, worker):
        chronology.build(user=user, child=case.child, case_url="")  # their roles, read once
        with django_assert_num_queries(len(chronology.SOURCES)):
            events = chronology.build(user=user, child=case.child, case_url="")
        assert len([e for e in events if e.label == "Shield worker allocated"]) == 3
        assert len([e for e in events if e.label == "CSE2 completed"]) == 1


def test_the_chronology_prints_as_an_audited_pdf(client_for, manager):
    case = _child_with_everything(manager)
    client = client_for(user=manager)
    response = client.get(_url(case, "shield:chronology-print"), {"kinds": "flag"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="chronology-shield-case-{case.pk}.pdf"'
    )
    assert str(case.child) not in response["Content-Disposition"]
    assert (
        AccessEvent.objects.filter(user=manager, action="print", child_id=case.child_id).count()
        == 1
    )


def test_access_follows_the_childs_shield_records(client_for, manager):
    """A worker who never held the child gets 404; the worker who holds them sees the Shield
    events and the child's referral and strategy records (their policies let a Shield worker
    open those of the children they hold)."""
    case = _child_with_everything(manager)
    stranger = client_for(user=shield_worker())
    assert stranger.get(_url(case)).status_code == 404
    assert stranger.get(_url(case, "shield:chronology-print")).status_code == 404
    assert AccessEvent.objects.filter(user=stranger.user, action="deny").exists()
    holder = client_for(user=case.worker).get(_url(case)).content.decode()
    assert ">Case note</a>" in holder and ">CSE2 completed</a>" in holder
    assert ">Strategy discussion</a>" in holder
    assert client_for(RoleCode.REFERRER).get(_url(case)).status_code == 404


def test_a_source_registered_later_joins_the_chronology(manager):
    """The extension point: an app (MACSE, when it records hearings) registers a source."""
    case = _child_with_everything(manager)

    def hearings(context):
        yield chronology.Event(NOV[28], "macse", "Heard at MACSE", "First hearing.", "/macse/")

    before = list(chronology.SOURCES)
    try:
        chronology.register(chronology.Source("macse", "MACSE hearings", hearings, "hearings"))
        assert ("macse", "MACSE hearings") in chronology.kinds()
        events = chronology.build(user=manager, child=case.child, case_url="", only=["macse"])
        assert [e.label for e in events] == ["Heard at MACSE"]
    finally:
        chronology.SOURCES[:] = before
