"""Every write of MACSE: meetings and attendance, building the agenda (D9), deferring, the
parents question (D9), the meeting's decisions (D11), closing the meeting (decisions carried into
the cohort, the review clocks (D5) and each child's plan), and plans' actions and progress.
Each runs in one transaction; a stale form is refused (StaleError), never a lost update."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cse_framework.accounts.models import Agency, Team, User
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.services import (
    deadline_meet,
    deadline_not_required,
    deadline_open,
    deadlines_meet_for_child,
)
from cse_framework.timescales.working_time import LONDON, add_calendar_months

# StaleError is raised by lock_at_version; the views catch it as services.StaleError.
from cse_framework.workflow import StaleError as StaleError
from cse_framework.workflow import lock_at_version
from macse.models import (
    Action,
    ActionProgress,
    AgendaItem,
    Attendee,
    CohortEntry,
    Meeting,
    Plan,
    PlanVersion,
)
from macse.selectors import ADULT_AGE
from referrals.models import Child, Referral
from referrals.rules import age_on
from shield.models import Assessment, ShieldCase
from shield.models.scheme import BandCode

ACTION_DUE_TIME = dt.time(17, 0)  # an action due on a day is due by the end of its working day
REVIEW_MONTHS = 3  # D5
Section = AgendaItem.Section
Decision = AgendaItem.Decision
CHILD_SECTIONS = (Section.NEW_REFERRAL, Section.REVIEW)
# The standing items every agenda has (domain.md 5.3), after the children.
STANDING = (Section.ACTIONS, Section.PERSONS, Section.LOCATIONS, Section.THEMES, Section.OTHER)
SECTION_ORDER = [*CHILD_SECTIONS, *STANDING]
# Which decisions fit which item: a new referral is adopted or signposted; a child on MACSE
# continues, steps down or closes.
DECISIONS = {
    Section.NEW_REFERRAL: (Decision.ADOPT, Decision.SIGNPOST),
    Section.REVIEW: (Decision.CONTINUE, Decision.STEP_DOWN, Decision.CLOSE),
}
ENDING = {
    Decision.STEP_DOWN: CohortEntry.Status.STEPPED_DOWN,
    Decision.CLOSE: CohortEntry.Status.CLOSED,
}


def _bump(obj) -> None:
    obj.version += 1
    obj.save()


def _administration() -> Team | None:
    return Team.objects.filter(kind=Team.Kind.MACSE_ADMINISTRATION).order_by("pk").first()


def meeting_day(meeting: Meeting) -> dt.date:
    return meeting.starts_at.astimezone(LONDON).date()


# --- Meetings and attendance ------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, by: User, starts_at: dt.datetime, venue: str, chair: User | None = None
) -> Meeting:
    """A new meeting, with the MACSE administrator who set it up; the chair (police) may follow."""
    meeting = Meeting(starts_at=starts_at, venue=venue, chair=chair, administrator=by)
    meeting.full_clean()
    meeting.save()
    if chair is not None:
        _invite(meeting, chair)
    return meeting


def _invite(meeting: Meeting, user: User, role: str = "") -> Attendee:
    if user.agency_id is None:
        raise ValidationError({"user": f"{user} belongs to no agency: add them by name instead"})
    existing = meeting.attendees.filter(user=user).first()
    if existing is not None:
        return existing
    return Attendee.objects.create(
        meeting=meeting, user=user, name=str(user), agency_id=user.agency_id, role=role
    )


@transaction.atomic
def attendee_add(
    *,
    meeting: Meeting,
    by: User,
    user: User | None = None,
    name: str = "",
    agency: Agency | None = None,
    role: str = "",
) -> Attendee:
    """Invite an agency's representative: a user, or a named person at an agency."""
    if user is not None:
        return _invite(meeting, user, role)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the representative's name, or choose a user"
    if agency is None:
        errors["agency"] = "Choose the representative's agency"
    if errors:
        raise ValidationError(errors)
    return Attendee.objects.create(meeting=meeting, name=name.strip(), agency=agency, role=role)


@transaction.atomic
def attendance_record(*, meeting: Meeting, by: User, attendance: dict[int, str]) -> Meeting:
    """Who came: ``attendance`` maps each attendee's id to present, apologies, sent information
    (or still invited)."""
    allowed = set(Attendee.Attendance.values)
    for attendee in meeting.attendees.select_for_update():
        value = attendance.get(attendee.pk)
        if value is None:
            continue
        if value not in allowed:
            raise ValidationError({"attendance": f"Choose whether {attendee.name} attended"})
        if attendee.attendance != value:
            attendee.attendance = value
            attendee.save()
    return meeting


