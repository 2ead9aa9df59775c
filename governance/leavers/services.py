"""Deactivating a leaver and handing over their open work, in one transaction; reactivating.

Each item moves through the service that normally moves it, so history, clocks and notices stay
right: a Shield case through shield's ``case_allocate`` (the allocation history and the CSE2
clocks follow), a child's allocated social worker through the register's ``child_update``. The
rest (an action's owner, a meeting's chair, a clock's owner) change here, saved row by row so
django-simple-history records each change with its reason. Nothing is deleted: the user row is
kept and only marked inactive, so what they recorded stays attributed to them.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cse_framework.accounts.models import User
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_by
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind as ClockKind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
from governance.leavers import open_work
from governance.leavers.models import AccountChange
from macse.services import plan_update
from referrals.register import child_update
from shield.models import Allocation, ShieldCase
from shield.services import case_allocate

TEAM = "team"  # the choice that returns an item to its team
HANDED_OVER = "Handed over: the previous holder left"


class StaleWorkError(Exception):
    """The person's open work changed after the form was shown: nothing was saved."""

    def __init__(self, items: list[open_work.Item]):
        self.items = items
        super().__init__(
            "Their open work changed while you were choosing: check the list below and try again"
        )


def _reason(obj, text: str = HANDED_OVER):
    obj._change_reason = text
    return obj


def _choice_errors(leaver: User, items, choices: dict[str, str]) -> tuple[dict, dict]:
    """The field-level errors of the choices, and the users chosen (by id)."""
    ids = {value for value in choices.values() if value and value != TEAM and value.isdigit()}
    chosen = {
        person.pk: person for person in User.objects.filter(pk__in=ids).prefetch_related("roles")
    }
    errors = {}
    for item in items:
        value = (choices.get(item.key) or "").strip()
        person = chosen.get(int(value)) if value.isdigit() else None
        if not value:
            errors[item.field_name] = f"Choose who takes {item.title}"
        elif value == TEAM:
            if not item.can_return:
                errors[item.field_name] = (
                    f"{item.title} cannot be returned to a team: choose a person to take it"
                )
        elif person is None:
            errors[item.field_name] = f"Choose a person from the list for {item.title}"
        elif person.pk == leaver.pk:
            errors[item.field_name] = (
                f"Choose someone other than the person leaving for {item.title}"
            )
        elif not person.is_active:
            errors[item.field_name] = (
                f"{person.full_name} has left (their account is deactivated): "
                f"choose someone else for {item.title}"
            )
        elif item.roles.isdisjoint(role.code for role in person.roles.all()):
            errors[item.field_name] = (
                f"{person.full_name} cannot take {item.title}: choose {item.roles_label}"
            )
    return errors, chosen


def _leaving_errors(*, left_on: dt.date | None, reason: str, now: dt.datetime) -> dict:
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter why the account is being deactivated"
    if left_on is None:
        errors["left_on"] = "Enter the leaving date"
    elif left_on > timezone.localdate(now):
        errors["left_on"] = "The leaving date must be today or in the past"
    return errors


@transaction.atomic
def user_deactivate(
    *,
    user: User,
    by: User,
    left_on: dt.date | None,
    reason: str,
    choices: dict[str, str],
    seen: list[str],
    now: dt.datetime | None = None,
) -> AccountChange:
    """Deactivate a leaver and move each open item as ``choices`` says (item key -> a user's
    id, or ``TEAM``). ``seen``: the item keys the form showed; if the open work is no longer
    exactly those, StaleWorkError (with the items as they are now), and nothing changes."""
    now = now or timezone.now()
    leaver = User.objects.select_for_update().get(pk=user.pk)
    if not leaver.is_active:
        raise ValidationError("This account has already been deactivated")
    if leaver.pk == by.pk:
        raise ValidationError("You cannot deactivate your own account: ask another manager")
    items = open_work.survey(leaver, lock=True)
    if open_work.keys(items) != sorted(seen):
        raise StaleWorkError(items)
    errors, chosen = _choice_errors(leaver, items, choices)
    errors.update(_leaving_errors(left_on=left_on, reason=reason, now=now))
    if errors:
        raise ValidationError(errors)
    handover = []
    holders: dict[int, list[open_work.Item]] = {}
    for item in items:
        value = choices[item.key].strip()
        person = None if value == TEAM else chosen[int(value)]
        HANDLERS[item.kind.code](item, person, by, leaver, now)
        handover.append({"item": item.key, "kind": item.kind.code, "to": person and person.pk})
        if person is not None:
            holders.setdefault(person.pk, []).append(item)
    leaver.is_active = False
    _reason(leaver, "Deactivated: left the service").save()
    Token.objects.filter(user=leaver).delete()
    change = AccountChange.objects.create(
        user=leaver,
        kind=AccountChange.Kind.DEACTIVATED,
        effective_on=left_on,
        reason=reason.strip(),
        handover=handover,
        made_by=by,
        made_at=now,
    )
    record_by(
        user=by,
        action=AccessEvent.Action.CHANGE,
        obj=leaver,
        justification=f"Account deactivated (leaver); {len(items)} open items handed over",
    )
    notify(
        recipients=[leaver],
        subject="Your account has been deactivated because you have left",
        reference=f"Account {leaver.pk}",
        link=reverse("home"),
    )
    for pk, handed in holders.items():
        notify(
            recipients=[chosen[pk]],
            subject="Work has been handed to you from a colleague who has left",
            reference=f"{len(handed)} item{'s' if len(handed) != 1 else ''}",
            link=reverse("timescales:worklist"),
        )
    return change


