"""Strategy discussions and meetings. Recording a discussion meets the referral's 24-hour clock
and starts the 72-hour meeting clock and the initial-CSE2 clock where decided (D4, D16); holding
the meeting meets the 72-hour clock; each agreed action is a clock of its own. Every change is one
transaction: nothing is saved half-way. A signed-off record changes only by a recorded amendment."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse_framework.accounts.models import Agency, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
from cse_framework.timescales.services import deadline_meet, deadline_open
from cse_framework.timescales.working_time import LONDON
from cse_framework.workflow import lock_at_version
from referrals.models import Referral
from shield.services import shield_referral_open
from strategy.models import (
    AgreedAction,
    Amendment,
    Participant,
    StrategyDiscussion,
    StrategyMeeting,
)

ACTION_DUE_TIME = dt.time(17, 0)  # an action due on a day is due by the end of its working day
NO_FURTHER_ACTION = "no_further_action"
REFER_TO_SHIELD = "refer_to_shield"
# Who signs a record off: its chair, or a manager of the teams that chair them.
SIGN_OFF_ROLES = (RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER)
Attendance = Participant.Attendance


def _held_errors(*, held_at, not_before, not_before_text: str, now) -> dict:
    if held_at > now:
        return {"held_at": "It cannot have been held in the future"}
    if not_before and held_at < not_before:
        return {"held_at": f"It cannot have been held before {not_before_text}"}
    return {}


def _compliance_errors(*, agencies, reason: str) -> dict:
    """Police and health must take part; without one of them, a reason is required."""
    kinds = {agency.kind for agency in agencies}
    missing = [
        label
        for kind, label in ((Agency.Kind.POLICE, "police"), (Agency.Kind.HEALTH, "health"))
        if kind not in kinds
    ]
    if missing and not reason.strip():
        return {
            "not_compliant_reason": (
                f"Police and health must take part: say why {' and '.join(missing)} did not"
            )
        }
    return {}


def _decision_errors(*, outcomes, actions) -> dict:
    errors = {}
    if not outcomes:
        errors["outcomes"] = "Select at least one outcome"
    elif NO_FURTHER_ACTION in outcomes and len(outcomes) > 1:
        errors["outcomes"] = "'No further action' cannot go with another outcome"
    for action in actions:
        if not (action.get("owner") or (action.get("owner_name") and action.get("owner_agency"))):
            errors["actions"] = "Give every action an owner: a user, or a named contact and agency"
        if not action.get("due_on"):
            errors["actions"] = "Give every action a due date"
    return errors


def _in_form_order(model, outcomes) -> list[str]:
    """The outcomes in the order the form lists them (so pages read as the form did)."""
    order = list(model.Outcome.values)
    return sorted(set(outcomes), key=order.index)


def _took_part(agencies) -> dict:
    kinds = {agency.kind for agency in agencies}
    return {
        "police_took_part": Agency.Kind.POLICE in kinds,
        "health_took_part": Agency.Kind.HEALTH in kinds,
    }


def _refer_to_shield(record) -> None:
    """D16, once: a child already waiting for an initial CSE2 is not referred twice."""
    waiting = Deadline.objects.filter(OPEN, kind=Kind.INITIAL_CSE2, child=record.child).exists()
    if not waiting:
        shield_referral_open(
            started_by=record,
            child=record.child,
            at=record.held_at,
            reference=record.reference,
            link=record.get_absolute_url(),
        )


@transaction.atomic
def discussion_record(
    *,
    referral: Referral,
    by: User,
    held_at: dt.datetime,
    chair: User,
    participants: list[dict],
    not_compliant_reason: str,
    information_considered: str,
    risk_to_others: str,
    outcomes: list[str],
    rationale: str,
    actions: list[dict],
    now: dt.datetime | None = None,
) -> StrategyDiscussion:
    now = now or timezone.now()
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    agencies = [person["agency"] for person in participants]
    errors = {
        **_held_errors(
            held_at=held_at,
            not_before=referral.received_at,
            not_before_text="MASH received the referral",
            now=now,
        ),
        **_compliance_errors(agencies=agencies, reason=not_compliant_reason),
        **_decision_errors(outcomes=outcomes, actions=actions),
    }
    if referral.status != Referral.Status.TRIAGED or referral.child_id is None:
        errors["__all__"] = "MASH has not decided on this referral yet"
    if errors:
        raise ValidationError(errors)
    discussion = StrategyDiscussion(
        referral=referral,
        child_id=referral.child_id,
        held_at=held_at,
        chair=chair,
        **_took_part(agencies),
        not_compliant_reason=not_compliant_reason,
        information_considered=information_considered,
        risk_to_others=risk_to_others,
        outcomes=_in_form_order(StrategyDiscussion, outcomes),
        rationale=rationale,
        recorded_by=by,
        recorded_at=now,
    )
    discussion.full_clean()
    discussion.save()
    for person in participants:
        Participant(discussion=discussion, **person).save()
    for action in actions:
        _agree(discussion, action)
    deadline_meet(kind=Kind.STRATEGY_DISCUSSION, started_by=referral, met_by=discussion, at=held_at)
    if StrategyDiscussion.Outcome.STRATEGY_MEETING in outcomes:
        deadline_open(
            kind=Kind.STRATEGY_MEETING,
            started_by=discussion,
            starts_at=held_at,
            child=discussion.child,
            owning_team=chair.team,
        )
    if REFER_TO_SHIELD in outcomes:
        _refer_to_shield(discussion)
    return discussion


@transaction.atomic
def meeting_schedule(
    *,
    discussion: StrategyDiscussion,
    by: User,
    scheduled_for: dt.datetime,
    venue: str,
    chair: User,
    invitees: list[dict],
    now: dt.datetime | None = None,
) -> StrategyMeeting:
    """Arrange the meeting a discussion decided on, and invite people: those with an account are
    told in the service and by e-mail (a reference and a link only, D21)."""
    now = now or timezone.now()
    errors = {}
    if StrategyDiscussion.Outcome.STRATEGY_MEETING not in discussion.outcomes:
        errors["__all__"] = "This discussion did not decide on a strategy meeting"
    if scheduled_for < discussion.held_at:
        errors["scheduled_for"] = "The meeting cannot be before the discussion that decided it"
    if not invitees:
        errors["invitees"] = "Invite at least police and health"
    if errors:
        raise ValidationError(errors)
    meeting = StrategyMeeting(
        discussion=discussion,
        referral_id=discussion.referral_id,
        child_id=discussion.child_id,
        scheduled_for=scheduled_for,
        venue=venue,
        chair=chair,
        scheduled_by=by,
        created_at=now,
    )
    meeting.full_clean()
    meeting.save()
    for person in invitees:
        Participant(meeting=meeting, attendance=Attendance.INVITED, **person).save()
    notify(
        recipients=[chair, *(person.get("user") for person in invitees)],
        subject="You are invited to a strategy meeting",
        reference=meeting.reference,
        link=meeting.get_absolute_url(),
    )
    return meeting


@transaction.atomic
def meeting_record_held(
    *,
    meeting: StrategyMeeting,
    by: User,
    held_at: dt.datetime,
    attendance: dict[int, str],
    others: list[dict],
    not_compliant_reason: str,
    minutes: str,
    outcomes: list[str],
    rationale: str,
    actions: list[dict],
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> StrategyMeeting:
    """Record the meeting as held: who came (invitees present, apologies, absent, and others who
    came), the minutes and decisions. Meets the 72-hour clock at the time it was held."""
    now = now or timezone.now()
    meeting = lock_at_version(type(meeting), meeting, expected_version)
    invited = {person.pk: person for person in meeting.participants.select_related("agency")}
    present = [p.agency for pk, p in invited.items() if attendance.get(pk) == Attendance.PRESENT]
    agencies = present + [person["agency"] for person in others]
    errors = {
        **_held_errors(
            held_at=held_at,
            not_before=meeting.discussion.held_at,
            not_before_text="the discussion that decided it",
            now=now,
        ),
        **_compliance_errors(agencies=agencies, reason=not_compliant_reason),
        **_decision_errors(outcomes=outcomes, actions=actions),
    }
    if meeting.held:
        errors["__all__"] = "This meeting has already been recorded as held"
    if set(attendance) != set(invited) or not set(attendance.values()) <= {
        Attendance.PRESENT,
        Attendance.APOLOGIES,
        Attendance.ABSENT,
    }:
        errors["attendance"] = "Say for everyone invited whether they came or sent apologies"
    if errors:
        raise ValidationError(errors)
    for pk, person in invited.items():
        person.attendance = attendance[pk]
        person.save()
    for person in others:
        Participant(meeting=meeting, attendance=Attendance.PRESENT, **person).save()
    meeting.held_at = held_at
    for field, value in _took_part(agencies).items():
        setattr(meeting, field, value)
    meeting.not_compliant_reason = not_compliant_reason
    meeting.minutes = minutes
    meeting.outcomes = _in_form_order(StrategyMeeting, outcomes)
    meeting.rationale = rationale
    meeting.recorded_by = by
    meeting.recorded_at = now
    meeting.version += 1
    meeting.full_clean()
    meeting.save()
    for action in actions:
        _agree(meeting, action)
    deadline_meet(
        kind=Kind.STRATEGY_MEETING, started_by=meeting.discussion, met_by=meeting, at=held_at
    )
    if REFER_TO_SHIELD in outcomes:
        _refer_to_shield(meeting)
    return meeting


def can_sign_off(user: User, record) -> bool:
    return record.held_at is not None and (
        user.pk == record.chair_id or user.has_role(*SIGN_OFF_ROLES)
    )


@transaction.atomic
def record_sign_off(*, record, by: User, now: dt.datetime | None = None):
    """The chair (or a team manager) confirms the record; from then on it changes only by a
    recorded amendment. Signing off twice changes nothing."""
    record = lock_at_version(type(record), record, None)
    if not can_sign_off(by, record):
        raise ValidationError("Only the chair or a team manager can sign this off, once it is held")
    if not record.signed_off:
        record.signed_off_at = now or timezone.now()
        record.signed_off_by = by
        record.version += 1
        record.save()
    return record


@transaction.atomic
def record_amend(
    *,
    record,
    by: User,
    changes: dict[str, str],
    reason: str,
    expected_version: int,
    now: dt.datetime | None = None,
):
    """Change what a held record says. Before sign-off it is an edit (kept in its history);
    after sign-off it needs a reason and is kept as an amendment, before and after."""
    record = lock_at_version(type(record), record, expected_version)
    changed = {
        field: [getattr(record, field), value]
        for field, value in changes.items()
        if field in record.AMENDABLE and getattr(record, field) != value
    }
    if not changed:
        raise ValidationError("Nothing was changed")
    if record.signed_off and not reason.strip():
        raise ValidationError({"reason": "Say why this signed-off record is being amended"})
    for field, (_before, after) in changed.items():
        setattr(record, field, after)
    record.version += 1
    record.full_clean()
    record.save()
    if record.signed_off:
        Amendment.objects.create(
            **_of(record),
            changes=changed,
            reason=reason,
            made_by=by,
            made_at=now or timezone.now(),
        )
    return record


def _of(record) -> dict:
    """The key a row of ``record`` (a discussion or a meeting) belongs to it by."""
    return {"discussion" if isinstance(record, StrategyDiscussion) else "meeting": record}


def _agree(record, fields: dict) -> AgreedAction:
    action = AgreedAction(**_of(record), **fields)
    action.full_clean()
    action.save()
    due = dt.datetime.combine(action.due_on, ACTION_DUE_TIME, tzinfo=LONDON)
    deadline_open(
        kind=Kind.ACTION,
        started_by=action,
        starts_at=record.held_at,
        due_at=max(due, record.held_at),
        child=record.child,
        owner=action.owner,
        owning_team=None if action.owner else record.chair.team,
    )
    return action
