"""MACSE in a child's chronology: the hearing and its decision (or its deferral), each agreed plan
version, and each action set and done, once the meeting is closed; the filter's MACSE kinds; one
query per source; what each user may see."""

import datetime as dt

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from macse import services
from macse.chronology import HEARINGS, PLANS
from macse.models import AgendaItem, Plan
from shield import chronology
from shield import services as shield_services
from shield.models import ShieldCase
from tests.factories.accounts import UserFactory
from tests.factories.macse import (
    DECEMBER_10,
    make_action,
    make_agenda,
    make_forwarded,
    make_macse_meeting,
)
from tests.factories.shield import shield_worker

pytestmark = pytest.mark.django_db

CLOSED_AT = DECEMBER_10 + dt.timedelta(hours=3)
SET_AT = CLOSED_AT + dt.timedelta(hours=1)  # actions are added once the plan exists
DONE_AT = dt.datetime(2027, 1, 8, 11, 0, tzinfo=dt.UTC)
MACSE_LABELS = ("Heard at MACSE", "MACSE plan agreed (version 1)", "MACSE action set")


@pytest.fixture
def manager():
    user = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    user.is_verified = lambda: True  # as the second-factor middleware marks a signed-in user
    return user


def _heard(*, deferred: int = 0):
    """A meeting that heard one child referred to Shield (adopted, with a rationale and a flag
    decision) and deferred ``deferred`` others, then closed; an action set on the plan and
    done."""
    referrals = [make_forwarded(decision="refer_to_shield") for _ in range(1 + deferred)]
    meeting = make_agenda(make_macse_meeting(), referrals=referrals)
    admin = meeting.administrator
    items = list(meeting.items.filter(child__isnull=False).order_by("position"))
    for item in items[1:]:
        services.item_defer(
            item=item, by=admin, reason="The school's report is not ready.", now=DECEMBER_10
        )
    services.item_decide(
        item=items[0],
        by=admin,
        minutes="Police and school shared what they hold.",
        decision="adopt",
        rationale="Going missing with older adults; risk agreed as high.",
        flag_decision="create",
        now=DECEMBER_10,
    )
    services.meeting_close(meeting=meeting, by=admin, now=CLOSED_AT)
    plan = Plan.objects.get(child=items[0].child)
    action = make_action(plan, now=SET_AT)
    services.action_progress(
        action=action,
        by=action.owner,
        note="Met at the gate every day.",
        status="done",
        now=DONE_AT,
    )
    return items[0], plan, action, items[1:]


def _url(child_id) -> str:
    return reverse("shield:chronology", kwargs={"child_pk": child_id})


def test_the_chronology_shows_the_hearing_the_plan_and_the_action(client_for, manager):
    item, plan, action, _ = _heard()
    page = client_for(user=manager).get(_url(item.child_id)).content.decode()
    for label in (*MACSE_LABELS, "MACSE action done"):
        assert f">{label}</a>" in page, label
    assert item.get_absolute_url() in page
    assert action.get_absolute_url() in page
    version = plan.versions.get()
    assert reverse("macse:plan-version", kwargs={"pk": version.pk}) in page
    assert "Adopt onto MACSE" in page and "risk agreed as high" in page
    assert "Police CSE flag to be created" in page
    assert "Arrange a trusted adult to meet the child at the school gate" in page
    assert "Met at the gate every day." in page
    events = chronology.build(user=manager, child=item.child, case_url="")
    heard = next(e for e in events if e.label == "Heard at MACSE")
    assert heard.when == DECEMBER_10 and heard.kind == HEARINGS[0]
    agreed = next(e for e in events if e.label.startswith("MACSE plan agreed"))
    assert agreed.when == CLOSED_AT and agreed.kind == PLANS[0]
    assert f"MACSE-{item.meeting_id:05d}" in agreed.summary
    assert next(e for e in events if e.label == "MACSE action set").when == SET_AT
    done = next(e for e in events if e.label == "MACSE action done")
    assert done.when == DONE_AT
    assert [e.label for e in events[:4]] == [
        "MACSE action done",
        "MACSE action set",
        "MACSE plan agreed (version 1)",
        "Heard at MACSE",
    ]


def test_a_deferred_item_says_it_was_deferred_and_why(manager):
    _, _, _, (deferred,) = _heard(deferred=1)
    events = chronology.build(user=manager, child=deferred.child, case_url="")
    (event,) = [e for e in events if e.kind == HEARINGS[0]]
    assert event.label == "Deferred at MACSE"
    assert "deferred" in event.summary and "The school's report is not ready." in event.summary
    assert "review clock keeps running" in event.summary
    assert event.link == deferred.get_absolute_url()
    assert not [e for e in events if e.kind == PLANS[0]]  # no plan: not adopted