def quorum(meeting: Meeting, attendees=None) -> dict:
    """Whether the meeting is quorate: the chair present, and the agencies the setting
    MACSE_QUORUM_AGENCY_KINDS names (children's social care, police and health) each represented
    by someone present. Returns {"quorate": bool, "missing": [agency kind labels]}."""
    attendees = list(meeting.attendees.select_related("agency") if attendees is None else attendees)
    present = [a for a in attendees if a.attendance == Attendee.Attendance.PRESENT]
    kinds = {a.agency.kind for a in present}
    needed = getattr(
        settings,
        "MACSE_QUORUM_AGENCY_KINDS",
        (Agency.Kind.CHILDRENS_SOCIAL_CARE, Agency.Kind.POLICE, Agency.Kind.HEALTH),
    )
    missing = [Agency.Kind(kind).label for kind in needed if kind not in kinds]
    chair_present = meeting.chair_id is not None and any(
        a.user_id == meeting.chair_id for a in present
    )
    if not chair_present:
        missing.insert(0, "The chair")
    return {"quorate": not missing, "missing": missing}


@transaction.atomic
def confidentiality_acknowledge(*, meeting: Meeting, by: User, now=None) -> Meeting:
    """The chair has read the confidentiality and information-sharing statement."""
    meeting = lock_at_version(Meeting, meeting, None)
    if meeting.confidentiality_acknowledged_at is None:
        meeting.confidentiality_acknowledged_at = now or timezone.now()
        meeting.confidentiality_acknowledged_by = by
        _bump(meeting)
    return meeting


# --- The agenda -------------------------------------------------------------------------------


def allocated_worker(child: Child) -> User | None:
    """Who is asked whether parents are told (D9): the allocated social worker, or the Shield
    worker where none is allocated."""
    if child.allocated_social_worker_id:
        return child.allocated_social_worker
    case = (
        ShieldCase.objects.filter(child=child, status=ShieldCase.Status.OPEN)
        .select_related("worker")
        .first()
    )
    return case.worker if case else None


def _next_position(meeting: Meeting) -> int:
    return (meeting.items.aggregate(top=Max("position"))["top"] or 0) + 1


def _ask_parents(item: AgendaItem) -> None:
    worker = allocated_worker(item.child)
    item.parents_asked_of = worker
    item.save()
    if worker is not None:
        notify(
            recipients=[worker],
            subject="A child you work with is on the MACSE agenda: say whether parents are told",
            reference=item.meeting.reference,
            link=item.get_absolute_url(),
        )


def _add_child(meeting: Meeting, by: User, section: str, child: Child, referral=None) -> AgendaItem:
    if meeting.items.filter(child=child).exists():
        raise ValidationError({"child": f"{child} is already on this agenda"})
    item = AgendaItem.objects.create(
        meeting=meeting,
        section=section,
        position=_next_position(meeting),
        child=child,
        referral=referral,
        added_by=by,
    )
    _ask_parents(item)
    return item


def _renumber(meeting: Meeting) -> None:
    """Positions follow the standard agenda's sections, then the order within each."""
    items = sorted(
        meeting.items.select_for_update(),
        key=lambda item: (SECTION_ORDER.index(item.section), item.position, item.pk),
    )
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save()


