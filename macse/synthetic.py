"""Synthetic MACSE (domain.md section 5, D5, D9-D12): monthly meetings over the generated period,
each with its attendance, its agenda (the CSE1s MASH forwarded before its cut-off, the children
whose 3-month review fell due by its day, a few deferred from the meeting before, then the
standing items) and its decisions, closed as meeting_close closes one: adopted children join
the cohort with a plan (a kept version at each hearing, 2-6 actions set once it exists), a
MACSE review clock from each hearing met by the next, and each action a clock met by the
progress note that marked it done. Everything invented.

At these sizes the data set is many authorities' caseloads at once: one meeting for all of it
would hear thousands of children a month, which no meeting does. So the children are shared into
areas of AREA_CHILDREN (in the order they were generated), each with its own monthly meeting
of realistic size (about 40-60 children, as the issue's 60-child pack), as Shield shares its
cases between workers of 40. Rows are written an area or a few at a time, so memory stays flat
at any size; each area is simulated child by child, in time order, with the services' own rules
(macse.services: _review_due, the standing items, the plan's snapshot of its actions)."""

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from cse_framework.accounts.models import Agency
from cse_framework.synthetic.bulk import bulk_insert, changed
from cse_framework.timescales.clocks import Kind, thresholds
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON
from macse import selectors, services
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
from shield.models import Assessment, ShieldCase
from shield.models.scheme import BandCode

AREA_CHILDREN = 500  # children per area, each area with its own monthly meeting
CHUNK_AREAS = 4  # areas built and written at a time
MEETING_TIME = dt.time(10, 0)
MEETING_WEEKDAY = 3  # Thursday: the second Thursday of each month
YEARS = 3  # the referrals span three years (referrals/synthetic.py)
CLOSE_DAYS = (1, 6)  # the minutes are agreed a few days after the meeting
DEFER_SHARE = 0.03  # items deferred (never twice running)
PARENTS_NOT_TOLD_SHARE = 0.1
# The share of new referrals adopted onto MACSE, by the referrer's level of concern (others are
# signposted); a child already on MACSE is always kept on it.
ADOPTED = {"high": 0.85, "medium": 0.6, "at_risk": 0.3, "none": 0.1}
REVIEW_DECISIONS = [
    AgendaItem.Decision.CONTINUE,
    AgendaItem.Decision.STEP_DOWN,
    AgendaItem.Decision.CLOSE,
]
REVIEW_WEIGHTS = [70, 16, 14]
ACTIONS_PER_PLAN = (2, 6)
DUE_DAYS = (14, 85)
# (section, about, about details, desired outcome, action)
ACTION_TEMPLATES = [
    (
        "support",
        "child",
        "",
        "The young person has a trusted adult to talk to.",
        "Weekly one-to-one sessions with the young person.",
    ),
    (
        "support",
        "child",
        "",
        "The family know the signs of exploitation.",
        "Work with the parents on the signs of grooming and who to call.",
    ),
    (
        "prevent",
        "child",
        "",
        "The young person understands healthy relationships.",
        "Deliver healthy-relationships and online-safety sessions.",
    ),
    (
        "prevent",
        "location",
        "A fast-food shop on Sedge Row (fictional)",
        "Staff report young people seen with adults late at night.",
        "Brief the shop's staff on the signs of exploitation.",
    ),
    (
        "protect",
        "child",
        "",
        "The young person is safe on the way to and from school.",
        "Arrange a trusted adult to meet the young person at the school gate.",
    ),
    (
        "protect",
        "child",
        "",
        "Missing episodes are reported at once.",
        "Agree a missing-from-home protocol with the carers.",
    ),
    (
        "pursue",
        "perpetrator",
        "An adult known as 'J' (fictional)",
        "The adult has no contact with the young person.",
        "Serve a child abduction warning notice.",
    ),
    (
        "pursue",
        "location",
        "A house on Raven Close (fictional)",
        "The address is no longer used to host young people.",
        "Visit the address with the licensing officer.",
    ),
]
# Named contacts at agencies without an account: (name, agency name, agency kind).
CONTACTS = [
    ("Synthetic youth worker", "Synthetic youth service", Agency.Kind.VOLUNTARY_COMMUNITY),
    ("Synthetic school safeguarding lead", "Synthetic academy", Agency.Kind.EDUCATION),
    ("Synthetic licensing officer", "Synthetic council licensing", Agency.Kind.HOUSING),
]
OWNER_ROLES = [
    "shield_worker",
    "allocated_social_worker",
    "police_intelligence_officer",
    "health_representative",
]
# How an action ends: done, cancelled, still in progress, not started.
ENDINGS = ["done", "cancelled", "in_progress", "not_started"]
ENDING_WEIGHTS = [74, 5, 12, 9]
# Named representatives invited besides the chair, the administrator and the health
# representative: police and health, whom quorum needs, nearly always come.
REPRESENTATIVES = [
    ("Synthetic detective sergeant", "Synthetic police", Agency.Kind.POLICE, "Police"),
    ("Synthetic school nurse", "Synthetic health", Agency.Kind.HEALTH, "School nursing"),
    ("Synthetic education lead", "Synthetic academy", Agency.Kind.EDUCATION, "Education"),
    ("Synthetic youth worker", "Synthetic youth service", Agency.Kind.VOLUNTARY_COMMUNITY, ""),
]
QUORUM_KINDS = {Agency.Kind.POLICE, Agency.Kind.HEALTH}
ATTENDANCE = [
    Attendee.Attendance.PRESENT,
    Attendee.Attendance.APOLOGIES,
    Attendee.Attendance.SENT_INFORMATION,
]
COUNTED = {
    "MACSE meetings": Meeting,
    "MACSE attendees": Attendee,
    "MACSE agenda items": AgendaItem,
    "MACSE cohort entries": CohortEntry,
    "MACSE plans": Plan,
    "MACSE actions": Action,
    "MACSE action progress": ActionProgress,
    "MACSE plan versions": PlanVersion,
    "MACSE clocks": Deadline,
}