def test_a_child_on_the_agenda_of_a_meeting_not_yet_held_has_no_hearing(manager):
    meeting = make_agenda(referrals=[make_forwarded(decision="refer_to_shield")])
    item = meeting.items.get(child__isnull=False)
    events = chronology.build(user=manager, child=item.child, case_url="")
    assert not [e for e in events if e.kind in (HEARINGS[0], PLANS[0])]


def test_the_filter_lists_the_macse_kinds_and_filters_by_them(client_for, manager):
    item, _, _, _ = _heard()
    assert HEARINGS in chronology.kinds() and PLANS in chronology.kinds()
    client = client_for(user=manager)
    page = client.get(_url(item.child_id)).content.decode()
    assert HEARINGS[1] in page and PLANS[1] in page
    assert f'value="{HEARINGS[0]}"' in page and f'value="{PLANS[0]}"' in page
    heard = client.get(_url(item.child_id), {"kinds": HEARINGS[0]}).content.decode()
    assert ">Heard at MACSE</a>" in heard and ">MACSE action set</a>" not in heard
    assert ">Referral received</a>" not in heard
    plans = client.get(_url(item.child_id), {"kinds": PLANS[0]}).content.decode()
    assert ">MACSE action done</a>" in plans and ">Heard at MACSE</a>" not in plans
    # Dates: a window before the meeting holds none of it; one after it only the action done.
    ours = {"user": manager, "child": item.child, "case_url": "", "only": [HEARINGS[0], PLANS[0]]}
    assert chronology.build(**ours, until=dt.date(2026, 12, 9)) == []
    later = chronology.build(**ours, since=dt.date(2027, 1, 1))
    assert [e.label for e in later] == ["MACSE action done"]


def test_the_query_count_grows_by_exactly_the_macse_sources(manager, django_assert_num_queries):
    """Three sources (hearings, plan versions, actions with their done notes): three queries
    more than the chronology without them, whatever the number of events."""
    item, plan, _, _ = _heard()
    for n in range(3):  # more actions, some done: no more queries
        action = make_action(plan, description=f"Action {n}.", now=SET_AT)
        services.action_progress(
            action=action, by=action.owner, note="Done.", status="done", now=DONE_AT
        )
    services.plan_agree(plan=plan, by=item.meeting.administrator, now=DONE_AT)
    ours = [s for s in chronology.SOURCES if s.kind in (HEARINGS[0], PLANS[0])]
    assert len(ours) == 3
    others = [kind for kind, _ in chronology.kinds() if kind not in (HEARINGS[0], PLANS[0])]
    chronology.build(user=manager, child=item.child, case_url="")  # roles read once
    with django_assert_num_queries(len(chronology.SOURCES) - 3):
        chronology.build(user=manager, child=item.child, case_url="", only=others)
    with django_assert_num_queries(len(chronology.SOURCES)):
        events = chronology.build(user=manager, child=item.child, case_url="")
    assert len([e for e in events if e.label == "MACSE action done"]) == 4
    assert [e.label for e in events if e.label.startswith("MACSE plan agreed")] == [
        "MACSE plan agreed (version 2)",
        "MACSE plan agreed (version 1)",
    ]


def test_what_each_user_sees(manager):
    """The Shield worker holding the child sees the plan and its actions (the plan is seen as
    the child's Shield records) but not the hearing unless invited to the meeting; a
    police-only item shows to police-only users only (D12)."""
    item, _, _, _ = _heard()
    worker = shield_worker()
    case = ShieldCase.objects.get(child=item.child, status="open")
    shield_services.case_allocate(case=case, worker=worker, by=manager, now=CLOSED_AT)
    worker.is_verified = lambda: True
    seen = {e.label for e in chronology.build(user=worker, child=item.child, case_url="")}
    assert "MACSE action set" in seen and "MACSE plan agreed (version 1)" in seen
    assert "Heard at MACSE" not in seen
    stranger = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    stranger.is_verified = lambda: True
    labels = {e.label for e in chronology.build(user=stranger, child=item.child, case_url="")}
    assert not labels & {*MACSE_LABELS, "MACSE action done"}

    police_only = AgendaItem.objects.get(pk=item.pk)
    police_only.police_only = True
    police_only.save()
    health = UserFactory(roles=[RoleCode.HEALTH_REPRESENTATIVE])
    health.is_verified = lambda: True
    chair = item.meeting.chair
    chair.is_verified = lambda: True
    health_labels = {e.label for e in chronology.build(user=health, child=item.child, case_url="")}
    assert "Heard at MACSE" not in health_labels
    chair_labels = {e.label for e in chronology.build(user=chair, child=item.child, case_url="")}
    assert "Heard at MACSE" in chair_labels
