"""Reads for the Shield casework pages: the team queue, caseloads (per worker and per team) and a
case with what its page shows. Each starts from the access mechanism and runs a fixed number of
queries whatever the number of cases: what a row shows of other tables (the initial-CSE2 clock,
the latest CSE2, the next review, the flags) comes as correlated subqueries of the one query."""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone

from cse_framework import access
from cse_framework.accounts.models import Team, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.templatetags.govuk import short_date
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
from cse_framework.timescales.working_time import LONDON
from referrals.rules import age_on
from shield.assessment_selectors import child_versions
from shield.models import Assessment, BandOverride, CaseNote, Flag, ShieldCase

# Who holds Shield cases (and is offered when a case is allocated).
HOLDER_ROLES = (RoleCode.SHIELD_WORKER, RoleCode.SHIELD_TEAM_MANAGER)
REVIEW_CLOCKS = (Kind.INITIAL_CSE2, Kind.CSE2_REVIEW)


def _open_cases(*, user):
    return access.scope(user, ShieldCase.objects.filter(status=ShieldCase.Status.OPEN))


def _initial_cse2_due():
    return Subquery(
        Deadline.objects.filter(OPEN, child_id=OuterRef("child_id"), kind=Kind.INITIAL_CSE2)
        .order_by("due_at", "id")
        .values("due_at")[:1]
    )


def team_queue(*, user):
    """D16: open cases no worker holds yet, oldest first, each with the child (and their
    allocated social worker) and the due time of the child's open initial-CSE2 clock."""
    return (
        _open_cases(user=user)
        .filter(worker__isnull=True)
        .select_related("child", "child__allocated_social_worker")
        .only(
            "opened_at",
            "reference",
            "child__given_names",
            "child__family_name",
            "child__allocated_social_worker__full_name",
        )
        .annotate(initial_cse2_due=_initial_cse2_due())
        .order_by("opened_at", "id")
    )


@dataclass(frozen=True)
class QueueRow:
    """A case waiting in the team's queue as its row shows it, worked out once in Python."""

    url: str
    allocate_url: str
    child: str
    opened_at: dt.datetime
    reference: str
    initial_cse2_due: dt.datetime | None
    overdue: bool
    social_worker: str


def queue_rows(cases: list[ShieldCase]) -> list[QueueRow]:
    """The rows of the queue's table, from the cases ``team_queue`` read (no query)."""
    now = timezone.now()
    rows = []
    for case in cases:
        social_worker = case.child.allocated_social_worker
        due = case.initial_cse2_due
        rows.append(
            QueueRow(
                url=case.get_absolute_url(),
                allocate_url=reverse("shield:case-allocate", kwargs={"pk": case.pk}),
                child=str(case.child),
                opened_at=case.opened_at,
                reference=case.reference,
                initial_cse2_due=due,
                overdue=due is not None and due < now,
                social_worker=social_worker.full_name if social_worker else "",
            )
        )
    return rows


def _open_cases_held():
    return ShieldCase.objects.filter(status=ShieldCase.Status.OPEN, worker=OuterRef("pk"))


