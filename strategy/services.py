"""Recording a strategy discussion: it meets the referral's 24-hour clock, starts the 72-hour
meeting clock and the initial-CSE2 clock where decided (D4, D16), and each agreed action is a
clock of its own. All in one transaction: nothing is saved half-way."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse_framework.accounts.models import Agency, User
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.services import deadline_meet, deadline_open
from cse_framework.timescales.working_time import LONDON
from referrals.models import Referral
from shield.services import shield_referral_open
from strategy.models import AgreedAction, Participant, StrategyDiscussion

ACTION_DUE_TIME = dt.time(17, 0)  # an action due on a day is due by the end of its working day
Outcome = StrategyDiscussion.Outcome


def _errors(*, referral, held_at, now, participants, reason, outcomes, actions) -> dict:
    errors = {}
    if referral.status != Referral.Status.TRIAGED or referral.child_id is None:
        errors["__all__"] = "MASH has not decided on this referral yet"
    if held_at > now:
        errors["held_at"] = "The discussion cannot have been held in the future"
    elif referral.received_at and held_at < referral.received_at:
        errors["held_at"] = "The discussion cannot have been held before MASH received the referral"
    kinds = {person["agency"].kind for person in participants}
    missing = [
        label
        for kind, label in ((Agency.Kind.POLICE, "police"), (Agency.Kind.HEALTH, "health"))
        if kind not in kinds
    ]
    if missing and not reason.strip():
        errors["not_compliant_reason"] = (
            f"Police and health must take part: say why {' and '.join(missing)} did not"
        )
    if not outcomes:
        errors["outcomes"] = "Select at least one outcome"
    elif Outcome.NO_FURTHER_ACTION in outcomes and len(outcomes) > 1:
        errors["outcomes"] = "'No further action' cannot go with another outcome"
    for action in actions:
        if not (action.get("owner") or (action.get("owner_name") and action.get("owner_agency"))):
            errors["actions"] = "Give every action an owner: a user, or a named contact and agency"
    return errors


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
    errors = _errors(
        referral=referral,
        held_at=held_at,
        now=now,
        participants=participants,
        reason=not_compliant_reason,
        outcomes=outcomes,
        actions=actions,
    )
    if errors:
        raise ValidationError(errors)
    kinds = {person["agency"].kind for person in participants}
    discussion = StrategyDiscussion(
        referral=referral,
        child_id=referral.child_id,
        held_at=held_at,
        chair=chair,
        police_took_part=Agency.Kind.POLICE in kinds,
        health_took_part=Agency.Kind.HEALTH in kinds,
        not_compliant_reason=not_compliant_reason,
        information_considered=information_considered,
        risk_to_others=risk_to_others,
        outcomes=sorted(outcomes),
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
    if Outcome.STRATEGY_MEETING in outcomes:
        deadline_open(
            kind=Kind.STRATEGY_MEETING,
            started_by=discussion,
            starts_at=held_at,
            child=discussion.child,
            owning_team=chair.team,
        )
    if Outcome.REFER_TO_SHIELD in outcomes:
        shield_referral_open(
            started_by=discussion,
            child=discussion.child,
            at=held_at,
            reference=discussion.reference,
            link=discussion.get_absolute_url(),
        )
    return discussion


def _agree(discussion: StrategyDiscussion, fields: dict) -> AgreedAction:
    action = AgreedAction(discussion=discussion, **fields)
    action.full_clean()
    action.save()
    due = dt.datetime.combine(action.due_on, ACTION_DUE_TIME, tzinfo=LONDON)
    deadline_open(
        kind=Kind.ACTION,
        started_by=action,
        starts_at=discussion.held_at,
        due_at=max(due, discussion.held_at),
        child=discussion.child,
        owner=action.owner,
        owning_team=None if action.owner else discussion.chair.team,
    )
    return action
