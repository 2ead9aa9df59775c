"""Leavers (issue 10, item 3): a person's open work, and deactivating them with every item
handed over in one step, or nothing changed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import NoticeRecipient
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
from governance.leavers import open_work, services
from governance.leavers.models import AccountChange
from governance.leavers.services import TEAM
from macse.services import plan_update
from shield.casework_services import case_note_save
from shield.models import Allocation, CaseNote, ShieldCase
from tests.factories.accounts import UserFactory
from tests.factories.leavers import (
    NOW,
    leaver_with_work,
    mash_team,
    team_clock,
)
from tests.factories.macse import make_macse_meeting, make_plan
from tests.factories.shield import shield_worker

pytestmark = pytest.mark.django_db
LEFT_ON = dt.date(2026, 11, 27)


def deactivate(work, *, choices=None, seen=None, by=None, **fields):
    items = open_work.survey(work.leaver)
    values = {
        "user": work.leaver,
        "by": by or work.manager,
        "left_on": LEFT_ON,
        "reason": "Left the council for another authority.",
        "choices": work.choices() if choices is None else choices,
        "seen": open_work.keys(items) if seen is None else seen,
        "now": NOW,
        **fields,
    }
    return services.user_deactivate(**values)


def field_errors(raised) -> dict:
    return raised.value.message_dict


def assert_nothing_changed(work):
    work.leaver.refresh_from_db()
    assert work.leaver.is_active
    assert ShieldCase.objects.get(pk=work.case.pk).worker_id == work.leaver.pk
    assert Deadline.objects.get(pk=work.clock_of_team.pk).owner_id == work.leaver.pk
    assert not AccountChange.objects.exists()


# --- The survey -----------------------------------------------------------------------------


def test_every_kind_of_open_work_is_listed_with_the_clocks_that_go_with_it():
    work = leaver_with_work()
    items = {item.key: item for item in open_work.survey(work.leaver)}
    assert set(items) == set(work.choices())
    case = items[f"case_{work.case.pk}"]
    assert [clock.kind for clock in case.follows] == [Kind.INITIAL_CSE2]
    assert case.can_return
    assert [c.kind for c in items[f"macse_action_{work.macse_action.pk}"].follows] == [Kind.ACTION]
    assert [c.kind for c in items[f"strategy_action_{work.strategy_action.pk}"].follows] == [
        Kind.ACTION
    ]
    assert not items[f"child_{work.child.pk}"].can_return
    assert items[f"clock_{work.clock_of_team.pk}"].can_return
    assert not items[f"clock_{work.clock_of_nobody.pk}"].can_return
    # Every open clock the leaver owns is listed: alone, or under what it goes with.
    listed = {c.pk for item in items.values() for c in item.follows} | {
        item.obj.pk for item in items.values() if item.kind == open_work.CLOCK
    }
    assert listed == set(
        Deadline.objects.filter(OPEN, owner=work.leaver).values_list("pk", flat=True)
    )


def test_the_survey_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    work = leaver_with_work()
    for _ in range(3):
        team_clock(work.leaver, team=mash_team())
    with django_assert_max_num_queries(10):
        items = open_work.survey(work.leaver)
    assert len(items) == 10


def test_closed_and_finished_work_is_not_listed():
    work = leaver_with_work()
    clock = Deadline.objects.get(pk=work.clock_of_team.pk)
    clock.met_at = NOW
    clock.save()
    action = work.macse_action
    action.status = "done"
    action.save()
    keys = open_work.keys(open_work.survey(work.leaver))
    assert f"clock_{clock.pk}" not in keys
    assert f"macse_action_{action.pk}" not in keys


def test_macse_plans_and_meetings_they_lead_are_listed_and_handed_over():
    person = UserFactory(roles=[RoleCode.MACSE_ADMINISTRATOR, RoleCode.MACSE_CHAIR])
    plan = make_plan()
    plan_update(plan=plan, by=person, lead_professional=person, young_person_views="")
    chaired = make_macse_meeting(chair_user=person)
    administered = make_macse_meeting(by=person, starts_at=NOW + dt.timedelta(days=40))
    items = open_work.survey(person)
    assert open_work.keys(items) == sorted(
        [f"macse_plan_{plan.pk}", f"macse_chair_{chaired.pk}", f"macse_admin_{administered.pk}"]
    )
    chair, admin, lead = (
        UserFactory(roles=[RoleCode.MACSE_CHAIR]),
        UserFactory(roles=[RoleCode.MACSE_ADMINISTRATOR]),
        UserFactory(roles=[RoleCode.SHIELD_WORKER]),
    )
    manager = UserFactory(roles=[RoleCode.SERVICE_MANAGER])
    values = {
        "user": person,
        "by": manager,
        "left_on": LEFT_ON,
        "reason": "Retired.",
        "seen": open_work.keys(items),
        "now": NOW,
    }
    choices = {
        f"macse_plan_{plan.pk}": str(lead.pk),
        f"macse_chair_{chaired.pk}": str(admin.pk),  # not a chair: refused
        f"macse_admin_{administered.pk}": str(admin.pk),
    }
    with pytest.raises(ValidationError) as raised:
        services.user_deactivate(choices=choices, **values)
    assert list(field_errors(raised)) == [f"to_macse_chair_{chaired.pk}"]
    choices[f"macse_chair_{chaired.pk}"] = str(chair.pk)
    services.user_deactivate(choices=choices, **values)
    plan.refresh_from_db()
    chaired.refresh_from_db()
    administered.refresh_from_db()
    assert (plan.lead_professional, chaired.chair, administered.administrator) == (
        lead,
        chair,
        admin,
    )


# --- Deactivating -----------------------------------------------------------------------------


def test_every_kind_is_handed_over_and_the_account_deactivated():
    work = leaver_with_work()
    change = deactivate(work)
    work.leaver.refresh_from_db()
    assert not work.leaver.is_active
    assert open_work.survey(work.leaver) == []
    case = ShieldCase.objects.get(pk=work.case.pk)
    assert case.worker == work.new_shield
    # The allocation history: the leaver's allocation ended, kept, and a new one began.
    allocations = list(Allocation.objects.filter(case=case).order_by("allocated_at", "pk"))
    assert [a.worker for a in allocations] == [work.leaver, work.new_shield]
    assert allocations[0].ended_at == NOW and allocations[1].allocated_by == work.manager
    assert Deadline.objects.get(OPEN, child=case.child, kind=Kind.INITIAL_CSE2).owner == (
        work.new_shield
    )
    work.child.refresh_from_db()
    assert work.child.allocated_social_worker == work.new_social_worker
    work.macse_action.refresh_from_db()
    assert work.macse_action.owner == work.new_partner
    assert work.macse_action.agency == work.new_partner.agency
    work.strategy_action.refresh_from_db()
    assert work.strategy_action.owner == work.new_partner
    action_clocks = Deadline.objects.filter(OPEN, kind=Kind.ACTION, owner=work.new_partner)
    assert action_clocks.count() == 2
    work.meeting.refresh_from_db()
    assert work.meeting.chair == work.new_chair
    returned = Deadline.objects.get(pk=work.clock_of_team.pk)
    assert returned.owner is None and returned.owning_team == mash_team()
    assert Deadline.objects.get(pk=work.clock_of_nobody.pk).owner == work.new_mash
    assert change.kind == AccountChange.Kind.DEACTIVATED
    assert change.effective_on == LEFT_ON and change.made_by == work.manager
    assert {row["item"]: row["to"] for row in change.handover} == {
        key: (None if value == TEAM else int(value)) for key, value in work.choices().items()
    }


def test_history_records_why_each_row_changed():
    work = leaver_with_work()
    deactivate(work)
    assert work.leaver.history.first().history_change_reason == "Deactivated: left the service"
    clock = Deadline.objects.get(pk=work.clock_of_nobody.pk)
    assert clock.history.first().history_change_reason == services.HANDED_OVER
    assert work.meeting.history.first().history_change_reason == services.HANDED_OVER


def test_the_leaver_and_each_new_holder_are_told_and_the_change_is_audited():
    work = leaver_with_work()
    deactivate(work)
    told = set(
        NoticeRecipient.objects.filter(
            notice__subject__in=[
                "Your account has been deactivated because you have left",
                "Work has been handed to you from a colleague who has left",
            ]
        ).values_list("user_id", flat=True)
    )
    assert told == {
        work.leaver.pk,
        work.new_shield.pk,
        work.new_social_worker.pk,
        work.new_partner.pk,
        work.new_chair.pk,
        work.new_mash.pk,
    }
    event = AccessEvent.objects.get(object_type="accounts.user", object_id=str(work.leaver.pk))
    assert event.action == AccessEvent.Action.CHANGE and event.user == work.manager


def test_a_leavers_clocks_are_all_reassigned_some_returned_to_their_team():
    """Several clocks: two go back to the MASH team's work list, two to a MASH worker, and the
    Shield clocks go with the case; the leaver owns no open clock afterwards."""
    work = leaver_with_work()
    mash = mash_team()
    back = [team_clock(work.leaver, team=mash) for _ in range(2)]
    onward = [team_clock(work.leaver, team=mash) for _ in range(2)]
    review = team_clock(work.leaver, kind=Kind.CSE2_REVIEW, team=None)
    reviewer = shield_worker()
    choices = work.choices(
        **{f"clock_{clock.pk}": TEAM for clock in back},
        **{f"clock_{clock.pk}": work.new_mash for clock in onward},
        **{f"clock_{review.pk}": reviewer},
    )
    before = Deadline.objects.filter(OPEN, owner=work.leaver).count()
    assert before == 10  # 5 above, the two of leaver_with_work, the CSE2's and two actions'
    deactivate(work, choices=choices)
    assert not Deadline.objects.filter(OPEN, owner=work.leaver).exists()
    for clock in back:
        clock.refresh_from_db()
        assert clock.owner is None and clock.owning_team == mash and clock.is_open
    for clock in onward:
        clock.refresh_from_db()
        assert clock.owner == work.new_mash
    review.refresh_from_db()
    assert review.owner == reviewer


def test_a_case_returned_to_the_team_goes_back_to_the_unallocated_queue():
    work = leaver_with_work()
    deactivate(work, choices=work.choices(**{f"case_{work.case.pk}": TEAM}))
    case = ShieldCase.objects.get(pk=work.case.pk)
    assert case.worker is None and case.status == ShieldCase.Status.OPEN
    assert not Allocation.objects.filter(case=case, ended_at__isnull=True).exists()
    clock = Deadline.objects.get(OPEN, child=case.child, kind=Kind.INITIAL_CSE2)
    assert clock.owner is None and clock.owning_team_id == case.team_id


def test_history_stays_attributed_to_the_leaver():
    work = leaver_with_work()
    note = case_note_save(
        by=work.leaver,
        child=work.case.child,
        occurred_at=NOW - dt.timedelta(days=1),
        text="Seen at school.",
        complete=True,
    )
    deactivate(work)
    note = CaseNote.objects.get(pk=note.pk)
    assert note.author == work.leaver
    assert Allocation.objects.filter(case=work.case, worker=work.leaver).exists()
    work.macse_action.refresh_from_db()
    assert work.macse_action.created_by != work.leaver  # who created it is unchanged too
    assert work.leaver.__class__.objects.filter(pk=work.leaver.pk).exists()


def test_api_tokens_are_deleted():
    work = leaver_with_work()
    Token.objects.create(user=work.leaver)
    deactivate(work)
    assert not Token.objects.filter(user=work.leaver).exists()


# --- Refusals ---------------------------------------------------------------------------------


def test_a_missing_choice_is_an_error_on_its_field_and_nothing_changes():
    work = leaver_with_work()
    choices = work.choices()
    del choices[f"child_{work.child.pk}"]
    with pytest.raises(ValidationError) as raised:
        deactivate(work, choices=choices)
    assert list(field_errors(raised)) == [f"to_child_{work.child.pk}"]
    assert_nothing_changed(work)


def test_a_deactivated_colleague_is_refused():
    work = leaver_with_work()
    gone = shield_worker()
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError) as raised:
        deactivate(work, choices=work.choices(**{f"case_{work.case.pk}": gone}))
    message = field_errors(raised)[f"to_case_{work.case.pk}"][0]
    assert "has left (their account is deactivated)" in message
    assert_nothing_changed(work)


def test_a_colleague_without_a_suitable_role_is_refused():
    work = leaver_with_work()
    with pytest.raises(ValidationError) as raised:
        deactivate(work, choices=work.choices(**{f"case_{work.case.pk}": work.new_partner}))
    message = field_errors(raised)[f"to_case_{work.case.pk}"][0]
    assert message.startswith(f"{work.new_partner.full_name} cannot take Shield case")
    assert "Shield worker" in message
    assert_nothing_changed(work)


def test_an_item_without_a_team_cannot_be_returned_to_one():
    work = leaver_with_work()
    with pytest.raises(ValidationError) as raised:
        deactivate(
            work,
            choices=work.choices(
                **{f"child_{work.child.pk}": TEAM, f"clock_{work.clock_of_nobody.pk}": TEAM}
            ),
        )
    assert set(field_errors(raised)) == {
        f"to_child_{work.child.pk}",
        f"to_clock_{work.clock_of_nobody.pk}",
    }
    assert_nothing_changed(work)


def test_the_leaver_cannot_take_their_own_work_nor_an_unknown_person():
    work = leaver_with_work()
    with pytest.raises(ValidationError) as raised:
        deactivate(
            work,
            choices=work.choices(
                **{f"case_{work.case.pk}": work.leaver, f"child_{work.child.pk}": "999999"}
            ),
        )
    errors = field_errors(raised)
    assert "other than the person leaving" in errors[f"to_case_{work.case.pk}"][0]
    assert "from the list" in errors[f"to_child_{work.child.pk}"][0]
    assert_nothing_changed(work)


def test_a_stale_list_is_refused_with_the_list_as_it_is_now():
    work = leaver_with_work()
    seen = open_work.keys(open_work.survey(work.leaver))
    new_clock = team_clock(work.leaver, team=mash_team())  # opened while the form was shown
    with pytest.raises(services.StaleWorkError) as raised:
        deactivate(work, seen=seen)
    assert f"clock_{new_clock.pk}" in open_work.keys(raised.value.items)
    assert_nothing_changed(work)


def test_an_item_closed_meanwhile_makes_the_list_stale_too():
    work = leaver_with_work()
    seen = open_work.keys(open_work.survey(work.leaver))
    clock = Deadline.objects.get(pk=work.clock_of_team.pk)
    clock.not_required_at = NOW
    clock.save()
    with pytest.raises(services.StaleWorkError):
        deactivate(work, seen=seen)
    work.leaver.refresh_from_db()
    assert work.leaver.is_active


def test_a_reason_and_a_leaving_date_not_in_the_future_are_needed():
    work = leaver_with_work()
    with pytest.raises(ValidationError) as raised:
        deactivate(work, reason=" ", left_on=dt.date(2026, 12, 25))
    assert set(field_errors(raised)) == {"reason", "left_on"}
    assert_nothing_changed(work)


def test_no_one_deactivates_themselves_and_no_one_twice():
    work = leaver_with_work()
    with pytest.raises(ValidationError, match="your own account"):
        deactivate(work, by=work.leaver)
    deactivate(work)
    with pytest.raises(ValidationError, match="already been deactivated"):
        deactivate(work, choices={}, seen=[])


# --- Reactivating -----------------------------------------------------------------------------


def test_reactivation_is_recorded_and_needs_a_reason():
    person = UserFactory(roles=[RoleCode.SHIELD_WORKER], is_active=False)
    manager = UserFactory(roles=[RoleCode.SERVICE_MANAGER])
    with pytest.raises(ValidationError):
        services.user_reactivate(user=person, by=manager, reason="")
    change = services.user_reactivate(user=person, by=manager, reason="Came back.", now=NOW)
    person.refresh_from_db()
    assert person.is_active and change.kind == AccountChange.Kind.REACTIVATED
    with pytest.raises(ValidationError, match="active already"):
        services.user_reactivate(user=person, by=manager, reason="Again.")