def holders():
    """Who may hold a Shield case: active Shield workers and managers, and anyone who still
    holds an open case (someone who has left keeps theirs until it is reallocated), each with
    the number of open cases they hold. One query; each person's open cases are counted on
    their own (an index lookup), so a page of them costs the same however many are open."""
    role_holders = User.objects.filter(roles__code__in=HOLDER_ROLES).values("pk")
    held = _open_cases_held()
    counted = held.order_by().values("worker").annotate(n=Count("pk")).values("n")
    return (
        User.objects.filter(Q(is_active=True, pk__in=role_holders) | Q(Exists(held)))
        .select_related("team")
        .annotate(open_cases=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
        .order_by("full_name", "pk")
    )


def allocatable_workers():
    """Whom a manager may allocate a case to: active Shield workers and managers, with their
    current caseload."""
    role_holders = User.objects.filter(roles__code__in=HOLDER_ROLES).values("pk")
    return holders().filter(is_active=True, pk__in=role_holders)


@dataclass(frozen=True)
class TeamTotals:
    name: str  # "" for the cases of no team
    held: int
    total: int

    @property
    def waiting(self) -> int:
        return self.total - self.held


def team_totals() -> list[TeamTotals]:
    """Open cases per Shield team, by the team's name: held by a worker, waiting in the queue,
    and in all (the cases of no team last). Counted from the open cases' (team, worker) index
    alone, without reading the cases, then the teams' names: two queries."""
    counts = list(
        ShieldCase.objects.filter(status=ShieldCase.Status.OPEN)
        .order_by()
        .values("team_id")
        .annotate(total=Count("*"), held=Count("worker"))
    )
    names = {
        team.pk: team.name
        for team in Team.objects.filter(pk__in=[row["team_id"] for row in counts])
        .order_by()
        .only("name")
    }
    counts.sort(
        key=lambda row: (row["team_id"] is None, names.get(row["team_id"], ""), row["team_id"])
    )
    return [
        TeamTotals(name=names.get(row["team_id"], ""), held=row["held"], total=row["total"])
        for row in counts
    ]


def _latest_completed():
    return Assessment.objects.filter(
        child_id=OuterRef("child_id"), status=Assessment.Status.COMPLETED
    ).order_by("-completed_at", "-id")


def _latest_cse2():
    """The child's latest completed CSE2 as one value, {"band", "total", "assessed_on",
    "override_band"} (a manager's latest override of its band, or null), or None before the
    first: one subquery (read from the index of completed CSE2s) instead of one per column."""
    override = (
        BandOverride.objects.filter(assessment_id=OuterRef("pk"))
        .order_by("-made_at", "-id")
        .values("band")[:1]
    )
    columns = JSONObject(
        band="band", total="total", assessed_on="assessed_on", override_band="override_band"
    )
    return Subquery(
        _latest_completed().annotate(override_band=Subquery(override)).values(cse2=columns)[:1]
    )


# What a caseload's rows show of the case, the child and their social worker, read as values
# (a page of 25 cases is 25 dicts, not 75 model instances).
CASELOAD_VALUES = (
    "pk",
    "child_id",
    "opened_at",
    "child__given_names",
    "child__family_name",
    "child__date_of_birth",
    "child__allocated_social_worker__full_name",
    "latest_cse2",
    "next_cse2_due",
    "flags_count",
)


def caseload(*, user, worker):
    """The open cases ``worker`` holds, as ``user`` may see them, oldest first, as values
    (CASELOAD_VALUES). Each row carries the child's latest completed CSE2 (``latest_cse2``: band,
    total, date, and a manager's override of the band), the due time of the next CSE2 clock
    (initial or review) and the number of current flags: all in one query however many cases
    there are."""
    return access.scope(user, _caseload_base().filter(worker=worker))


@functools.cache
def _caseload_base():
    """Built once, as its subqueries cost about as much to build as the query to run (it is only
    SQL: each copy reads the cases afresh)."""
    next_cse2 = (
        Deadline.objects.filter(OPEN, child_id=OuterRef("child_id"), kind__in=REVIEW_CLOCKS)
        .order_by("due_at", "id")
        .values("due_at")[:1]
    )
    flags = (
        Flag.objects.filter(child_id=OuterRef("child_id"), removed_on__isnull=True)
        .order_by()
        .values("child_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        ShieldCase.objects.filter(status=ShieldCase.Status.OPEN)
        .annotate(
            latest_cse2=_latest_cse2(),
            next_cse2_due=Subquery(next_cse2),
            flags_count=Coalesce(Subquery(flags, output_field=IntegerField()), Value(0)),
        )
        .order_by("opened_at", "id")
        .values(*CASELOAD_VALUES)
    )


@dataclass(frozen=True)
class CaseloadRow:
    """A case of a caseload as its row shows it: worked out once, in Python, so that the
    template only prints (a caseload of 60 children renders 60 of these)."""

    url: str
    child: str
    since: str  # the day the case opened, in London: "10 Sep 2026"
    age: int
    band: str  # the band shown: a manager's override, else the computed one; "" if no CSE2 yet
    computed_band: str  # the computed band, when a manager's override is shown instead; or ""
    total: int | None
    assessed_on: str
    next_cse2_due: dt.datetime | None
    overdue: bool
    flags: int
    social_worker: str

    @property
    def band_label(self) -> str:
        return self.band.capitalize()


def caseload_rows(cases: list[dict]) -> list[CaseloadRow]:
    """The rows of a caseload's table, from the values ``caseload`` read (no query)."""
    now, today = timezone.now(), timezone.localdate()
    rows = []
    for case in cases:
        latest = case["latest_cse2"] or {}
        override = latest.get("override_band") or ""
        assessed_on = latest.get("assessed_on")
        due = case["next_cse2_due"]
        rows.append(
            CaseloadRow(
                url=reverse("shield:case-detail", kwargs={"pk": case["pk"]}),
                child=f"{case['child__given_names']} {case['child__family_name']}",
                since=short_date(case["opened_at"].astimezone(LONDON).date()),
                age=age_on(case["child__date_of_birth"], today),
                band=override or latest.get("band", ""),
                computed_band=latest["band"] if override else "",
                total=latest.get("total"),
                assessed_on=short_date(dt.date.fromisoformat(assessed_on) if assessed_on else None),
                next_cse2_due=due,
                overdue=due is not None and due < now,
                flags=case["flags_count"],
                social_worker=case["child__allocated_social_worker__full_name"] or "",
            )
        )
    return rows


def visible_cases(*, user):
    """Open cases this user may see (an allocated social worker: their children's), oldest
    first."""
    return (
        _open_cases(user=user)
        .select_related("child", "child__allocated_social_worker", "worker")
        .order_by("opened_at", "id")
    )


def case_for_page(*, request, pk):
    """The case, within the user's scope (404 otherwise), with what its page shows of others."""
    return access.get_object_or_404(
        request,
        ShieldCase.objects.select_related("child", "child__allocated_social_worker", "worker"),
        pk=pk,
    )


def case_of_child(*, request, child_pk):
    """The child's Shield case the user may see (the newest: the open one if any), for the
    pages about a child's Shield records; 404 if none."""
    return access.get_object_or_404(
        request,
        ShieldCase.objects.select_related(
            "child", "child__allocated_social_worker", "worker"
        ).order_by("-opened_at", "-id"),
        child_id=child_pk,
    )


def case_page(*, case: ShieldCase, user) -> dict:
    """What the case page lists besides the case: current flags, CSE2 versions, the allocation
    history and the case notes (the user's own drafts and every completed note)."""
    child_id = case.child_id
    return {
        "flags": list(
            Flag.objects.filter(child_id=child_id, removed_on__isnull=True).select_related("agency")
        ),
        # As the CSE2's own list partial (shield/_assessment_list.html) expects them.
        "assessments": child_versions(user=user, child_id=child_id),
        "allocations": list(
            case.allocations.select_related("worker", "allocated_by").order_by(
                "-allocated_at", "-id"
            )
        ),
        "notes": list(
            CaseNote.objects.filter(child_id=child_id)
            .filter(Q(status=CaseNote.Status.COMPLETED) | Q(author=user))
            .select_related("author", "corrects")
            .prefetch_related(
                Prefetch(
                    "corrections",
                    queryset=CaseNote.objects.filter(status=CaseNote.Status.COMPLETED),
                    to_attr="completed_corrections",
                )
            )
            .order_by("-occurred_at", "-id")
        ),
    }