def meeting_days(as_of: dt.date) -> list[dt.date]:
    """The second Thursday of each month, from before the first referral to before ``as_of``."""
    days = []
    year, month = as_of.year - YEARS, as_of.month - 1
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        first = dt.date(year, month, 1)
        day = first + dt.timedelta(days=(MEETING_WEEKDAY - first.weekday()) % 7 + 7)
        if day >= as_of:
            return days
        days.append(day)


@dataclass
class Clock:
    """A clock to write once the rows it names have ids."""

    kind: str
    child_id: object
    started_by: object
    starts_at: dt.datetime
    due_at: dt.datetime
    recorded: dt.datetime  # when it was written (its history's first row)
    owner_id: int | None = None
    team: object = None
    met_at: dt.datetime | None = None
    not_required_at: dt.datetime | None = None
    closed_by: object = None
    closed_recorded: dt.datetime | None = None  # when what met it (or ended it) was recorded


@dataclass
class Course:
    """One child's course through MACSE so far."""

    child_id: object
    worker: int | None  # their Shield worker's id
    assessments: list  # their completed CSE2s, oldest first (closure evidence, D11)
    entry: CohortEntry | None = None
    plan: Plan | None = None
    clock: Clock | None = None  # the open review clock
    deferred: AgendaItem | None = None  # the item deferred at the last meeting


@dataclass
class Built:
    """One chunk of areas, in the order it is written."""

    meetings: list = field(default_factory=list)
    attendees: list = field(default_factory=list)
    items: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    versions: list = field(default_factory=list)  # (plan, number, meeting, agreed_at, [action])
    clocks: list = field(default_factory=list)