@transaction.atomic
def agenda_build(
    *,
    meeting: Meeting,
    by: User,
    referrals: list[Referral],
    children: list[Child],
    leaving: list[CohortEntry] = (),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Build the agenda in one step (D9): the chosen new referrals and the children due for
    review, then the standing items. Each child added asks their allocated worker whether their
    parents are told. The children in ``leaving`` have turned 18 and were not kept open: they
    leave the cohort (D6)."""
    meeting = lock_at_version(Meeting, meeting, expected_version)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError("The agenda of a meeting that has been held cannot be rebuilt")
    for entry in leaving:
        _leave_at_18(entry, meeting, now or timezone.now())
    for referral in referrals:
        if referral.child_id is None:
            raise ValidationError({"referrals": f"{referral}: MASH has not confirmed the child"})
        if not meeting.items.filter(child_id=referral.child_id).exists():
            _add_child(meeting, by, Section.NEW_REFERRAL, referral.child, referral)
    for child in children:
        if not meeting.items.filter(child=child).exists():
            _add_child(meeting, by, Section.REVIEW, child)
    present = set(meeting.items.values_list("section", flat=True))
    for section in STANDING:
        if section not in present:
            AgendaItem.objects.create(
                meeting=meeting,
                section=section,
                position=_next_position(meeting),
                title=Section(section).label,
                added_by=by,
            )
    _renumber(meeting)
    meeting.agenda_built_at = now or timezone.now()
    _bump(meeting)
    return meeting


def _leave_at_18(entry: CohortEntry, meeting: Meeting, now: dt.datetime) -> None:
    """D6: at 18 a child leaves the cohort unless kept open with a recorded reason; their review
    clock is then no longer needed."""
    entry = lock_at_version(CohortEntry, entry, None)
    if entry.status != CohortEntry.Status.OPEN or entry.kept_open_past_18_reason:
        return
    if age_on(entry.child.date_of_birth, meeting_day(meeting)) < ADULT_AGE:
        raise ValidationError({"leaving": f"{entry.child} is not 18 by the meeting"})
    entry.status = CohortEntry.Status.CLOSED
    entry.ended_on = meeting_day(meeting)
    entry.ended_by = meeting
    _bump(entry)
    for clock in Deadline.objects.filter(
        kind=Kind.MACSE_REVIEW,
        child_id=entry.child_id,
        met_at__isnull=True,
        not_required_at__isnull=True,
    ):
        deadline_not_required(
            kind=Kind.MACSE_REVIEW, started_by=clock.started_by, decided_by=entry, at=now
        )


@transaction.atomic
def cohort_keep_open(
    *, entry: CohortEntry, by: User, reason: str, expected_version: int | None = None
) -> CohortEntry:
    """D6: a child on MACSE who has turned 18 stays in the cohort, for the reason recorded."""
    entry = lock_at_version(CohortEntry, entry, expected_version)
    if entry.status != CohortEntry.Status.OPEN:
        raise ValidationError("This child has already left the MACSE cohort")
    if not reason.strip():
        raise ValidationError(
            {"kept_open_past_18_reason": "Say why the case stays open to MACSE past 18"}
        )
    entry.kept_open_past_18_reason = reason.strip()
    _bump(entry)
    return entry


@transaction.atomic
def item_add(
    *,
    meeting: Meeting,
    by: User,
    section: str,
    child: Child | None = None,
    title: str = "",
    details: str = "",
    police_only: bool = False,
) -> AgendaItem:
    """Add an item: a child (for review, or a new referral) or a standing item's subject."""
    meeting = lock_at_version(Meeting, meeting, None)
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError("The minutes of this meeting are agreed: add the item to the next")
    if section in CHILD_SECTIONS:
        if child is None:
            raise ValidationError({"child": "Choose the child"})
        item = _add_child(meeting, by, section, child)
    else:
        if not title.strip():
            raise ValidationError({"title": "Enter what the item is about"})
        item = AgendaItem.objects.create(
            meeting=meeting,
            section=section,
            position=_next_position(meeting),
            title=title.strip(),
            details=details,
            police_only=police_only,
            added_by=by,
        )
    _renumber(meeting)
    item.refresh_from_db()
    return item


@transaction.atomic
def item_move(*, item: AgendaItem, by: User, up: bool) -> AgendaItem:
    """Move an item one place up or down within its section."""
    item = lock_at_version(AgendaItem, item, None)
    siblings = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id, section=item.section)
        .order_by("position", "pk")
    )
    index = siblings.index(item)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        neighbour = siblings[other]
        item.position, neighbour.position = neighbour.position, item.position
        _bump(item)
        _bump(neighbour)
    return item


@transaction.atomic
def item_defer(
    *, item: AgendaItem, by: User, reason: str, expected_version=None, now=None
) -> AgendaItem:
    """Defer a child's item to a later meeting. Their review clock keeps running."""
    item = lock_at_version(AgendaItem, item, expected_version)
    if item.decided:
        raise ValidationError("This item has a decision: it cannot be deferred")
    if not reason.strip():
        raise ValidationError({"deferred_reason": "Say why the item is deferred"})
    item.deferred_at = now or timezone.now()
    item.deferred_reason = reason.strip()
    _bump(item)
    return item


