"""A child's chronology: every event the product records about them, newest first.

Each source is one function that reads its records with ONE query (through the access mechanism,
so a user sees only the events whose own page they may open) and turns its rows into events; the
records shown on another's page come with it (a case's allocations, a CSE2's overrides), and each
source reads only the columns its events show, as every query costs more to build than to run. The
sources are a registry: an app that records something new about a child (MACSE hearings, MACSE
plans, intelligence) adds its source with ``register(Source(...))`` from its AppConfig.ready(),
and the chronology, its filter and its print include it with no change here. The number of
queries is the number of sources asked for, whatever the number of events.

An event says no more than its source's own page shows: when, a short label, a one-line summary
and a link to that page.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import Truncator

from cse_framework import access
from cse_framework.timescales.working_time import LONDON
from referrals.models import Child, Referral
from shield.models import (
    Assessment,
    CaseNote,
    Flag,
    Incident,
    MissingEpisode,
    ShieldCase,
)
from shield.models.scheme import BandCode
from strategy.models import StrategyDiscussion, StrategyMeeting

SUMMARY_CHARS = 200
NAME_COLUMNS = ("full_name", "email")  # what a user's name is made of (User.__str__)


@dataclass(frozen=True)
class Event:
    when: dt.datetime  # aware; a day-only event (a flag's date) is 00:00 London that day
    kind: str  # the filter it belongs to (Source.kind)
    label: str  # a short label: "Referral received", "CSE2 completed"...
    summary: str
    link: str
    day_only: bool = False

    @property
    def day(self) -> dt.date:
        return self.when.astimezone(LONDON).date()


@dataclass(frozen=True)
class Window:
    """The dates asked for, inclusive, in Europe/London."""

    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def start(self) -> dt.datetime | None:
        return _midnight(self.since) if self.since else None

    @property
    def end(self) -> dt.datetime | None:
        return _midnight(self.until + dt.timedelta(days=1)) if self.until else None

    def q(self, *moments: str, days: Iterable[str] = ()) -> Q:
        """Rows with any of these datetime (``moments``) or date (``days``) fields in the
        window: the database's share of the filter (each event is checked again)."""
        if not (self.since or self.until):
            return Q()
        condition = Q(pk__in=[])
        for name in moments:
            bounds = {}
            if self.start:
                bounds[f"{name}__gte"] = self.start
            if self.end:
                bounds[f"{name}__lt"] = self.end
            condition |= Q(**bounds)
        for name in days:
            bounds = {}
            if self.since:
                bounds[f"{name}__gte"] = self.since
            if self.until:
                bounds[f"{name}__lte"] = self.until
            condition |= Q(**bounds)
        return condition

    def holds(self, event: Event) -> bool:
        day = event.day
        return (not self.since or day >= self.since) and (not self.until or day <= self.until)


@dataclass(frozen=True)
class Context:
    """What every source is given: who is asking, about which child, and the dates asked for."""

    user: object
    child: Child
    window: Window
    case_url: str  # the child's Shield case page, for events that have no page of their own


@dataclass(frozen=True)
class Source:
    kind: str  # the filter's value; several sources may share one
    label: str  # the filter's label
    events: Callable[[Context], Iterable[Event]] = field(compare=False)
    name: str = ""


SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a source (once: registering the same name again replaces it)."""
    name = source.name or source.events.__qualname__
    source = Source(source.kind, source.label, source.events, name)
    SOURCES[:] = [s for s in SOURCES if s.name != name]
    SOURCES.append(source)
    return source


def source(kind: str, label: str):
    def decorate(function: Callable[[Context], Iterable[Event]]):
        register(Source(kind, label, function, function.__qualname__))
        return function

    return decorate


def kinds() -> list[tuple[str, str]]:
    """The filter's choices: each kind once, in the order the sources were registered."""
    seen: dict[str, str] = {}
    for entry in SOURCES:
        seen.setdefault(entry.kind, entry.label)
    return list(seen.items())