class Generator:
    def __init__(self, plan):
        self.plan = plan
        self.rng = plan.rng
        self.now = dt.datetime.combine(plan.as_of, dt.time(12), tzinfo=LONDON)
        users = {user.email.split("@")[0].removeprefix("bench."): user for user in plan.users}
        self.chair = users["macse_chair"]
        self.admin = users["macse_administrator"]
        self.team = self.admin.team
        self.owners = [users[role] for role in OWNER_ROLES]
        self.invited = [self.chair, self.admin, users["health_representative"]]
        agencies = {
            name: Agency.objects.get_or_create(name=name, defaults={"kind": kind})[0]
            for name, kind in {
                **{name: kind for _, name, kind in CONTACTS},
                **{name: kind for _, name, kind, _ in REPRESENTATIVES},
            }.items()
        }
        self.contacts = [(name, agencies[agency]) for name, agency, _ in CONTACTS]
        self.representatives = [
            (name, agencies[agency], role) for name, agency, _, role in REPRESENTATIVES
        ]
        self.days = meeting_days(plan.as_of)
        self.starts = [dt.datetime.combine(day, MEETING_TIME, tzinfo=LONDON) for day in self.days]
        self.cut_offs = [selectors.cut_off(Meeting(starts_at=starts)) for starts in self.starts]
        self.forwarded = defaultdict(list)
        for referral in plan.referrals_by_pk.values():
            if referral.forwarded_to_macse_at and referral.child_id:
                self.forwarded[referral.child_id].append(referral)
        self.built = Built()

    # --- Meetings -----------------------------------------------------------------------------

    def area(self, number: int, child_ids: list) -> None:
        rng = self.rng
        meetings = []
        for starts in self.starts:
            closed = min(starts + dt.timedelta(days=rng.randrange(*CLOSE_DAYS), hours=5), self.now)
            meeting = Meeting(
                starts_at=starts,
                venue=f"Synthetic civic centre, area {number} (fictional)",
                chair=self.chair,
                administrator=self.admin,
                status=Meeting.Status.CLOSED,
                confidentiality_acknowledged_at=starts,
                confidentiality_acknowledged_by=self.chair,
                agenda_built_at=starts - dt.timedelta(days=7),
                closed_at=closed,
                created_at=starts - dt.timedelta(days=28),
                version=4,
            )
            # Planned four weeks ahead, its agenda built a week before, held, then closed.
            changed(meeting, meeting.agenda_built_at, agenda_built_at=None, version=1)
            changed(
                meeting,
                starts,
                status=Meeting.Status.PLANNED,
                confidentiality_acknowledged_at=None,
                confidentiality_acknowledged_by=None,
                version=2,
            )
            changed(meeting, closed, status=Meeting.Status.HELD, closed_at=None, version=3)
            meetings.append(meeting)
        self.built.meetings.extend(meetings)
        agendas = [[] for _ in meetings]
        evidence, workers = _shield_records(child_ids)
        for child_id in child_ids:
            if child_id in self.forwarded:
                self.child(child_id, meetings, agendas, evidence, workers)
        for meeting, agenda in zip(meetings, agendas, strict=True):
            self.attendance(meeting)
            self.standing(meeting, agenda)
            agenda.sort(key=lambda item: (services.SECTION_ORDER.index(item.section), item.order))
            for position, item in enumerate(agenda, start=1):
                item.position = position
            self.built.items.extend(agenda)

    def attendance(self, meeting: Meeting) -> None:
        rng = self.rng
        for user in self.invited:
            chair_or_admin = user in (self.chair, self.admin)
            self.built.attendees.append(
                Attendee(
                    meeting=meeting,
                    user=user,
                    name=str(user),
                    agency_id=user.agency_id,
                    attendance=Attendee.Attendance.PRESENT
                    if chair_or_admin or rng.random() < 0.8
                    else Attendee.Attendance.APOLOGIES,
                )
            )
        for name, agency, role in self.representatives:
            self.built.attendees.append(
                Attendee(
                    meeting=meeting,
                    name=name,
                    agency=agency,
                    role=role,
                    attendance=rng.choices(
                        ATTENDANCE, [94, 5, 1] if agency.kind in QUORUM_KINDS else [75, 15, 10]
                    )[0],
                )
            )

    def standing(self, meeting: Meeting, agenda: list) -> None:
        """The standing items (domain.md 5.3), minuted; sometimes a person of concern drawn from
        police-only intelligence (D12)."""
        for order, section in enumerate(services.STANDING):
            agenda.append(
                self._standing(meeting, section, order, AgendaItem.Section(section).label)
            )
        if self.rng.random() < 0.3:
            item = self._standing(
                meeting, services.Section.PERSONS, 99, "An adult seen near schools (synthetic)"
            )
            item.police_only = True
            agenda.append(item)

    def _standing(self, meeting, section, order, title) -> AgendaItem:
        item = AgendaItem(
            meeting=meeting,
            section=section,
            position=0,
            title=title,
            minutes="Synthetic minutes: agencies shared what they hold.",
            added_by=self.admin,
            version=2,
        )
        changed(item, meeting.starts_at, minutes="", version=1)  # minuted at the meeting
        item.order = (order,)
        return item

    # --- One child ----------------------------------------------------------------------------

    def child(self, child_id, meetings, agendas, evidence, workers) -> None:
        """The child's hearings in time order, each decided and carried as meeting_close
        carries it."""
        forwarded = self._forwarded(child_id, len(meetings))
        if not forwarded:
            return
        course = Course(child_id, workers.get(child_id), evidence.get(child_id, ()))
        for index in range(min(forwarded), len(meetings)):
            item = self._item(course, meetings[index], forwarded.get(index))
            if item is None:
                continue
            agendas[index].append(item)
            if course.deferred is None and self.rng.random() < DEFER_SHARE:
                self._defer(item)
                course.deferred = item
                continue
            course.deferred = None
            self._decide(item, course.entry, course.assessments)
            self._carry(course, item, self.days[index])

    def _forwarded(self, child_id, count: int) -> dict:
        """The meeting (index) whose agenda takes each of the child's forwarded CSE1s: the first
        whose cut-off is after it was forwarded (D9); one a meeting."""
        found = {}
        for referral in sorted(self.forwarded[child_id], key=lambda r: r.forwarded_to_macse_at):
            index = bisect.bisect_right(self.cut_offs, referral.forwarded_to_macse_at)
            if index < count:
                found.setdefault(index, referral)
        return found

    def _item(self, course: Course, meeting: Meeting, referral) -> AgendaItem | None:
        """The child's item on this meeting's agenda, if any: a new CSE1, the item deferred
        last time, or the review due by the meeting's day (D5)."""
        clock = course.clock
        due = clock is not None and clock.due_at.astimezone(LONDON).date() <= services.meeting_day(
            meeting
        )
        if referral is None and course.deferred is None and not due:
            return None
        if referral is None and course.deferred is not None:
            section, referral = course.deferred.section, course.deferred.referral
        else:
            section = services.Section.NEW_REFERRAL if referral else services.Section.REVIEW
        return self._child_item(meeting, course.child_id, section, referral, course.worker, clock)

    def _defer(self, item: AgendaItem) -> None:
        """Deferred to the next meeting: the review clock keeps running."""
        item.deferred_at = item.meeting.starts_at + dt.timedelta(minutes=self.rng.randrange(5, 90))
        item.deferred_reason = "The school's report was not ready (synthetic)."
        item.version += 1
        changed(item, item.deferred_at, deferred_at=None, deferred_reason="", version=1)

    def _carry(self, course: Course, item: AgendaItem, day: dt.date) -> None:
        """As services._carry: the cohort, the review clock and the plan (a kept version)."""
        meeting = item.meeting
        if item.decision == services.Decision.ADOPT and course.entry is None:
            course.entry = CohortEntry(
                child_id=course.child_id, first_heard_at=meeting, adopted_on=day
            )
            self.built.entries.append(course.entry)
        if course.entry is None:
            return  # signposted: the child does not join the cohort
        last_due = meeting.starts_at
        if course.clock is not None:  # the hearing meets the child's review clock (D5)
            course.clock.met_at, course.clock.closed_by = meeting.starts_at, item
            course.clock.closed_recorded = meeting.closed_at
            last_due, course.clock = course.clock.due_at, None
        if item.decision in services.ENDING:
            entry = course.entry
            entry.status = services.ENDING[item.decision]
            entry.ended_on, entry.ended_by, entry.version = day, meeting, 2
            # Open until the minutes of the meeting that ended it were agreed.
            changed(
                entry,
                meeting.closed_at,
                status=CohortEntry.Status.OPEN,
                ended_on=None,
                ended_by=None,
                version=1,
            )
            course.entry = course.plan = None
            return
        due_at = services._review_due(last_due, day)
        course.clock = Clock(
            Kind.MACSE_REVIEW,
            course.child_id,
            item,
            meeting.starts_at,
            due_at,
            meeting.closed_at,
            team=self.team,
        )
        self.built.clocks.append(course.clock)
        plan = course.plan
        if plan is None:
            plan = course.plan = Plan(
                entry=course.entry, child_id=course.child_id, lead_professional_id=course.worker
            )
            plan.action_rows = []
            self.built.plans.append(plan)
        else:  # reviewed: its next review date set when the minutes were agreed
            changed(plan, meeting.closed_at, review_on=plan.review_on, version=plan.version)
        plan.review_on = due_at.astimezone(LONDON).date()
        plan.version += 1
        self.built.versions.append(
            (plan, plan.version - 1, meeting, meeting.closed_at, list(plan.action_rows))
        )
        if not plan.action_rows:
            self.actions(plan, meeting, course.child_id)

    def _child_item(self, meeting, child_id, section, referral, worker, clock) -> AgendaItem:
        rng = self.rng
        told = rng.random() >= PARENTS_NOT_TOLD_SHARE
        item = AgendaItem(
            meeting=meeting,
            section=section,
            position=0,
            child_id=child_id,
            referral=referral,
            parents_asked_of_id=worker,
            parents_told=told if worker else None,
            parents_not_told_reason=""
            if told or not worker
            else "Telling them would put the young person at risk (synthetic).",
            added_by=self.admin,
            version=2 if worker else 1,  # the worker answered the parents question
        )
        item.order = (referral.forwarded_to_macse_at if referral else clock.due_at,)
        return item

    def _decide(self, item: AgendaItem, entry, assessments) -> None:
        rng = self.rng
        Decision = services.Decision
        meeting = item.meeting
        if item.section == services.Section.NEW_REFERRAL:
            concern = item.referral.level_of_concern
            adopt = entry is not None or rng.random() < ADOPTED.get(concern, 0.3)
            item.decision = Decision.ADOPT if adopt else Decision.SIGNPOST
        else:
            item.decision = rng.choices(REVIEW_DECISIONS, REVIEW_WEIGHTS)[0]
        if item.decision == Decision.CLOSE:
            item.closure_assessment_id = _closure_evidence(assessments, meeting.starts_at)
            if item.closure_assessment_id is None:
                item.decision = Decision.STEP_DOWN  # D11: no evidence to close on
        rationale = {
            Decision.ADOPT: "",
            Decision.CONTINUE: "",
            Decision.SIGNPOST: "Needs are met by early help (synthetic).",
            Decision.STEP_DOWN: "Risk reduced; the Shield worker continues (synthetic).",
            Decision.CLOSE: "The latest CSE2 shows the risk has reduced (synthetic).",
        }
        item.decision_rationale = rationale[item.decision]
        item.minutes = "Synthetic minutes: agencies shared what they hold about the child."
        if item.decision == Decision.ADOPT and rng.random() < 0.3:
            item.flag_decision = AgendaItem.FlagDecision.CREATE
        item.decided_by = self.admin
        item.decided_at = meeting.starts_at + dt.timedelta(minutes=rng.randrange(5, 120))
        item.version += 1
        changed(
            item,
            item.decided_at,
            minutes="",
            decision="",
            decision_rationale="",
            flag_decision=AgendaItem.FlagDecision.NONE,
            closure_assessment=None,
            decided_by=None,
            decided_at=None,
            version=item.version - 1,
        )

    # --- Plans and actions --------------------------------------------------------------------

    def actions(self, plan: Plan, meeting: Meeting, child_id) -> None:
        """2-6 actions, added once the plan exists (after the meeting closed), each a clock; the
        owner's progress notes, the last one the action's status."""
        rng = self.rng
        for template in rng.sample(
            ACTION_TEMPLATES, rng.randrange(ACTIONS_PER_PLAN[0], ACTIONS_PER_PLAN[1] + 1)
        ):
            section, about, details, outcome, description = template
            set_at = meeting.closed_at + dt.timedelta(minutes=rng.randrange(5, 240))
            if rng.random() < 0.75:
                owner, name, agency = rng.choice(self.owners), "", None
                agency = owner.agency
            else:
                owner, (name, agency) = None, rng.choice(self.contacts)
            due_on = (set_at + dt.timedelta(days=rng.randrange(*DUE_DAYS))).date()
            action = Action(
                plan=plan,
                section=section,
                about=about,
                about_details=details,
                desired_outcome=outcome,
                description=description,
                owner=owner,
                owner_name=name,
                agency=agency,
                due_on=due_on,
                set_at=meeting,
                created_by=self.admin,
                created_at=set_at,
            )
            action.notes = self.progress(action, owner)
            action.status = action.notes[-1].status if action.notes else "not_started"
            action.version = 1 + len({note.status for note in action.notes})
            _progressed(action)
            plan.action_rows.append(action)
            self.built.actions.append(action)
            due = dt.datetime.combine(due_on, services.ACTION_DUE_TIME, tzinfo=LONDON)
            done = next((n for n in action.notes if n.status == Action.Status.DONE), None)
            cancelled = next((n for n in action.notes if n.status == Action.Status.CANCELLED), None)
            closing = done or cancelled
            self.built.clocks.append(
                Clock(
                    Kind.ACTION,
                    child_id,
                    action,
                    set_at,
                    max(due, set_at),
                    set_at,
                    owner_id=owner.pk if owner else None,
                    team=None if owner else self.team,
                    met_at=done.recorded_at if done else None,
                    not_required_at=cancelled.recorded_at if cancelled else None,
                    closed_by=closing,
                    closed_recorded=closing.recorded_at if closing else None,
                )
            )

    def progress(self, action: Action, owner) -> list[ActionProgress]:
        """Its owner's notes up to the as-of date (the administrator's, for a named contact)."""
        rng = self.rng
        ending = rng.choices(ENDINGS, ENDING_WEIGHTS)[0]
        start = action.created_at
        due = dt.datetime.combine(action.due_on, services.ACTION_DUE_TIME, tzinfo=LONDON)
        planned = []
        if ending == "cancelled":
            at = start + dt.timedelta(days=rng.randrange(7, 40))
            planned.append((at, Action.Status.CANCELLED, "No longer needed (synthetic)."))
        elif ending != "not_started":
            finish = max(
                due + dt.timedelta(days=rng.randrange(-20, 12)), start + dt.timedelta(days=2)
            )
            if ending == "in_progress" or rng.random() < 0.6:
                middle = start + (finish - start) / 2
                planned.append((middle, Action.Status.IN_PROGRESS, "Started (synthetic)."))
            if ending == "done":
                planned.append((finish, Action.Status.DONE, "Done and recorded (synthetic)."))
        notes = [
            ActionProgress(
                action=action,
                note=text,
                status=status,
                recorded_by=owner or self.admin,
                recorded_at=at,
            )
            for at, status, text in planned
            if at < self.now
        ]
        self.built.progress.extend(notes)
        return notes