@transaction.atomic
def parents_decide(
    *, item: AgendaItem, by: User, told: bool, reason: str = "", expected_version=None
) -> AgendaItem:
    """D9: the allocated worker's decision whether the parents are told the child will be
    discussed (a reason when they are not)."""
    item = lock_at_version(AgendaItem, item, expected_version)
    if item.child_id is None:
        raise ValidationError("Only a child's item asks about parents")
    if not told and not reason.strip():
        raise ValidationError({"parents_not_told_reason": "Say why the parents are not to be told"})
    item.parents_told = told
    item.parents_not_told_reason = "" if told else reason.strip()
    _bump(item)
    return item


# --- Decisions --------------------------------------------------------------------------------


def closure_evidence_problem(child_id, assessment: Assessment | None) -> str:
    """D11: a closure needs a completed CSE2 of the child at band Lower, or scoring below the
    one before it. The problem, or "" when the evidence stands."""
    if assessment is None:
        return "Choose the completed CSE2 that shows the risk has reduced"
    if assessment.child_id != child_id or assessment.status != Assessment.Status.COMPLETED:
        return "Choose a completed CSE2 of this child"
    if assessment.band == BandCode.LOWER or assessment.direction == Assessment.Direction.DECREASED:
        return ""
    return (
        "The CSE2 chosen is neither at band Lower nor scored below the one before it: "
        "the case cannot be closed on it"
    )


def _decision_errors(item: AgendaItem, decision: str, rationale: str, assessment) -> dict:
    errors = {}
    allowed = DECISIONS.get(item.section, ())
    if item.deferred:
        errors["decision"] = "This item was deferred: it takes its decision at a later meeting"
    elif not allowed:
        errors["decision"] = "Only a child's item takes a decision"
    elif decision not in allowed:
        labels = " or ".join(Decision(d).label.lower() for d in allowed)
        errors["decision"] = f"Choose {labels}"
    if (
        decision in (Decision.CLOSE, Decision.STEP_DOWN, Decision.SIGNPOST)
        and not rationale.strip()
    ):
        errors["decision_rationale"] = "Give the reasons for the decision"
    if decision == Decision.CLOSE:
        problem = closure_evidence_problem(item.child_id, assessment)
        if problem:
            errors["closure_assessment"] = problem
    return errors


@transaction.atomic
def item_decide(
    *,
    item: AgendaItem,
    by: User,
    minutes: str,
    decision: str,
    rationale: str = "",
    flag_decision: str = "",
    agencies=(),
    closure_assessment: Assessment | None = None,
    expected_version: int | None = None,
    now=None,
) -> AgendaItem:
    """The meeting's minutes and decision for a child's item (D11 for a closure)."""
    item = lock_at_version(AgendaItem, item, expected_version)
    if item.meeting.status == Meeting.Status.CLOSED:
        raise ValidationError("The minutes of this meeting are agreed: they cannot change")
    errors = _decision_errors(item, decision, rationale, closure_assessment)
    if errors:
        raise ValidationError(errors)
    if item.decision == Decision.ADOPT and decision != Decision.ADOPT:
        _unadopt(item)
    item.minutes = minutes
    item.decision = decision
    item.decision_rationale = rationale.strip()
    item.flag_decision = flag_decision
    item.closure_assessment = closure_assessment if decision == Decision.CLOSE else None
    item.decided_by = by
    item.decided_at = now or timezone.now()
    _bump(item)
    item.agencies_directed.set(agencies)
    if decision == Decision.ADOPT:
        _adopt(item)
    return item


def _adopt(item: AgendaItem) -> Plan:
    """Adopted at this hearing: the child joins the cohort and has a plan at once, so that the
    meeting agrees its actions before the minutes are agreed (their first kept version)."""
    entry = CohortEntry.objects.filter(
        child_id=item.child_id, status=CohortEntry.Status.OPEN
    ).first() or CohortEntry.objects.create(
        child_id=item.child_id, first_heard_at=item.meeting, adopted_on=meeting_day(item.meeting)
    )
    plan, _ = Plan.objects.get_or_create(entry=entry, defaults={"child_id": item.child_id})
    return plan


def _unadopt(item: AgendaItem) -> None:
    """The meeting changed its mind before agreeing the minutes: the child leaves the cohort
    they joined at this hearing, unless their plan already has actions."""
    entry = CohortEntry.objects.filter(
        child_id=item.child_id, status=CohortEntry.Status.OPEN, first_heard_at=item.meeting
    ).first()
    if entry is None:
        return
    plan = Plan.objects.filter(entry=entry).first()
    if plan is not None and plan.actions.exists():
        raise ValidationError(
            {
                "decision": "The child's plan already has actions agreed at this meeting: "
                "cancel them on the plan first, or keep the decision to adopt"
            }
        )
    if plan is not None:
        plan.delete()
    entry.delete()


