"""What the printed agenda pack and minutes show, gathered in a fixed number of queries whatever
the number of children on the agenda (issue 7: the gathering should add little to the render).

The pack: the cover (reference, date, venue, chair), the attendance list, and per child the key
facts: name, age, agencies involved, current CSE2 band and score and the trend since the child's
last hearing, models of exploitation, the last plan's actions and their status, and what changed
since the last hearing (or the last meeting, for a child not heard before). The minutes:
attendance, each item's minutes and decision, the flag decision, the agencies directed in, and
the actions agreed. Police-only items (D12) are in either only when the person it is prepared
for may see them."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import timezone

from cse_framework.timescales.working_time import LONDON
from macse import selectors
from macse.models import Action, AgendaItem, Attendee, Meeting, Plan, PlanVersion
from macse.policy import sees_police_only
from macse.services import meeting_day, quorum
from referrals.models import Child, Referral
from shield.models import Assessment, AssessmentAttendee, BandOverride, ShieldCase
from shield.models.events import Flag, Incident, MissingEpisode
from shield.models.scheme import BandCode

# Called as each child's facts are ready: (children done, children in all).
Progress = Callable[[int, int], None]
SUMMARY_LENGTH = 300  # of an incident's description or an episode's notes, in the digest
SECTIONS = list(Action.Section.values)  # D10: Support, Prevent, Protect, Pursue (then Prepare)


@dataclass(frozen=True)
class Cse2:
    """A completed CSE2 as the pack shows it (its band, or the team manager's override, D2)."""

    pk: int
    sequence: int
    total: int
    band: str
    overridden: bool
    assessed_on: dt.date
    completed_at: dt.datetime

    @property
    def band_label(self) -> str:
        return BandCode(self.band).label if self.band else "No band"

    @property
    def summary(self) -> str:
        override = " (band overridden by a Shield team manager)" if self.overridden else ""
        return f"{self.total} ({self.band_label}){override}"


@dataclass(frozen=True)
class Change:
    """One thing recorded about a child since their last hearing."""

    when: dt.date
    what: str
    summary: str


@dataclass(frozen=True)
class ActionLine:
    """An action of a plan, as it stands or as a meeting agreed it."""

    section: str
    description: str
    outcome: str
    owner: str
    agency: str
    due_on: dt.date | None
    status: str
    overdue: bool = False


@dataclass
class ChildFacts:
    item: AgendaItem
    child: Child
    age: int
    agencies: list[str]
    cse2: Cse2 | None
    trend: str
    models: list[str]
    plan: Plan | None
    actions: list[ActionLine]
    since: dt.datetime | None
    since_label: str
    changes: list[Change]


@dataclass
class Document:
    """What a printed document shows, for whom it was prepared."""

    meeting: Meeting
    prepared_for: object
    prepared_at: dt.datetime
    attendees: list[Attendee]
    items: list[AgendaItem]  # printed, in order: police-only ones only for police-only users
    police_only_included: bool
    quorum: dict = field(default_factory=dict)


@dataclass
class Pack(Document):
    children: list[ChildFacts] = field(default_factory=list)
    deferred: list[AgendaItem] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[AgendaItem, ChildFacts | None]]:
        """Each item printed, in order, with its child's facts (none for a standing item); a
        deferred child is listed on the cover instead."""
        facts = {each.item.pk: each for each in self.children}
        return [
            (item, facts.get(item.pk))
            for item in self.items
            if not (item.child_id and item.deferred)
        ]


@dataclass
class Minutes(Document):
    agreed: bool = False  # the minutes are agreed (the meeting is closed)
    actions: dict = field(default_factory=dict)  # child id -> [ActionLine]

    @property
    def sections(self) -> list[tuple[AgendaItem, list[ActionLine]]]:
        return [(item, self.actions.get(item.child_id, [])) for item in self.items]


def _meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_related(
        "chair", "administrator", "confidentiality_acknowledged_by"
    ).get(pk=meeting_id)


def _common(meeting_id: int, user, now) -> tuple[Meeting, list[AgendaItem], dict]:
    meeting = _meeting(meeting_id)
    police = sees_police_only(user)
    items = [item for item in selectors.agenda(meeting, user=user) if not item.hidden]
    attendees = list(meeting.attendees.select_related("agency"))
    common = {
        "meeting": meeting,
        "prepared_for": user,
        "prepared_at": now or timezone.now(),
        "attendees": attendees,
        "items": items,
        "police_only_included": police,
        "quorum": quorum(meeting, attendees),
    }
    return meeting, items, common