def _progressed(action: Action) -> None:
    """Its status as each progress note that changed it was recorded."""
    status, version = Action.Status.NOT_STARTED, 1
    for note in action.notes:
        if note.status != status:
            changed(action, note.recorded_at, status=status, version=version)
            status, version = note.status, version + 1


def _shield_records(child_ids: list) -> tuple[dict, dict]:
    """The children's completed CSE2s, oldest first, for closure evidence (D11), and their Shield
    workers, who are asked whether parents are told (D9) and lead their plans."""
    evidence = defaultdict(list)
    rows = (
        Assessment.objects.filter(child_id__in=child_ids, status=Assessment.Status.COMPLETED)
        .order_by("completed_at", "id")
        .values_list("child_id", "id", "band", "direction", "completed_at")
    )
    for child_id, pk, band, direction, completed_at in rows:
        evidence[child_id].append((completed_at, pk, band, direction))
    workers = dict(
        ShieldCase.objects.filter(child_id__in=child_ids, worker__isnull=False).values_list(
            "child_id", "worker_id"
        )
    )
    return evidence, workers


def _closure_evidence(assessments, before: dt.datetime) -> int | None:
    """D11: the latest CSE2 completed before the meeting, if at band Lower or scored below the
    one before it."""
    done = [a for a in assessments if a[0] < before]
    if not done:
        return None
    _, pk, band, direction = done[-1]
    if band == BandCode.LOWER or direction == Assessment.Direction.DECREASED:
        return pk
    return None