# --- Moving each kind of item -----------------------------------------------------------------


def _move_clock(clock: Deadline, person: User | None) -> None:
    clock.owner = person
    clock.version += 1
    _reason(clock).save()


def _move_case(item, person, by, leaver, now) -> None:
    case = item.obj
    if person is not None:
        case_allocate(case=case, worker=person, by=by, reason=HANDED_OVER, now=now)
        return
    for current in Allocation.objects.filter(case=case, ended_at__isnull=True):
        current.ended_at = now
        _reason(current, "Returned to the Shield team's queue: the worker left").save()
    case = ShieldCase.objects.select_for_update().get(pk=case.pk)
    case.worker = None
    case.version += 1
    _reason(case, "Returned to the Shield team's queue: the worker left").save()
    for clock in item.follows:
        if clock.owning_team_id is None:
            clock.owning_team_id = case.team_id
        _move_clock(clock, None)


def _move_child(item, person, by, leaver, now) -> None:
    child = item.obj
    child_update(child=child, by=by, seen_version=child.version, allocated_social_worker=person)
    notify(
        recipients=[person],
        subject="You are now a child's allocated social worker",
        reference="Allocated social worker",
        link=reverse("referrals:child-detail", kwargs={"pk": child.pk}),
    )


def _move_macse_action(item, person, by, leaver, now) -> None:
    action = item.obj
    action.owner = person
    if person.agency_id:
        action.agency_id = person.agency_id
    action.version += 1
    _reason(action).save()
    for clock in item.follows or _action_clocks(action):
        _move_clock(clock, person)


def _move_strategy_action(item, person, by, leaver, now) -> None:
    action = item.obj
    action.owner = person
    _reason(action).save()
    for clock in item.follows or _action_clocks(action):
        _move_clock(clock, person)


def _action_clocks(action) -> list[Deadline]:
    """An action's open clock where someone other than the leaver owned it (it still moves)."""
    return list(
        Deadline.objects.select_for_update().filter(
            OPEN,
            kind=ClockKind.ACTION,
            started_by_type=ContentType.objects.get_for_model(action),
            started_by_id=str(action.pk),
        )
    )


def _move_meeting(item, person, by, leaver, now) -> None:
    meeting = item.obj
    meeting.chair = person
    meeting.version += 1
    _reason(meeting).save()
    notify(
        recipients=[person],
        subject="You are now to chair a strategy meeting",
        reference=meeting.reference,
        link=meeting.get_absolute_url(),
    )


def _move_plan(item, person, by, leaver, now) -> None:
    plan = item.obj
    plan_update(
        plan=plan,
        by=by,
        lead_professional=person,
        young_person_views=plan.young_person_views,
        expected_version=plan.version,
    )
    notify(
        recipients=[person],
        subject="You are now the lead professional of a MACSE plan",
        reference=f"MACSE plan {plan.pk}",
        link=plan.get_absolute_url(),
    )


def _macse_meeting_mover(role_field: str, subject: str):
    def move(item, person, by, leaver, now) -> None:
        meeting = item.obj
        setattr(meeting, role_field, person)
        meeting.version += 1
        _reason(meeting).save()
        notify(
            recipients=[person],
            subject=subject,
            reference=meeting.reference,
            link=meeting.get_absolute_url(),
        )

    return move


def _move_standalone_clock(item, person, by, leaver, now) -> None:
    _move_clock(item.obj, person)


HANDLERS = {
    open_work.CASE.code: _move_case,
    open_work.CHILD.code: _move_child,
    open_work.MACSE_ACTION.code: _move_macse_action,
    open_work.STRATEGY_ACTION.code: _move_strategy_action,
    open_work.STRATEGY_MEETING.code: _move_meeting,
    open_work.MACSE_PLAN.code: _move_plan,
    open_work.MACSE_CHAIR.code: _macse_meeting_mover(
        "chair", "You are now to chair a MACSE meeting"
    ),
    open_work.MACSE_ADMIN.code: _macse_meeting_mover(
        "administrator", "You are now to administer a MACSE meeting"
    ),
    open_work.CLOCK.code: _move_standalone_clock,
}


@transaction.atomic
def user_reactivate(
    *, user: User, by: User, reason: str, now: dt.datetime | None = None
) -> AccountChange:
    """Let a person sign in again (they came back, or were deactivated by mistake). Their old
    work is not given back: their manager allocates what they should hold."""
    now = now or timezone.now()
    person = User.objects.select_for_update().get(pk=user.pk)
    if person.is_active:
        raise ValidationError("This account is active already")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the account is being reactivated"})
    person.is_active = True
    _reason(person, "Reactivated").save()
    change = AccountChange.objects.create(
        user=person,
        kind=AccountChange.Kind.REACTIVATED,
        effective_on=timezone.localdate(now),
        reason=reason.strip(),
        made_by=by,
        made_at=now,
    )
    record_by(
        user=by, action=AccessEvent.Action.CHANGE, obj=person, justification="Account reactivated"
    )
    notify(
        recipients=[person],
        subject="Your account has been reactivated",
        reference=f"Account {person.pk}",
        link=reverse("home"),
    )
    return change
