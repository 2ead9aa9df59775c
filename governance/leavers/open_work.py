"""A person's open work: what would be orphaned if they left today, item by item.

Every model with a key to the user was surveyed (grep AUTH_USER_MODEL). Most keys record who
did something (who recorded, triaged, signed off, wrote a note): that is history, kept attributed
to them. The keys that hold work still to do are these, each an item kind below:

* ``case``: an open Shield case allocated to them (its open ``Allocation`` ends when it moves).
  The child's open CSE2 and Adult Services clocks they own go with the case (shield's
  ``case_allocate`` moves them), so they are shown under it, not on their own.
* ``child``: a child whose allocated social worker they are.
* ``macse_action``: an open action of a child's MACSE plan that they own; its clock goes with it.
* ``strategy_action``: an action agreed at a strategy discussion or meeting that they own, whose
  clock is still open; its clock goes with it.
* ``strategy_meeting``: a strategy meeting arranged, not yet held, that they are to chair.
* ``macse_plan``: a MACSE plan of a child still on MACSE whose lead professional they are.
* ``macse_chair`` and ``macse_admin``: a MACSE meeting not yet closed that they chair or
  administer.
* ``clock``: any other open clock (``Deadline``) they own, e.g. a strategy discussion or
  placing-authority clock they took from the team; one with an owning team may be returned to
  it (the team's work list shows it again).

Not open work: intelligence reports (no one is assigned one: any police intelligence officer
handles the queue), referrals (``taken_by``, ``triaged_by``, ``routed_to`` and the rest record
who did what), agenda items, notes, assessments and every other record they made.

``survey`` reads each kind in one query (one more for the clocks), whatever the number of items.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast

from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.clocks import Kind as ClockKind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.policy import WORKLIST_ROLES
from cse_framework.timescales.selectors import OPEN
from governance.subject_access.policy import ROLES as SUBJECT_ACCESS_ROLES
from macse.models import Action, CohortEntry, Meeting, Plan
from referrals.models import Child
from referrals.policy import TRIAGE_ROLES
from shield.models import ShieldCase
from strategy.models import AgreedAction, StrategyMeeting

SHIELD_ROLES = frozenset({RoleCode.SHIELD_WORKER, RoleCode.SHIELD_TEAM_MANAGER})
CHAIR_ROLES = frozenset({RoleCode.MASH_TEAM_MANAGER, RoleCode.SHIELD_TEAM_MANAGER})
SOCIAL_WORKER_ROLES = frozenset({RoleCode.ALLOCATED_SOCIAL_WORKER})
ACTION_ROLES = WORKLIST_ROLES
# Clocks that follow a Shield case (shield.services.case_allocate moves them).
CASE_CLOCKS = frozenset({ClockKind.INITIAL_CSE2, ClockKind.CSE2_REVIEW, ClockKind.ADULT_SERVICES})
# Who may hold a clock of each kind (the roles that do the work that meets it).
CLOCK_ROLES = {
    ClockKind.STRATEGY_DISCUSSION: TRIAGE_ROLES,
    ClockKind.PLACING_AUTHORITY: TRIAGE_ROLES,
    ClockKind.STRATEGY_MEETING: TRIAGE_ROLES | CHAIR_ROLES,
    ClockKind.INITIAL_CSE2: SHIELD_ROLES,
    ClockKind.CSE2_REVIEW: SHIELD_ROLES,
    ClockKind.ADULT_SERVICES: SHIELD_ROLES,
    ClockKind.MACSE_REVIEW: frozenset({RoleCode.MACSE_ADMINISTRATOR, RoleCode.MACSE_CHAIR}),
    ClockKind.ACTION: ACTION_ROLES,
    # A subject-access request's one-month clock (governance.subject_access): its managers.
    ClockKind.SUBJECT_ACCESS: SUBJECT_ACCESS_ROLES,
}
# How a hint or an error names who may take an item: a wide set in words, a few roles by name.
ROLES_IN_WORDS = {ACTION_ROLES: "someone with a work list"}


def roles_text(roles: frozenset) -> str:
    """'a Shield team manager or a Shield worker', or the words for a wide set."""
    if roles in ROLES_IN_WORDS:
        return ROLES_IN_WORDS[roles]
    labels = sorted(str(RoleCode(code).label) for code in roles)
    return " or ".join(f"{'an' if label[0] in 'AEIOU' else 'a'} {label}" for label in labels)


@dataclass(frozen=True)
class WorkKind:
    code: str
    label: str  # the heading of a group of items
    return_label: str = ""  # what "return to the team" means for it, if it may be returned


CASE = WorkKind("case", "Shield cases", "Return to the Shield team's queue of unallocated cases")
CHILD = WorkKind("child", "Children they are the allocated social worker of")
MACSE_ACTION = WorkKind("macse_action", "MACSE plan actions")
STRATEGY_ACTION = WorkKind("strategy_action", "Strategy actions")
STRATEGY_MEETING = WorkKind("strategy_meeting", "Strategy meetings to chair")
MACSE_PLAN = WorkKind("macse_plan", "MACSE plans they are the lead professional of")
MACSE_CHAIR = WorkKind("macse_chair", "MACSE meetings to chair")
MACSE_ADMIN = WorkKind("macse_admin", "MACSE meetings to administer")
CLOCK = WorkKind("clock", "Other clocks", "Return to the team's work list")
KINDS = (
    CASE,
    CHILD,
    MACSE_ACTION,
    STRATEGY_ACTION,
    STRATEGY_MEETING,
    MACSE_PLAN,
    MACSE_CHAIR,
    MACSE_ADMIN,
    CLOCK,
)


@dataclass
class Item:
    """One piece of open work and what a new holder must be."""

    kind: WorkKind
    obj: models.Model
    title: str  # a reference, shown to whoever manages the person
    detail: str  # what it is about: shown only to those who may see the child
    roles: frozenset
    child: Child | None = None
    can_return: bool = False
    due_at: dt.datetime | None = None
    follows: list = field(default_factory=list)  # the clocks that move with it

    @property
    def child_id(self):
        return self.child.pk if self.child is not None else None

    @property
    def key(self) -> str:
        return f"{self.kind.code}_{self.obj.pk}"

    @property
    def field_name(self) -> str:
        return f"to_{self.key}"

    @property
    def roles_label(self) -> str:
        return roles_text(self.roles)


@dataclass
class Group:
    kind: WorkKind
    items: list[Item]


def _locked(queryset: models.QuerySet, lock: bool) -> models.QuerySet:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the joined rows.
    return queryset.select_for_update(of=("self",)) if lock else queryset


def survey(user, *, lock: bool = False) -> list[Item]:
    """Every open item ``user`` holds, by kind in the order of KINDS. ``lock``: the rows are
    read under a lock (call inside the transaction that moves them)."""
    clocks = list(
        _locked(Deadline.objects.filter(OPEN, owner=user), lock)
        .select_related("child", "owning_team")
        .order_by("due_at", "id")
    )
    cases = [
        Item(
            CASE,
            case,
            title=f"Shield case {case.pk}",
            detail=f"Referred by {case.reference}",
            roles=SHIELD_ROLES,
            child=case.child,
            can_return=True,
        )
        for case in _locked(
            ShieldCase.objects.filter(status=ShieldCase.Status.OPEN, worker=user), lock
        )
        .select_related("child")
        .order_by("opened_at", "id")
    ]
    children = [
        Item(
            CHILD,
            child,
            title="A child's allocated social worker",
            detail="",
            roles=SOCIAL_WORKER_ROLES,
            child=child,
        )
        for child in _locked(
            Child.objects.filter(allocated_social_worker=user, merged_into__isnull=True), lock
        ).order_by("family_name", "given_names", "pk")
    ]
    macse_actions = [
        Item(
            MACSE_ACTION,
            action,
            title=f"MACSE action {action.pk}",
            detail=action.description[:120],
            roles=ACTION_ROLES,
            child=action.plan.child,
        )
        for action in _locked(
            Action.objects.filter(
                owner=user, status__in=(Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
            ),
            lock,
        )
        .select_related("plan__child")
        .order_by("due_on", "id")
    ]
    agreed_type = ContentType.objects.get_for_model(AgreedAction)
    open_clock = Deadline.objects.filter(
        OPEN,
        kind=ClockKind.ACTION,
        started_by_type=agreed_type,
        started_by_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    strategy_actions = [
        Item(
            STRATEGY_ACTION,
            action,
            title=f"Strategy action {action.pk} ({action.reference})",
            detail=action.description[:120],
            roles=ACTION_ROLES,
            child=action.record.child,
        )
        for action in _locked(AgreedAction.objects.filter(Exists(open_clock), owner=user), lock)
        .select_related(
            "discussion__referral", "discussion__child", "meeting__referral", "meeting__child"
        )
        .order_by("due_on", "id")
    ]
    meetings = [
        Item(
            STRATEGY_MEETING,
            meeting,
            title=f"Strategy meeting {meeting.reference}",
            detail=f"Venue: {meeting.venue}",
            roles=CHAIR_ROLES,
            child=meeting.child,
            due_at=meeting.scheduled_for,
        )
        for meeting in _locked(
            StrategyMeeting.objects.filter(chair=user, held_at__isnull=True), lock
        )
        .select_related("referral", "child")
        .order_by("scheduled_for", "id")
    ]
    plans = [
        Item(
            MACSE_PLAN,
            plan,
            title=f"MACSE plan {plan.pk}",
            detail="Lead professional",
            roles=ACTION_ROLES,
            child=plan.child,
        )
        for plan in _locked(
            Plan.objects.filter(lead_professional=user, entry__status=CohortEntry.Status.OPEN),
            lock,
        )
        .select_related("child")
        .order_by("pk")
    ]
    macse_meetings = [
        Item(
            kind,
            meeting,
            title=meeting.reference,
            detail=f"Venue: {meeting.venue}",
            roles=roles,
            due_at=meeting.starts_at,
        )
        for kind, role_field, roles in (
            (MACSE_CHAIR, "chair", frozenset({RoleCode.MACSE_CHAIR})),
            (MACSE_ADMIN, "administrator", frozenset({RoleCode.MACSE_ADMINISTRATOR})),
        )
        for meeting in _locked(
            Meeting.objects.filter(**{role_field: user}).exclude(status=Meeting.Status.CLOSED),
            lock,
        ).order_by("starts_at", "id")
    ]
    rest = _attach_clocks(clocks, cases, macse_actions, strategy_actions)
    standalone = [
        Item(
            CLOCK,
            clock,
            title=f"{clock.get_kind_display()} clock {clock.pk}",
            detail=clock.next_step,
            roles=CLOCK_ROLES.get(clock.kind, WORKLIST_ROLES),
            child=clock.child,
            can_return=clock.owning_team_id is not None,
            due_at=clock.due_at,
        )
        for clock in rest
    ]
    return [
        *cases,
        *children,
        *macse_actions,
        *strategy_actions,
        *meetings,
        *plans,
        *macse_meetings,
        *standalone,
    ]


def _attach_clocks(clocks, cases, macse_actions, strategy_actions) -> list[Deadline]:
    """Put each clock that moves with a case or an action under it; return the others."""
    by_child = {item.child_id: item for item in cases}
    by_started = {
        (ContentType.objects.get_for_model(item.obj).pk, str(item.obj.pk)): item
        for item in (*macse_actions, *strategy_actions)
    }
    rest = []
    for clock in clocks:
        holder = None
        if clock.kind in CASE_CLOCKS:
            holder = by_child.get(clock.child_id)
        elif clock.kind == ClockKind.ACTION:
            holder = by_started.get((clock.started_by_type_id, clock.started_by_id))
        if holder is None:
            rest.append(clock)
        else:
            holder.follows.append(clock)
            holder.due_at = min(filter(None, (holder.due_at, clock.due_at)))
    return rest


def grouped(items: list[Item]) -> list[Group]:
    """The items by kind, in the order of KINDS, leaving out kinds with none."""
    return [
        Group(kind, [item for item in items if item.kind == kind])
        for kind in KINDS
        if any(item.kind == kind for item in items)
    ]


def keys(items: list[Item]) -> list[str]:
    return sorted(item.key for item in items)