def _write(plan, built: Built) -> None:
    counts = plan.counts

    def insert(name: str, rows: list, dated=None) -> None:
        counts[name] += bulk_insert(COUNTED[name], rows, dated=dated)

    # Each row's history dated when it came into being (D20): a meeting when planned, its
    # attendance when held, an agenda item when the agenda was built, a cohort entry and a plan
    # when the minutes that adopted the child were agreed, an action when set.
    insert("MACSE meetings", built.meetings, dated=lambda meeting: meeting.created_at)
    insert("MACSE attendees", built.attendees, dated=lambda attendee: attendee.meeting.starts_at)
    insert("MACSE agenda items", built.items, dated=lambda item: item.meeting.agenda_built_at)
    insert(
        "MACSE cohort entries", built.entries, dated=lambda entry: entry.first_heard_at.closed_at
    )
    insert("MACSE plans", built.plans, dated=lambda plan: plan.entry.first_heard_at.closed_at)
    insert("MACSE actions", built.actions, dated=lambda action: action.created_at)
    insert("MACSE action progress", built.progress)
    insert(
        "MACSE plan versions",
        [
            PlanVersion(
                plan=plan_row,
                number=number,
                meeting=meeting,
                agreed_at=agreed_at,
                agreed_by_id=meeting.administrator_id,
                actions=[
                    {**services._action_snapshot(action), "status": _status_at(action, agreed_at)}
                    for action in actions
                ],
            )
            for plan_row, number, meeting, agreed_at, actions in built.versions
        ],
    )
    insert("MACSE clocks", [_deadline(spec) for spec in built.clocks])


