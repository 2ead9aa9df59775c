"""Reads for the Shield casework pages: the team queue, caseloads (per worker and per team) and a
case with what its page shows. Each starts from the access mechanism and runs a fixed number of
queries whatever the number of cases: what a row shows of other tables (the initial-CSE2 clock,
the latest CSE2, the next review, the flags) comes as correlated subqueries of the one query."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from cse_framework import access
from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN
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
        .annotate(initial_cse2_due=_initial_cse2_due())
        .order_by("opened_at", "id")
    )


def holders():
    """Who may hold a Shield case: active Shield workers and managers, and anyone who still
    holds an open case (someone who has left keeps theirs until it is reallocated), each with
    the number of open cases they hold. One query."""
    role_holders = User.objects.filter(roles__code__in=HOLDER_ROLES).values("pk")
    holding = ShieldCase.objects.filter(status=ShieldCase.Status.OPEN).values("worker_id")
    return (
        User.objects.filter(Q(is_active=True, pk__in=role_holders) | Q(pk__in=holding))
        .select_related("team")
        .annotate(
            open_cases=Count("shield_cases", filter=Q(shield_cases__status=ShieldCase.Status.OPEN))
        )
        .order_by("full_name", "pk")
    )


def allocatable_workers():
    """Whom a manager may allocate a case to: active Shield workers and managers, with their
    current caseload."""
    role_holders = User.objects.filter(roles__code__in=HOLDER_ROLES).values("pk")
    return holders().filter(is_active=True, pk__in=role_holders)


def team_totals():
    """Open cases per Shield team: held, waiting in the queue, and in all. One query."""
    return (
        ShieldCase.objects.filter(status=ShieldCase.Status.OPEN)
        .values("team_id", "team__name")
        .annotate(
            total=Count("id"),
            waiting=Count("id", filter=Q(worker__isnull=True)),
            held=Count("id", filter=Q(worker__isnull=False)),
        )
        .order_by("team__name", "team_id")
    )


def _latest_completed():
    return Assessment.objects.filter(
        child_id=OuterRef("child_id"), status=Assessment.Status.COMPLETED
    ).order_by("-completed_at", "-id")


def caseload(*, user, worker):
    """The open cases ``worker`` holds, as ``user`` may see them, oldest first. Each row carries
    the child's latest completed CSE2 (band, total, date, and a manager's override of the band),
    the due time of the next CSE2 clock (initial or review) and the number of current flags: all
    in one query however many cases there are."""
    latest = _latest_completed()
    override = BandOverride.objects.filter(assessment_id=OuterRef("latest_assessment_id")).order_by(
        "-made_at", "-id"
    )
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
        _open_cases(user=user)
        .filter(worker=worker)
        .select_related("child", "child__allocated_social_worker")
        .annotate(
            latest_assessment_id=Subquery(latest.values("pk")[:1]),
            latest_band=Subquery(latest.values("band")[:1]),
            latest_total=Subquery(latest.values("total")[:1]),
            latest_assessed_on=Subquery(latest.values("assessed_on")[:1]),
            latest_sequence=Subquery(latest.values("sequence")[:1]),
            override_band=Subquery(override.values("band")[:1]),
            next_cse2_due=Subquery(next_cse2),
            flags_count=Coalesce(Subquery(flags, output_field=IntegerField()), Value(0)),
        )
        .order_by("opened_at", "id")
    )


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