def build(
    *,
    user,
    child: Child,
    case_url: str,
    only: Iterable[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Event]:
    """The child's events, newest first: from every source, or only the kinds in ``only``, and
    only those on or between ``since`` and ``until``. One query per source asked for."""
    wanted = set(only)
    window = Window(since, until)
    context = Context(user=user, child=child, window=window, case_url=case_url)
    events = [
        event
        for entry in SOURCES
        if not wanted or entry.kind in wanted
        for event in entry.events(context)
        if window.holds(event)
    ]
    return sorted(events, key=lambda event: event.when, reverse=True)


def child_case(*, request, child_pk) -> ShieldCase:
    """The child's Shield case the user may see (the newest: the open one if any), for the
    chronology page, which shows the child's name and links to the case; 404 if none."""
    return access.get_object_or_404(
        request,
        ShieldCase.objects.select_related("child")
        .only("child__given_names", "child__family_name")
        .order_by("-opened_at", "-id"),
        child_id=child_pk,
    )


# --- Helpers ----------------------------------------------------------------------------------


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(SUMMARY_CHARS)


def _events_page(context: Context, section: str) -> str:
    """Missing episodes and flags have no page each: the child's events page lists them."""
    return reverse("shield:events", kwargs={"child_pk": context.child.pk}) + f"#{section}"


def _rows(context: Context, queryset, *moments: str, days: Iterable[str] = ()):
    """The child's rows of a source that the user may see, in the window: one query, in no
    order (``build`` orders the events)."""
    scoped = access.scope(context.user, queryset.order_by())
    return scoped.filter(context.window.q(*moments, days=days), child=context.child)


def _names(*people: str) -> tuple[str, ...]:
    """The columns of the people an event names (a user's name is their full name, or else
    their e-mail address), for ``only()``: a source reads the columns its events show."""
    return tuple(f"{person}__{column}" for person in people for column in NAME_COLUMNS)


def _people(path: str, *people: str) -> dict[str, F]:
    """The same columns of people reached through a join (``path``), as annotations read by
    ``_name``."""
    return {
        f"{person}_{column}": F(f"{path}__{person}__{column}")
        for person in people
        for column in NAME_COLUMNS
    }


def _name(row, person: str) -> str:
    """As User.__str__: the full name, or else the e-mail address."""
    return getattr(row, f"{person}_full_name") or getattr(row, f"{person}_email")


def _hours(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


# --- The sources, in the order the filter lists them --------------------------------------------
# Each reads ONE query. MACSE hearings and plans (the macse app) are not yet recorded anywhere:
# when they are, the macse app registers its sources here (see the module docstring).

REFERRALS = ("referral", "Referrals and MASH decisions")
STRATEGY = ("strategy", "Strategy discussions and meetings")
SHIELD = ("shield", "Shield case and allocations")
CSE2 = ("cse2", "CSE2 assessments")
NOTES = ("case_note", "Case notes")
INCIDENTS = ("incident", "Incidents")
MISSING = ("missing", "Missing episodes")
FLAGS = ("flag", "Flags")


# What the referral and strategy events show of their records (each source reads those columns).
REFERRAL_SHOWN = (
    "reference",
    "status",
    "received_at",
    "received_by",
    "emergency",
    "level_of_concern",
    "triaged_at",
    "decision",
)
HELD_SHOWN = ("held_at", "police_took_part", "health_took_part", "outcomes", "referral__reference")


@source(*REFERRALS)
def referral_events(context: Context) -> Iterable[Event]:
    rows = _rows(
        context,
        Referral.objects.select_related("referrer_agency").only(
            *REFERRAL_SHOWN, "referrer_agency__name"
        ),
        "received_at",
        "triaged_at",
    ).exclude(received_at=None)
    for referral in rows:
        link = referral.get_absolute_url()
        concern = referral.get_level_of_concern_display() or "not given"
        emergency = ", an emergency" if referral.emergency else ""
        yield Event(
            referral.received_at,
            REFERRALS[0],
            "Referral received",
            f"CSE1 {referral.reference} from {referral.referrer_agency}, received by "
            f"{referral.get_received_by_display()}{emergency}. Referrer's level of concern: "
            f"{concern.lower()}.",
            link,
        )
        if referral.status == Referral.Status.TRIAGED and referral.triaged_at:
            yield Event(
                referral.triaged_at,
                REFERRALS[0],
                "MASH decision",
                f"CSE1 {referral.reference}: {referral.get_decision_display()}.",
                link,
            )


def _outcomes(record) -> str:
    return "; ".join(record.outcome_labels) or "none recorded"


@source(*STRATEGY)
def discussion_events(context: Context) -> Iterable[Event]:
    rows = _rows(
        context,
        StrategyDiscussion.objects.select_related("referral").only(*HELD_SHOWN),
        "held_at",
    )
    for discussion in rows:
        compliance = "" if discussion.compliant else " Police or health did not take part."
        yield Event(
            discussion.held_at,
            STRATEGY[0],
            "Strategy discussion",
            f"About CSE1 {discussion.reference}. Outcomes: {_outcomes(discussion)}.{compliance}",
            discussion.get_absolute_url(),
        )


@source(*STRATEGY)
def meeting_events(context: Context) -> Iterable[Event]:
    rows = _rows(
        context,
        StrategyMeeting.objects.select_related("referral").only(
            *HELD_SHOWN, "created_at", "scheduled_for"
        ),
        "created_at",
        "held_at",
    )
    for meeting in rows:
        link = meeting.get_absolute_url()
        local = meeting.scheduled_for.astimezone(LONDON)
        yield Event(
            meeting.created_at,
            STRATEGY[0],
            "Strategy meeting arranged",
            f"About CSE1 {meeting.reference}, for {local.day} {local:%b %Y %H:%M}.",
            link,
        )
        if meeting.held_at:
            compliance = "" if meeting.compliant else " Police or health did not take part."
            yield Event(
                meeting.held_at,
                STRATEGY[0],
                "Strategy meeting held",
                f"About CSE1 {meeting.reference}. Decisions: {_outcomes(meeting)}.{compliance}",
                link,
            )


@source(*SHIELD)
def case_events(context: Context) -> Iterable[Event]:
    """Each Shield case and each allocation of it, in one query: the allocations joined to their
    case, whose page lists them (shield.policy's rule reads ``child``, the same for both)."""
    rows = _rows(
        context,
        ShieldCase.objects.annotate(
            allocated_at=F("allocations__allocated_at"),
            allocation_reason=F("allocations__reason"),
            **_people("allocations", "worker", "allocated_by"),
        ).only("opened_at", "closed_at", "reference"),
        "opened_at",
        "closed_at",
        "allocated_at",
    )
    opened = set()  # a case with several allocations comes once for each
    allocations = []  # after the cases' own events, as when they were read apart
    for case in rows:
        link = case.get_absolute_url()
        if case.pk not in opened:
            opened.add(case.pk)
            yield Event(
                case.opened_at,
                SHIELD[0],
                "Referred to Shield",
                f"Joined the Shield team's queue (referred by {case.reference}).",
                link,
            )
            if case.closed_at:
                yield Event(case.closed_at, SHIELD[0], "Shield case closed", "Case closed.", link)
        if case.allocated_at:
            reason = case.allocation_reason
            reason = f" Reason: {_short(reason)}" if reason.strip() else ""
            allocations.append(
                Event(
                    case.allocated_at,
                    SHIELD[0],
                    "Shield worker allocated",
                    f"{_name(case, 'worker')} allocated by {_name(case, 'allocated_by')}.{reason}",
                    link,
                )
            )
    yield from allocations


@source(*CSE2)
def assessment_events(context: Context) -> Iterable[Event]:
    """Each completed CSE2 and each override of its band, in one query: the overrides joined to
    their CSE2, so an override is seen by whoever may see its CSE2 (shield.policy's rule reads
    ``child``, which an override reaches only through its assessment)."""
    rows = _rows(
        context,
        Assessment.objects.filter(status=Assessment.Status.COMPLETED)
        .annotate(override_band=F("overrides__band"), override_made_at=F("overrides__made_at"))
        .only("kind", "sequence", "total", "band", "direction", "completed_at"),
        "completed_at",
        "override_made_at",
    )
    completed = set()  # a CSE2 with several overrides comes once for each
    overrides = []  # after the completions, as when they were read apart
    for assessment in rows:
        link = assessment.get_absolute_url()
        if assessment.pk not in completed:
            completed.add(assessment.pk)
            direction = (
                f", {assessment.get_direction_display().lower()}" if assessment.direction else ""
            )
            yield Event(
                assessment.completed_at,
                CSE2[0],
                "CSE2 completed",
                f"{assessment}: total {assessment.total}, band {assessment.get_band_display()}"
                f"{direction}.",
                link,
            )
        if assessment.override_made_at:
            overrides.append(
                Event(
                    assessment.override_made_at,
                    CSE2[0],
                    "CSE2 band overridden",
                    f"{assessment}: band {BandCode(assessment.override_band).label} set by a "
                    f"team manager (computed band {assessment.get_band_display()}).",
                    link,
                )
            )
    yield from overrides


@source(*NOTES)
def note_events(context: Context) -> Iterable[Event]:
    rows = _rows(
        context,
        CaseNote.objects.filter(status=CaseNote.Status.COMPLETED)
        .select_related("author")
        .only("occurred_at", "corrects_id", "text", *_names("author")),
        "occurred_at",
    )
    for note in rows:
        yield Event(
            note.occurred_at,
            NOTES[0],
            "Case note (a correction)" if note.corrects_id else "Case note",
            f"{note.author}: {_short(note.text)}",
            f"{context.case_url}#note-{note.pk}",
        )


@source(*INCIDENTS)
def incident_events(context: Context) -> Iterable[Event]:
    rows = _rows(
        context, Incident.objects.only("occurred_at", "description", "referral_id"), "occurred_at"
    )
    for incident in rows:
        # Whether the new CSE1 is linked, not which: its page says that to those who may see it.
        cse1 = " Its new CSE1 is linked." if incident.referral_id else ""
        yield Event(
            incident.occurred_at,
            INCIDENTS[0],
            "Incident",
            f"{_short(incident.description)}{cse1}",
            reverse("shield:incident-detail", kwargs={"pk": incident.pk}),
        )


@source(*MISSING)
def missing_events(context: Context) -> Iterable[Event]:
    rows = _rows(
        context,
        MissingEpisode.objects.only(
            "went_missing_at",
            "returned_at",
            "reported_to_police",
            "interview_done",
            "interview_on",
            "interview_by",
        ),
        "went_missing_at",
        "returned_at",
        days=("interview_on",),
    )
    for episode in rows:
        link = _events_page(context, "missing")
        police = "Reported to police." if episode.reported_to_police else "Not reported to police."
        yield Event(episode.went_missing_at, MISSING[0], "Went missing", police, link)
        if episode.returned_at:
            away = _hours(episode.returned_at - episode.went_missing_at)
            yield Event(
                episode.returned_at, MISSING[0], "Returned", f"Returned after {away}.", link
            )
        if episode.interview_done and episode.interview_on:
            by = f" by {episode.interview_by}" if episode.interview_by else ""
            yield Event(
                _midnight(episode.interview_on),
                MISSING[0],
                "Return home interview",
                f"Return home interview done{by}.",
                link,
                day_only=True,
            )


@source(*FLAGS)
def flag_events(context: Context) -> Iterable[Event]:
    rows = _rows(
        context,
        Flag.objects.select_related("agency").only(
            "kind", "risk_level", "decided_on", "removed_on", "agency__name"
        ),
        days=("decided_on", "removed_on"),
    )
    for flag in rows:
        link = _events_page(context, "flags")
        what = f"{flag.get_kind_display()} ({flag.agency})"
        yield Event(
            _midnight(flag.decided_on),
            FLAGS[0],
            "Flag raised",
            f"{what}: {flag.get_risk_level_display().lower()} risk.",
            link,
            day_only=True,
        )
        if flag.removed_on:
            yield Event(
                _midnight(flag.removed_on),
                FLAGS[0],
                "Flag removed",
                f"{what}.",
                link,
                day_only=True,
            )