@transaction.atomic
def item_minute(*, item: AgendaItem, by: User, minutes: str, expected_version=None) -> AgendaItem:
    """Minutes of a standing item (or of a child's item before its decision)."""
    item = lock_at_version(AgendaItem, item, expected_version)
    if item.meeting.status == Meeting.Status.CLOSED:
        raise ValidationError("The minutes of this meeting are agreed: they cannot change")
    item.minutes = minutes
    _bump(item)
    return item


# --- Closing the loop -------------------------------------------------------------------------


def _review_due(after: dt.datetime, heard_on: dt.date) -> dt.datetime:
    """D5: the next review, 3 calendar months on from the last due date (or the first hearing),
    and every 3 months after, until it falls after the meeting that heard the child."""
    due = after
    while due.astimezone(LONDON).date() <= heard_on:
        local = due.astimezone(LONDON)
        day = add_calendar_months(local.date(), REVIEW_MONTHS)
        due = dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=LONDON)
    return due


def _open_review_clock(item: AgendaItem, entry: CohortEntry, due: dt.datetime) -> Deadline:
    return deadline_open(
        kind=Kind.MACSE_REVIEW,
        started_by=item,
        starts_at=item.meeting.starts_at,
        due_at=due,
        child=item.child,
        owning_team=_administration(),
    )


def _carry(item: AgendaItem, by: User, now: dt.datetime) -> None:
    """One decided child's item, carried into the cohort, the review clocks and the plan."""
    meeting = item.meeting
    day = meeting_day(meeting)
    open_clocks = list(
        Deadline.objects.filter(
            kind=Kind.MACSE_REVIEW,
            child_id=item.child_id,
            met_at__isnull=True,
            not_required_at__isnull=True,
        )
    )
    entry = CohortEntry.objects.filter(
        child_id=item.child_id, status=CohortEntry.Status.OPEN
    ).first()
    if item.decision == Decision.ADOPT and entry is None:
        entry = CohortEntry.objects.create(
            child_id=item.child_id, first_heard_at=meeting, adopted_on=day
        )
    if entry is None:
        return  # signposted: the child does not join the cohort
    # The hearing meets the child's review clock (D5: met if heard at the first meeting on or
    # after it fell due, even when that is after due_at).
    deadlines_meet_for_child(
        child_id=item.child_id, kinds=(Kind.MACSE_REVIEW,), met_by=item, at=meeting.starts_at
    )
    if item.decision in ENDING:
        entry.status = ENDING[item.decision]
        entry.ended_on = day
        entry.ended_by = meeting
        _bump(entry)  # the plan's open actions stay with their owners until done or cancelled
        return
    last_due = max((clock.due_at for clock in open_clocks), default=meeting.starts_at)
    due = _review_due(last_due, day)
    _open_review_clock(item, entry, due)
    plan, _ = Plan.objects.get_or_create(entry=entry, defaults={"child_id": item.child_id})
    plan.review_on = due.astimezone(LONDON).date()
    _bump(plan)
    plan_agree(plan=plan, by=by, meeting=meeting, now=now)


@transaction.atomic
def meeting_close(
    *, meeting: Meeting, by: User, expected_version: int | None = None, now=None
) -> Meeting:
    """The minutes are agreed: every child's decision is carried into the cohort, their review
    clock and their plan (a kept version, agreed at this meeting); the chronology shows them."""
    now = now or timezone.now()
    meeting = lock_at_version(Meeting, meeting, expected_version)
    if meeting.status == Meeting.Status.CLOSED:
        return meeting
    if meeting.starts_at > now:
        raise ValidationError("The meeting has not taken place yet")
    undecided = [
        item
        for item in meeting.items.filter(child__isnull=False, deferred_at__isnull=True)
        if not item.decided
    ]
    if undecided:
        raise ValidationError(
            f"{len(undecided)} child{'ren' if len(undecided) > 1 else ''} on the agenda "
            "still need a decision, or deferring"
        )
    for item in meeting.items.filter(child__isnull=False, deferred_at__isnull=True).select_related(
        "meeting", "child"
    ):
        _carry(item, by, now)
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = now
    _bump(meeting)
    return meeting


# --- Plans and actions ------------------------------------------------------------------------


