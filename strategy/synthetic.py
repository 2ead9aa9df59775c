"""Synthetic strategy discussions and meetings, with the clocks they meet and start: the 24-hour
clock closed by each discussion, a 72-hour clock and a held meeting where one was decided, the
initial-CSE2 clock where the child was referred to Shield (D16), and agreed actions, each a clock
due at 17:00 on its day. Everything invented."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from cse_framework.accounts.models import Agency
from cse_framework.synthetic.bulk import bulk_insert, changed
from cse_framework.timescales.clocks import Kind, clock, thresholds
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON
from referrals.models import Referral
from strategy.models import AgreedAction, Participant, StrategyDiscussion, StrategyMeeting
from strategy.services import ACTION_DUE_TIME

OUTCOMES = [["section_47"], ["section_17"], ["section_47", "strategy_meeting"]]
OUTCOME_WEIGHTS = [35, 35, 30]
ACTIONS = ["Safety plan with the young person", "Share school attendance", "Home visit"]


def _agency(kind: str, name: str) -> Agency:
    return Agency.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def _user(plan, role: str):
    return next(u for u in plan.users if u.email.startswith(f"bench.{role}@"))


def _discussions(plan, chair) -> list[StrategyDiscussion]:
    rng = plan.rng
    found = []
    for referral in plan.referrals_by_pk.values():
        if referral.decision != Referral.Decision.STRATEGY_DISCUSSION:
            continue
        held = referral.triaged_at + dt.timedelta(hours=rng.randrange(0, 6))
        outcomes = list(rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0])
        if rng.random() < 0.4:
            outcomes.append("refer_to_shield")
        compliant = rng.random() < 0.95
        found.append(
            StrategyDiscussion(
                referral_id=referral.pk,
                child_id=referral.child_id,
                held_at=held,
                chair=chair,
                police_took_part=True,
                health_took_part=compliant,
                not_compliant_reason="" if compliant else "Health unavailable; briefed after.",
                information_considered="Synthetic discussion.",
                risk_to_others="None found.",
                outcomes=sorted(outcomes),
                rationale="Synthetic.",
                recorded_by=chair,
                recorded_at=held + dt.timedelta(hours=1),
                signed_off_at=held + dt.timedelta(hours=2),
                signed_off_by=chair,
            )
        )
        changed(found[-1], found[-1].signed_off_at, signed_off_at=None, signed_off_by=None)
    return found


def _participants(discussions, police, health):
    for discussion in discussions:
        yield Participant(discussion_id=discussion.pk, name="DC Synthetic", agency=police)
        if discussion.health_took_part:
            yield Participant(discussion_id=discussion.pk, name="Nurse Synthetic", agency=health)


def _meetings(plan, discussions) -> list[StrategyMeeting]:
    """A meeting for each discussion that decided one: scheduled when the discussion was
    recorded, held (and recorded) later; one not yet held by the as-of day is still scheduled."""
    rng = plan.rng
    now = dt.datetime.combine(plan.as_of, dt.time(12), tzinfo=LONDON)
    meetings = []
    for discussion in discussions:
        if "strategy_meeting" not in discussion.outcomes:
            continue
        held = discussion.held_at + dt.timedelta(hours=rng.randrange(20, 80))
        meeting = StrategyMeeting(
            discussion_id=discussion.pk,
            referral_id=discussion.referral_id,
            child_id=discussion.child_id,
            scheduled_for=held,
            venue="Synthetic meeting room",
            chair=discussion.chair,
            scheduled_by=discussion.chair,
            created_at=discussion.recorded_at,
            held_at=held,
            police_took_part=True,
            health_took_part=True,
            minutes="Synthetic minutes.",
            outcomes=["section_47"],
            rationale="Synthetic.",
            recorded_by=discussion.chair,
            recorded_at=held + dt.timedelta(hours=2),
        )
        held_fields = {
            "held_at": None,
            "police_took_part": False,
            "health_took_part": False,
            "minutes": "",
            "outcomes": [],
            "rationale": "",
            "recorded_by": None,
            "recorded_at": None,
        }
        if meeting.recorded_at > now:
            for name, value in held_fields.items():
                setattr(meeting, name, value)
        else:
            changed(meeting, meeting.recorded_at, **held_fields)
        meetings.append(meeting)
    return meetings


def _actions(plan, discussions, owner) -> list[AgreedAction]:
    rng = plan.rng
    return [
        AgreedAction(
            discussion_id=discussion.pk,
            description=description,
            owner=owner,
            due_on=(discussion.held_at + dt.timedelta(days=rng.randrange(2, 21))).date(),
        )
        for discussion in discussions
        for description in rng.sample(ACTIONS, rng.randrange(1, 4))
    ]


def _clocks(plan, discussions, meetings, actions, shield_team):
    rng = plan.rng
    now = dt.datetime.combine(plan.as_of, dt.time(12), tzinfo=LONDON)
    types = {
        model: ContentType.objects.get_for_model(model)
        for model in (StrategyDiscussion, StrategyMeeting, AgreedAction)
    }
    held = {meeting.discussion_id: meeting for meeting in meetings}
    by_pk = {discussion.pk: discussion for discussion in discussions}
    received = ContentType.objects.get_for_model(Referral)
    for discussion in discussions:
        referral = plan.referrals_by_pk[discussion.referral_id]
        met = Deadline(
            kind=Kind.STRATEGY_DISCUSSION,
            child_id=discussion.child_id,
            started_by_type=received,
            started_by_id=str(referral.pk),
            starts_at=referral.received_at,
            **clock(Kind.STRATEGY_DISCUSSION).thresholds(referral.received_at),
            met_at=discussion.held_at,
            closed_by_type=types[StrategyDiscussion],
            closed_by_id=str(discussion.pk),
        )
        # Started when MASH received the referral; met when the discussion was recorded.
        yield _dated(_met(met, discussion.recorded_at), referral.received_at)
        started = {
            "started_by_type": types[StrategyDiscussion],
            "started_by_id": str(discussion.pk),
        }
        if discussion.pk in held:
            meeting = held[discussion.pk]
            deadline = Deadline(
                kind=Kind.STRATEGY_MEETING,
                child_id=discussion.child_id,
                **started,
                starts_at=discussion.held_at,
                **clock(Kind.STRATEGY_MEETING).thresholds(discussion.held_at),
            )
            if meeting.held_at is not None:  # met when the meeting was recorded
                deadline.met_at = meeting.held_at
                deadline.closed_by_type = types[StrategyMeeting]
                deadline.closed_by_id = str(meeting.pk)
                _met(deadline, meeting.recorded_at)
            yield _dated(deadline, discussion.recorded_at)
        if "refer_to_shield" in discussion.outcomes:
            yield _dated(
                Deadline(
                    kind=Kind.INITIAL_CSE2,
                    child_id=discussion.child_id,
                    **started,
                    starts_at=discussion.held_at,
                    **clock(Kind.INITIAL_CSE2).thresholds(discussion.held_at),
                    owning_team=shield_team,
                ),
                discussion.recorded_at,
            )
    for action in actions:
        discussion = by_pk[action.discussion_id]
        due = dt.datetime.combine(action.due_on, ACTION_DUE_TIME, tzinfo=LONDON)
        met = due - dt.timedelta(hours=rng.randrange(-48, 200))
        deadline = Deadline(
            kind=Kind.ACTION,
            child_id=discussion.child_id,
            started_by_type=types[AgreedAction],
            started_by_id=str(action.pk),
            starts_at=discussion.held_at,
            **thresholds(discussion.held_at, max(due, discussion.held_at)),
            owner_id=action.owner_id,
            met_at=met if met < now else None,
        )
        if deadline.met_at is not None:
            changed(deadline, max(met, discussion.recorded_at), met_at=None)
        yield _dated(deadline, discussion.recorded_at)


def _dated(deadline: Deadline, at: dt.datetime) -> Deadline:
    deadline._history_date = at
    return deadline


def _met(deadline: Deadline, at: dt.datetime) -> Deadline:
    """The clock was open until ``at``, when what met it was recorded."""
    return changed(deadline, at, met_at=None, closed_by_type=None, closed_by_id="")


def generate(plan) -> None:
    chair = _user(plan, "mash_team_manager")
    shield_team = _user(plan, "shield_team_manager").team
    police = _agency(Agency.Kind.POLICE, "Synthetic police")
    health = _agency(Agency.Kind.HEALTH, "Synthetic health")
    discussions = _discussions(plan, chair)
    # Dated when each was recorded (D20); a discussion's parts with it.
    recorded = {}
    plan.counts["strategy discussions"] = bulk_insert(
        StrategyDiscussion, discussions, dated=lambda discussion: discussion.recorded_at
    )
    for discussion in discussions:
        recorded[discussion.pk] = discussion.recorded_at
    plan.counts["participants"] = bulk_insert(
        Participant,
        _participants(discussions, police, health),
        dated=lambda participant: recorded[participant.discussion_id],
    )
    meetings = _meetings(plan, discussions)
    plan.counts["strategy meetings"] = bulk_insert(
        StrategyMeeting, meetings, dated=lambda meeting: meeting.created_at
    )
    actions = _actions(plan, discussions, _user(plan, "shield_worker"))
    plan.counts["agreed actions"] = bulk_insert(
        AgreedAction, actions, dated=lambda action: recorded[action.discussion_id]
    )
    plan.counts["strategy clocks"] = bulk_insert(
        Deadline, _clocks(plan, discussions, meetings, actions, shield_team)
    )