def _done(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def child_count(meeting_id: int) -> int:
    """How many children a pack of the meeting gathers (its progress counts these): those on
    the agenda and not deferred."""
    return AgendaItem.objects.filter(
        meeting_id=meeting_id, child__isnull=False, deferred_at__isnull=True
    ).count()


# --- The agenda pack ----------------------------------------------------------------------------


def gather_pack(meeting_id: int, *, user, progress: Progress | None = None, now=None) -> Pack:
    """The agenda pack of a meeting, prepared for ``user``: the same number of queries whatever
    the number of children; ``progress`` is told as each child's facts are put together."""
    meeting, items, common = _common(meeting_id, user, now)
    heard = [item for item in items if item.child_id and not item.deferred]
    facts = _Facts(meeting, [item.child_id for item in heard])
    children = []
    for done, item in enumerate(heard, start=1):
        children.append(facts.of(item))
        _done(progress, done, len(heard))
    return Pack(
        **common,
        children=children,
        deferred=[item for item in items if item.child_id and item.deferred],
    )


class _Facts:
    """Every child's facts, read for all of them at once."""

    def __init__(self, meeting: Meeting, child_ids: list):
        self.meeting = meeting
        self.day = meeting_day(meeting)
        self.previous = selectors.previous_meeting(meeting)
        ids = list(dict.fromkeys(child_ids))
        self.last_heard = dict(
            AgendaItem.objects.filter(
                child_id__in=ids,
                deferred_at__isnull=True,
                meeting__starts_at__lt=meeting.starts_at,
            )
            .values("child_id")
            .annotate(last=Max("meeting__starts_at"))
            .values_list("child_id", "last")
        )
        self.social_workers = dict(
            Child.objects.filter(
                pk__in=ids, allocated_social_worker__agency__isnull=False
            ).values_list("pk", "allocated_social_worker__agency__name")
        )
        self.cse2s = _group(_cse2s(ids), "child_id")
        self.cse2_agencies = _group(
            AssessmentAttendee.objects.filter(
                assessment__child_id__in=ids, assessment__status=Assessment.Status.COMPLETED
            ).values("assessment_id", "agency__name"),
            "assessment_id",
        )
        self.referrals = _group(
            Referral.objects.filter(child_id__in=ids, received_at__isnull=False)
            .values(
                "child_id",
                "reference",
                "referrer_agency__name",
                "models_of_exploitation",
                "received_at",
            )
            .order_by("received_at"),
            "child_id",
        )
        self.shield = _group(
            ShieldCase.objects.filter(child_id__in=ids, status=ShieldCase.Status.OPEN).values(
                "child_id", "team__name", "team__agency__name"
            ),
            "child_id",
        )
        plans = {}
        for plan in Plan.objects.filter(child_id__in=ids).select_related("lead_professional"):
            plans[plan.child_id] = plan  # ordered by id: the last is the child's latest plan
        self.plans = plans
        self.actions = _group(
            _in_plan_order(
                Action.objects.filter(plan__in=[plan.pk for plan in plans.values()])
                .select_related("owner", "agency")
                .order_by("due_on", "pk")
            ),
            "plan_id",
        )
        since = [self.since(child_id) for child_id in ids]
        earliest = min((moment for moment in since if moment), default=None)
        window = (lambda name: Q(**{f"{name}__gte": earliest})) if earliest else (lambda name: Q())
        self.incidents = _group(
            Incident.objects.filter(child_id__in=ids)
            .filter(window("occurred_at") | window("recorded_at"))
            .values("child_id", "occurred_at", "recorded_at", "description"),
            "child_id",
        )
        self.missing = _group(
            MissingEpisode.objects.filter(child_id__in=ids)
            .filter(window("went_missing_at") | window("recorded_at"))
            .values(
                "child_id",
                "went_missing_at",
                "returned_at",
                "recorded_at",
                "interview_done",
                "reported_to_police",
            ),
            "child_id",
        )
        self.flags = _group(
            Flag.objects.filter(child_id__in=ids).select_related("agency"), "child_id"
        )

    def since(self, child_id) -> dt.datetime | None:
        """The child's last hearing, or (never heard) the last meeting."""
        heard = self.last_heard.get(child_id)
        if heard:
            return heard
        return self.previous.starts_at if self.previous else None

    def since_label(self, child_id) -> str:
        heard = self.last_heard.get(child_id)
        if heard:
            return f"the child's last hearing, {_day(heard):%-d %B %Y}"
        if self.previous:
            return f"the last meeting, {_day(self.previous.starts_at):%-d %B %Y}"
        return ""

    def of(self, item: AgendaItem) -> ChildFacts:
        child_id = item.child_id
        cse2s = self.cse2s.get(child_id, [])
        current = cse2s[-1] if cse2s else None
        since = self.since(child_id)
        plan = self.plans.get(child_id)
        actions = self.actions.get(plan.pk, []) if plan else []
        return ChildFacts(
            item=item,
            child=item.child,
            age=item.child.age_on(self.day),
            agencies=self._agencies(child_id, current, actions),
            cse2=current,
            trend=self._trend(child_id, cse2s),
            models=self._models(item, child_id),
            plan=plan,
            actions=[_line(action, self.day) for action in actions],
            since=since,
            since_label=self.since_label(child_id),
            changes=self._changes(child_id, since, cse2s),
        )

    def _agencies(self, child_id, current: Cse2 | None, actions: list[Action]) -> list[str]:
        names = [row["referrer_agency__name"] for row in self.referrals.get(child_id, [])]
        names += [self.social_workers[child_id]] if child_id in self.social_workers else []
        for case in self.shield.get(child_id, []):
            names.append(f"Shield ({case['team__name'] or case['team__agency__name'] or 'team'})")
        names += [action.agency.name for action in actions]
        names += [flag.agency.name for flag in self.flags.get(child_id, []) if flag.current]
        if current:
            names += [row["agency__name"] for row in self.cse2_agencies.get(current.pk, [])]
        return sorted({name for name in names if name}, key=str.casefold)

    def _trend(self, child_id, cse2s: list[Cse2]) -> str:
        if not cse2s:
            return "No completed CSE2 yet"
        current = cse2s[-1]
        heard = self.last_heard.get(child_id)
        if heard:
            then = [cse2 for cse2 in cse2s if cse2.completed_at <= heard]
            if not then:
                return f"First CSE2 since the last hearing ({_day(heard):%-d %B %Y})"
            if then[-1].pk == current.pk:
                return f"No new CSE2 since the last hearing ({_day(heard):%-d %B %Y})"
            return _compare(current, then[-1], "at the last hearing")
        if len(cse2s) == 1:
            return "First CSE2"
        return _compare(current, cse2s[-2], "on the CSE2 before")

    def _models(self, item: AgendaItem, child_id) -> list[str]:
        codes = []
        if item.referral_id:
            codes += item.referral.models_of_exploitation
        for row in self.referrals.get(child_id, []):
            codes += row["models_of_exploitation"] or []
        return [label for code, label in Referral.Model.choices if code in codes]

    def _changes(self, child_id, since, cse2s: list[Cse2]) -> list[Change]:
        after = (lambda *moments: any(m and m >= since for m in moments)) if since else _always
        changes = [
            Change(_day(c.completed_at), "CSE2", f"Version {c.sequence} completed: {c.summary}")
            for c in cse2s
            if after(c.completed_at)
        ]
        for row in self.referrals.get(child_id, []):
            if after(row["received_at"]):
                changes.append(
                    Change(
                        _day(row["received_at"]),
                        "New CSE1",
                        f"{row['reference']} from {row['referrer_agency__name']}",
                    )
                )
        for row in self.incidents.get(child_id, []):
            if after(row["occurred_at"], row["recorded_at"]):
                changes.append(
                    Change(_day(row["occurred_at"]), "Incident", _short(row["description"]))
                )
        for row in self.missing.get(child_id, []):
            if after(row["went_missing_at"], row["recorded_at"]):
                changes.append(Change(_day(row["went_missing_at"]), "Missing", _missing(row)))
        for flag in self.flags.get(child_id, []):
            changes += _flag_changes(flag, since)
        return sorted(changes, key=lambda change: change.when, reverse=True)


def _always(*moments) -> bool:
    return True


def _cse2s(child_ids: list) -> Iterable[tuple[object, Cse2]]:
    """(child id, CSE2) of each completed CSE2 of the children, oldest first."""
    override = (
        BandOverride.objects.filter(assessment_id=OuterRef("pk"))
        .order_by("-made_at", "-id")
        .values("band")[:1]
    )
    rows = (
        Assessment.objects.filter(child_id__in=child_ids, status=Assessment.Status.COMPLETED)
        .annotate(override=Subquery(override))
        .values(
            "pk",
            "child_id",
            "sequence",
            "total",
            "band",
            "override",
            "assessed_on",
            "completed_at",
        )
        .order_by("child_id", "completed_at", "pk")
    )
    for row in rows:
        cse2 = Cse2(
            pk=row["pk"],
            sequence=row["sequence"],
            total=row["total"],
            band=row["override"] or row["band"],
            overridden=bool(row["override"]),
            assessed_on=row["assessed_on"],
            completed_at=row["completed_at"],
        )
        yield row["child_id"], cse2


def _group(rows, key: str) -> dict:
    """Rows (dicts, objects, or (key, value) pairs) grouped by ``key``, in their order."""
    grouped = defaultdict(list)
    for row in rows:
        if isinstance(row, tuple):
            grouped[row[0]].append(row[1])
        elif isinstance(row, dict):
            grouped[row[key]].append(row)
        else:
            grouped[getattr(row, key)].append(row)
    return dict(grouped)


def _compare(current: Cse2, before: Cse2, when: str) -> str:
    if current.total > before.total:
        direction = "Risk increased"
    elif current.total < before.total:
        direction = "Risk decreased"
    else:
        direction = "Risk stayed the same"
    return (
        f"{direction}: {current.summary} now, {before.summary} {when} "
        f"(CSE2 of {before.assessed_on:%-d %B %Y})"
    )


def _day(moment) -> dt.date:
    return moment.astimezone(LONDON).date() if isinstance(moment, dt.datetime) else moment


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def _missing(row: dict) -> str:
    went = row["went_missing_at"].astimezone(LONDON)
    back = row["returned_at"]
    returned = f"returned {back.astimezone(LONDON):%-d %B %Y %H:%M}" if back else "not returned"
    interview = "return home interview done" if row["interview_done"] else "no return interview"
    police = "; reported to police" if row["reported_to_police"] else ""
    return f"Went missing {went:%-d %B %Y %H:%M}, {returned}; {interview}{police}"


def _flag_changes(flag: Flag, since) -> list[Change]:
    since_day = _day(since) if since else None
    changes = []
    if since_day is None or flag.decided_on >= since_day:
        changes.append(
            Change(
                flag.decided_on,
                "Flag",
                f"{flag.get_kind_display()} ({flag.agency}) raised at "
                f"{flag.get_risk_level_display().lower()}",
            )
        )
    if flag.removed_on and (since_day is None or flag.removed_on >= since_day):
        reason = f": {_short(flag.removal_reason)}" if flag.removal_reason else ""
        changes.append(
            Change(
                flag.removed_on,
                "Flag",
                f"{flag.get_kind_display()} ({flag.agency}) removed{reason}",
            )
        )
    return changes


def _in_plan_order(actions) -> list[Action]:
    """Under the plan's headings in their order (D10), each by due date."""
    return sorted(actions, key=lambda action: SECTIONS.index(action.section))


def _line(action: Action, day: dt.date) -> ActionLine:
    return ActionLine(
        section=action.get_section_display(),
        description=action.description,
        outcome=action.desired_outcome,
        owner=action.owner_label,
        agency=action.agency.name,
        due_on=action.due_on,
        status=action.get_status_display(),
        overdue=action.is_open and action.due_on < day,
    )


# --- The minutes --------------------------------------------------------------------------------


def gather_minutes(meeting_id: int, *, user, progress: Progress | None = None, now=None) -> Minutes:
    """The minutes of a meeting, prepared for ``user``: a fixed number of queries. The actions
    are those of each child's plan as the meeting agreed it (kept when the minutes were agreed),
    or, before then, the plan's open actions as they stand."""
    meeting, items, common = _common(meeting_id, user, now)
    prefetch_related_objects(items, "agencies_directed")
    children = [item.child_id for item in items if item.child_id and not item.deferred]
    agreed = meeting.status == Meeting.Status.CLOSED
    actions = _agreed_actions(meeting, children) if agreed else _open_actions(meeting, children)
    _done(progress, len(children), len(children))
    return Minutes(**common, agreed=agreed, actions=actions)


def _agreed_actions(meeting: Meeting, children: list) -> dict:
    versions = PlanVersion.objects.filter(meeting=meeting, plan__child_id__in=children)
    found = {}
    for version in versions.select_related("plan"):
        found[version.plan.child_id] = [
            ActionLine(
                section=_label(Action.Section, row.get("section")),
                description=row.get("description", ""),
                outcome=row.get("desired_outcome", ""),
                owner=row.get("owner", ""),
                agency=row.get("agency", ""),
                due_on=dt.date.fromisoformat(row["due_on"]) if row.get("due_on") else None,
                status=_label(Action.Status, row.get("status")),
            )
            for row in sorted(version.actions, key=_snapshot_order)
        ]
    return found


def _open_actions(meeting: Meeting, children: list) -> dict:
    day = meeting_day(meeting)
    latest = (
        Plan.objects.filter(child_id__in=children)
        .values("child_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    actions = _in_plan_order(
        Action.objects.filter(
            plan_id__in=latest,
            status__in=(Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS),
        )
        .select_related("owner", "agency", "plan")
        .order_by("due_on", "pk")
    )
    found = defaultdict(list)
    for action in actions:
        found[action.plan.child_id].append(_line(action, day))
    return dict(found)


def _snapshot_order(row: dict) -> tuple:
    section = row.get("section")
    return (SECTIONS.index(section) if section in SECTIONS else len(SECTIONS), row.get("due_on"))


def _label(choices, value) -> str:
    return choices(value).label if value in choices.values else (value or "")
