"""Reads of MACSE plans and their actions that the pages and the API share: the plan page (its
header, its actions under the headings of D10 with their latest progress, its kept versions), a
kept version's snapshot, an action with its progress, and a user's own open actions. Each starts
from the access policy's queryset and runs a fixed number of queries whatever the number of
actions."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from cse_framework import access
from macse.models import Action, ActionProgress, AgendaItem, Plan, PlanVersion
from shield.models import Assessment

Section = Action.Section
HEADINGS = (Section.SUPPORT, Section.PREVENT, Section.PROTECT, Section.PURSUE)
OPEN = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)


def prepare_heading() -> bool:
    """D10: "Prepare" exists, but is offered only where the setting turns it on."""
    return getattr(settings, "MACSE_PREPARE_HEADING", False)


def headings() -> list[str]:
    """The plan's headings, in the framework's order."""
    return [*HEADINGS, Section.PREPARE] if prepare_heading() else list(HEADINGS)


def child_of_action(action: Action):
    """The child an action (through its plan) is about: what its audit event names."""
    return action.plan.child_id


def child_of_version(version: PlanVersion):
    return version.plan.child_id


# --- Actions ----------------------------------------------------------------------------------


def _latest(column: str):
    return Subquery(
        ActionProgress.objects.filter(action_id=OuterRef("pk"))
        .order_by("-recorded_at", "-id")
        .values(column)[:1]
    )


def with_latest_progress(actions: QuerySet) -> QuerySet:
    """Each action with its latest progress note, when and by whom (in the same query)."""
    return actions.annotate(
        latest_note=_latest("note"),
        latest_at=_latest("recorded_at"),
        latest_by=_latest("recorded_by__full_name"),
    )


def actions(*, user) -> QuerySet:
    """The actions ``user`` may see (their own, and those of the plans they may see), with what
    a list shows of each."""
    return with_latest_progress(
        access.scope(user, Action.objects.select_related("plan__child", "owner", "agency"))
    )


def my_open_actions(*, user) -> QuerySet:
    """The signed-in user's own open actions, the soonest due first."""
    return actions(user=user).filter(owner=user, status__in=OPEN).order_by("due_on", "pk")


def action_for_page(*, request, pk: int) -> Action:
    """One action within the user's scope (another agency's is a 404, like a missing one)."""
    return access.get_object_or_404(
        request,
        Action.objects.select_related("plan__child", "owner", "agency", "set_at", "created_by"),
        pk=pk,
    )


def progress_of(action: Action) -> list[ActionProgress]:
    """An action's progress notes, the oldest first: they are added, never changed."""
    return list(
        action.progress.select_related("recorded_by", "meeting").order_by("recorded_at", "id")
    )


# --- Plans ------------------------------------------------------------------------------------


@dataclass
class Heading:
    section: str
    label: str
    for_child: list = field(default_factory=list)
    disruption: list = field(default_factory=list)  # against perpetrators and locations


def group(rows) -> list[Heading]:
    """Rows (actions, or a kept version's actions) under the plan's headings; an action for the
    child before those against perpetrators and locations. A heading no longer offered (Prepare,
    turned off) still shows the actions it holds."""
    sections = headings()
    labels = dict(Section.choices)
    by_section = {section: Heading(section, labels[section]) for section in sections}
    for row in rows:
        section = row.section
        if section not in by_section:
            by_section[section] = Heading(section, labels.get(section, section))
        target = by_section[section]
        if row.about == Action.About.CHILD:
            target.for_child.append(row)
        else:
            target.disruption.append(row)
    extra = [section for section in by_section if section not in sections]
    return [by_section[section] for section in [*sections, *extra]]


def plan_for_page(*, request, pk: int) -> Plan:
    return access.get_object_or_404(
        request, Plan.objects.select_related("child", "lead_professional", "entry"), pk=pk
    )


@dataclass(frozen=True)
class Cse2:
    band: str
    total: int | None
    assessed_on: dt.date

    @property
    def band_label(self) -> str:
        return self.band.capitalize() if self.band else ""