def _action_snapshot(action: Action) -> dict:
    return {
        "id": action.pk,
        "section": action.section,
        "about": action.about,
        "about_details": action.about_details,
        "desired_outcome": action.desired_outcome,
        "description": action.description,
        "owner": action.owner_label,
        "agency": str(action.agency),
        "due_on": action.due_on.isoformat(),
        "status": action.status,
    }


@transaction.atomic
def plan_agree(*, plan: Plan, by: User, meeting: Meeting | None = None, now=None) -> PlanVersion:
    """Keep the plan as it stands as a new version (each meeting's agreed plan is one)."""
    plan = lock_at_version(Plan, plan, None)
    number = (plan.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    actions = plan.actions.select_related("owner", "agency").order_by("section", "due_on", "pk")
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        meeting=meeting,
        agreed_at=now or timezone.now(),
        agreed_by=by,
        actions=[_action_snapshot(action) for action in actions],
    )


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    by: User,
    lead_professional: User | None,
    young_person_views: str,
    expected_version: int | None = None,
) -> Plan:
    """The plan's header: its lead professional and the young person's views. A plan someone
    else changed since it was read is refused (StaleError), never overwritten."""
    plan = lock_at_version(Plan, plan, expected_version)
    plan.lead_professional = lead_professional
    plan.young_person_views = young_person_views.strip()
    _bump(plan)
    return plan


def _action_errors(fields: dict) -> dict:
    errors = {}
    if fields.get("section") == Action.Section.PREPARE and not getattr(
        settings, "MACSE_PREPARE_HEADING", False
    ):
        errors["section"] = "Choose Support, Prevent, Protect or Pursue"
    if not (fields.get("owner") or (fields.get("owner_name") or "").strip()):
        errors["owner"] = "Choose who owns the action, or enter a named contact at an agency"
    if fields.get("agency") is None:
        errors["agency"] = "Choose the owner's agency"
    if not fields.get("due_on"):
        errors["due_on"] = "Enter the date the action is due"
    return errors


@transaction.atomic
def action_add(
    *, plan: Plan, by: User, meeting: Meeting | None = None, now=None, **fields
) -> Action:
    """An action of the plan; its due date is a clock in its owner's work list (the MACSE
    administration team's, for a named contact without an account)."""
    owner = fields.get("owner")
    if owner is not None and fields.get("agency") is None:
        fields["agency"] = owner.agency
    errors = _action_errors(fields)
    if errors:
        raise ValidationError(errors)
    starts = now or timezone.now()
    action = Action(plan=plan, set_at=meeting, created_by=by, created_at=starts, **fields)
    action.full_clean()
    action.save()
    due = dt.datetime.combine(action.due_on, ACTION_DUE_TIME, tzinfo=LONDON)
    _open_action_clock(action, starts, due)
    if action.owner is not None and action.owner != by:
        notify(
            recipients=[action.owner],
            subject="You have a new MACSE plan action",
            reference=f"MACSE action {action.pk}",
            link=action.get_absolute_url(),
        )
    return action


def _open_action_clock(action: Action, starts: dt.datetime, due: dt.datetime) -> Deadline:
    return deadline_open(
        kind=Kind.ACTION,
        started_by=action,
        starts_at=starts,
        due_at=max(due, starts),
        child=action.plan.child,
        owner=action.owner,
        owning_team=None if action.owner else _administration(),
    )


@transaction.atomic
def action_progress(
    *,
    action: Action,
    by: User,
    note: str,
    status: str,
    meeting: Meeting | None = None,
    expected_version: int | None = None,
    now=None,
) -> ActionProgress:
    """A progress note (and the action's status) from its owner, or from the administrator for
    a named contact. Done meets the action's clock; cancelled makes it not required."""
    now = now or timezone.now()
    action = lock_at_version(Action, action, expected_version)
    errors = {}
    if not note.strip():
        errors["note"] = "Enter what has been done"
    if status not in Action.Status.values:
        errors["status"] = "Choose the action's status"
    if errors:
        raise ValidationError(errors)
    progress = ActionProgress.objects.create(
        action=action,
        note=note.strip(),
        status=status,
        meeting=meeting,
        recorded_by=by,
        recorded_at=now,
    )
    if status != action.status:
        action.status = status
        _bump(action)
        if status == Action.Status.DONE:
            deadline_meet(kind=Kind.ACTION, started_by=action, met_by=progress, at=now)
        elif status == Action.Status.CANCELLED:
            deadline_not_required(kind=Kind.ACTION, started_by=action, decided_by=progress, at=now)
    return progress