def _status_at(action: Action, at: dt.datetime) -> str:
    status = Action.Status.NOT_STARTED
    for note in action.notes:
        if note.recorded_at <= at:
            status = note.status
    return status


def _type(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj)  # cached by Django after the first


def _deadline(spec: Clock) -> Deadline:
    """The clock, dated when it was written, and closed when what met or ended it was
    recorded."""
    closed = spec.closed_by
    deadline = Deadline(
        kind=spec.kind,
        child_id=spec.child_id,
        started_by_type=_type(spec.started_by),
        started_by_id=str(spec.started_by.pk),
        starts_at=spec.starts_at,
        **thresholds(spec.starts_at, spec.due_at),
        owning_team=spec.team,
        owner_id=spec.owner_id,
        met_at=spec.met_at,
        not_required_at=spec.not_required_at,
        closed_by_type=_type(closed) if closed is not None else None,
        closed_by_id=str(closed.pk) if closed is not None else "",
        version=2 if closed is not None else 1,
    )
    deadline._history_date = spec.recorded
    if closed is not None:
        changed(
            deadline,
            spec.closed_recorded,
            met_at=None,
            not_required_at=None,
            closed_by_type=None,
            closed_by_id="",
            version=1,
        )
    return deadline


def generate(plan) -> None:
    generator = Generator(plan)
    plan.counts.update(dict.fromkeys(COUNTED, 0))
    ids = plan.child_ids
    for number, start in enumerate(range(0, len(ids), AREA_CHILDREN), start=1):
        generator.area(number, ids[start : start + AREA_CHILDREN])
        if number % CHUNK_AREAS == 0:
            built, generator.built = generator.built, Built()
            _write(plan, built)
    _write(plan, generator.built)
