"""MACSE's events in a child's chronology (shield/chronology.py): each hearing of the child and
what it decided (or why it was deferred), each agreed version of their MACSE plan, and each plan
action set and done. Three sources, one query each, through the access mechanism: a hearing is
seen by whoever may see its meeting (and an item from police-only intelligence only by police-only
users, D12), a plan version and an action by whoever may see the plan (an action also by its
owner)."""

from collections.abc import Iterable

from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import formats

from cse_framework import access
from macse.models import Action, ActionProgress, AgendaItem, PlanVersion
from macse.policy import sees_police_only
from shield.chronology import Context, Event, Source, _names, _short, register

HEARINGS = ("macse_hearing", "MACSE hearings and decisions")
PLANS = ("macse_plan", "MACSE plans and actions")


def _child_rows(context: Context, queryset, child: str, *moments: str):
    """The child's rows (reached through ``child``) that the user may see, in the window: one
    query, in no order (the chronology orders the events)."""
    scoped = access.scope(context.user, queryset.order_by())
    return scoped.filter(context.window.q(*moments), **{child: context.child})


def _sentence(text: str) -> str:
    """Shortened, and ending with a full stop, to be followed by more."""
    short = _short(text)
    return short if short.endswith((".", "…", "?", "!")) else f"{short}."


def _day(value) -> str:
    return formats.date_format(value, "j M Y")


# --- Hearings ---------------------------------------------------------------------------------


def _hearing_summary(item: AgendaItem) -> str:
    section = AgendaItem.Section(item.section).label
    if item.deferred_at:
        return (
            f"{item.reference} ({section.lower()}): deferred to a later meeting. "
            f"Why: {_sentence(item.deferred_reason)} The review clock keeps running."
        )
    parts = [f"{item.reference} ({section.lower()}): {item.get_decision_display()}."]
    if item.decision_rationale.strip():
        parts.append(f"Rationale: {_sentence(item.decision_rationale)}")
    if item.flag_decision:
        parts.append(f"{item.get_flag_decision_display()}.")
    return " ".join(parts)


def hearing_events(context: Context) -> Iterable[Event]:
    """Each time the child was heard at a MACSE meeting, at the meeting's start: the decision,
    or the deferral and its reason. A child on the agenda of a meeting not yet held is not an
    event."""
    rows = _child_rows(
        context,
        AgendaItem.objects.filter(~Q(decision="") | Q(deferred_at__isnull=False))
        .annotate(heard_at=F("meeting__starts_at"))
        .only(
            "meeting_id",
            "position",
            "section",
            "decision",
            "decision_rationale",
            "flag_decision",
            "deferred_at",
            "deferred_reason",
        ),
        "child",
        "meeting__starts_at",
    )
    if not sees_police_only(context.user):
        rows = rows.filter(police_only=False)
    for item in rows:
        yield Event(
            item.heard_at,
            HEARINGS[0],
            "Deferred at MACSE" if item.deferred_at else "Heard at MACSE",
            _hearing_summary(item),
            item.get_absolute_url(),
        )


# --- Plans and actions ------------------------------------------------------------------------


def plan_version_events(context: Context) -> Iterable[Event]:
    """Each version of the child's plan that a meeting agreed (kept unchanged)."""
    rows = _child_rows(
        context,
        PlanVersion.objects.only("number", "meeting_id", "agreed_at", "actions"),
        "plan__child",
        "agreed_at",
    )
    for version in rows:
        count = len(version.actions)
        actions = {0: "no actions", 1: "1 action"}.get(count, f"{count} actions")
        at = f" at MACSE-{version.meeting_id:05d}" if version.meeting_id else ""
        yield Event(
            version.agreed_at,
            PLANS[0],
            f"MACSE plan agreed (version {version.number})",
            f"Version {version.number} of the MACSE plan agreed{at}, with {actions}.",
            reverse("macse:plan-version", kwargs={"pk": version.pk}),
        )


def _done(column: str) -> Subquery:
    """The first progress note that marked the action done: ``column`` of it."""
    return Subquery(
        ActionProgress.objects.filter(action_id=OuterRef("pk"), status=Action.Status.DONE)
        .order_by("recorded_at", "pk")
        .values(column)[:1]
    )


def action_events(context: Context) -> Iterable[Event]:
    """Each action of the child's plan when it was set, and when its owner recorded it done
    (the progress note comes with the action, whose page shows it)."""
    rows = _child_rows(
        context,
        Action.objects.select_related("owner", "agency")
        .annotate(done_at=_done("recorded_at"), done_note=_done("note"))
        .only(
            "section",
            "description",
            "owner_name",
            "due_on",
            "created_at",
            "agency__name",
            *_names("owner"),
        ),
        "plan__child",
        "created_at",
        "done_at",
    )
    for action in rows:
        link = action.get_absolute_url()
        what = f"{action.get_section_display()}: {_sentence(action.description)}"
        yield Event(
            action.created_at,
            PLANS[0],
            "MACSE action set",
            f"{what} Owner: {action.owner_label} ({action.agency}), due {_day(action.due_on)}.",
            link,
        )
        if action.done_at:
            yield Event(
                action.done_at,
                PLANS[0],
                "MACSE action done",
                f"{what} Progress: {_sentence(action.done_note)}",
                link,
            )


def register_sources() -> None:
    """Adds MACSE's sources to the chronology's registry (called from MacseConfig.ready)."""
    register(Source(*HEARINGS, hearing_events, "macse.hearing_events"))
    register(Source(*PLANS, plan_version_events, "macse.plan_version_events"))
    register(Source(*PLANS, action_events, "macse.action_events"))