def current_cse2(child_id) -> Cse2 | None:
    """The child's latest completed CSE2: its band and score, as the plan's header shows them."""
    row = (
        Assessment.objects.filter(child_id=child_id, status=Assessment.Status.COMPLETED)
        .order_by("-completed_at", "-id")
        .values("band", "total", "assessed_on")
        .first()
    )
    return Cse2(**row) if row else None


def latest_hearing(child_id) -> AgendaItem | None:
    """The child's latest agenda item: whether the parents were told they would be discussed."""
    return (
        AgendaItem.objects.filter(child_id=child_id)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "-id")
        .first()
    )


def versions_of(plan: Plan) -> list[PlanVersion]:
    """The plan's kept versions, the newest first (without their snapshots)."""
    return list(
        plan.versions.select_related("meeting", "agreed_by").defer("actions").order_by("-number")
    )


def plan_page(*, plan: Plan, user) -> dict:
    """Everything the plan page shows besides the plan: four queries, whatever its size."""
    # The plan's actions, scoped as any read of them.
    rows = list(actions(user=user).filter(plan=plan).order_by("due_on", "pk"))
    return {
        "headings": group(rows),
        "action_count": len(rows),
        "open_count": sum(1 for row in rows if row.status in OPEN),
        "cse2": current_cse2(plan.child_id),
        "hearing": latest_hearing(plan.child_id),
        "versions": versions_of(plan),
    }


# --- Kept versions ----------------------------------------------------------------------------


def version_for_page(*, request, pk: int) -> PlanVersion:
    return access.get_object_or_404(
        request,
        PlanVersion.objects.select_related("plan__child", "meeting", "agreed_by"),
        pk=pk,
    )


@dataclass(frozen=True)
class KeptAction:
    """One action of a kept version, as the meeting agreed it."""

    id: int | None
    section: str
    about: str
    about_details: str
    desired_outcome: str
    description: str
    owner: str
    agency: str
    due_on: dt.date | None
    status: str

    # Named as the model's, so one template shows an action and a kept one alike.
    def get_about_display(self) -> str:
        return dict(Action.About.choices).get(self.about, self.about)

    def get_status_display(self) -> str:
        return dict(Action.Status.choices).get(self.status, self.status)


def kept_actions(version: PlanVersion) -> list[KeptAction]:
    """A version's snapshot (PlanVersion.actions) read back: it never changes."""
    result = []
    for row in version.actions:
        due = row.get("due_on")
        result.append(
            KeptAction(
                id=row.get("id"),
                section=row.get("section", ""),
                about=row.get("about", Action.About.CHILD),
                about_details=row.get("about_details", ""),
                desired_outcome=row.get("desired_outcome", ""),
                description=row.get("description", ""),
                owner=row.get("owner", ""),
                agency=row.get("agency", ""),
                due_on=dt.date.fromisoformat(due) if due else None,
                status=row.get("status", ""),
            )
        )
    return result


# --- The cohort -------------------------------------------------------------------------------


def cohort(*, user) -> QuerySet:
    """The children open to MACSE that ``user`` may see, the longest on MACSE first (the order
    of an index, so a page costs the same however large the cohort), each with their plan and
    the due time of their open review clock: one query a page, and its count."""
    from cse_framework.timescales.clocks import Kind
    from cse_framework.timescales.models import Deadline
    from cse_framework.timescales.selectors import OPEN as OPEN_CLOCK
    from macse.models import CohortEntry

    review = (
        Deadline.objects.filter(OPEN_CLOCK, kind=Kind.MACSE_REVIEW, child_id=OuterRef("child_id"))
        .order_by("due_at")
        .values("due_at")[:1]
    )
    return (
        access.scope(user, CohortEntry.objects.filter(status=CohortEntry.Status.OPEN))
        .select_related("child", "plan")
        .only(
            "adopted_on",
            "kept_open_past_18_reason",
            "child__given_names",
            "child__family_name",
            "child__date_of_birth",
            "plan__id",
        )
        .annotate(review_due_at=Subquery(review))
        .order_by("adopted_on", "id")
    )
