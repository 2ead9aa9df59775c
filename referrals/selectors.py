import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import timezone

from cse_framework import access
from cse_framework.pagination import KeysetPage, keyset_page
from cse_framework.timescales.models import Deadline
from referrals import matching
from referrals.models import Child, ChildMatch, Referral

REGISTER_ORDER = ("family_name", "given_names", "id")
WAITING_FOR_MASH = [Referral.Status.RECEIVED, Referral.Status.AWAITING_AUTHORISATION]


def child_list(*, user):
    """The children this user may see."""
    return access.scope(user, Child.objects.all())


def child_register_page(*, user, after=None, size: int = 25) -> KeysetPage:
    """One page of the register by name, after the child ``after`` (keyset: the cost of a page does
    not grow with the register)."""
    return keyset_page(
        child_list(user=user).filter(merged_into__isnull=True),
        order=REGISTER_ORDER,
        after=after,
        size=size,
    )


SEARCH_RESULTS = 10  # the closest; a worker narrows with a date of birth or postcode
# What a search reads of each candidate: what scoring compares and what the results show (the
# name, date of birth and postcode), not the whole record of the dozens of candidates.
SEARCH_COLUMNS = ("given_names", "family_name", "date_of_birth", "postcode")


def child_search(*, user, description: matching.Description, limit: int = SEARCH_RESULTS):
    """The register's children that may be the described one, best first (a fixed number of
    queries, whatever the register's size); only those the user may see."""
    return matching.find_matches(
        description,
        threshold=matching.SEARCH_THRESHOLD,
        limit=limit,
        among=child_list(user=user).only(*SEARCH_COLUMNS).order_by(),
    )


def open_clocks(referrals, kind: str) -> dict:
    """The open clock of ``kind`` of each referral, by referral id (one query for a page)."""
    deadlines = Deadline.objects.filter(
        kind=kind,
        started_by_type=ContentType.objects.get_for_model(Referral),
        started_by_id__in=[str(referral.pk) for referral in referrals],
        met_at__isnull=True,
        not_required_at__isnull=True,
    ).only("started_by_id", "due_at", "met_at", "not_required_at")
    return {deadline.started_by_id: deadline for deadline in deadlines}


# What a queue shows of each referral: its columns only, not the whole CSE1 and child record.
QUEUE_COLUMNS = (
    "reference",
    "status",
    "emergency",
    "review_urgently",
    "level_of_concern",
    "received_at",
    "received_by",
    "child_given_names",
    "child_family_name",
    "referrer_agency__name",
    "child__given_names",
    "child__family_name",
)


def triage_queue(*, user, status: str = "", received_by: str = ""):
    """Referrals waiting for MASH in D19's order: emergencies, then "review urgently", then the
    referrer's level of concern, then the oldest receipt first."""
    concern_rank = Case(
        *(
            When(level_of_concern=code, then=Value(rank))
            for code, rank in Referral.CONCERN_RANK.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    if status == Referral.Status.TRIAGED:
        return recently_decided(user=user, received_by=received_by)
    referrals = Referral.objects.filter(status__in=[status] if status else WAITING_FOR_MASH)
    if received_by:
        referrals = referrals.filter(received_by=received_by)
    return (
        access.scope(user, referrals)
        .select_related("referrer_agency", "child")
        .only(*QUEUE_COLUMNS)
        .annotate(concern_rank=concern_rank)
        .order_by("-emergency", "-review_urgently", "-concern_rank", "received_at", "id")
    )


DECIDED_DAYS = 30


def recently_decided(*, user, received_by: str = ""):
    """Referrals decided in the last 30 days, the newest decision first (a month's work, read
    from its own partial index, however large the register grows)."""
    since = timezone.now() - dt.timedelta(days=DECIDED_DAYS)
    referrals = Referral.objects.filter(status=Referral.Status.TRIAGED, triaged_at__gte=since)
    if received_by:
        referrals = referrals.filter(received_by=received_by)
    return (
        access.scope(user, referrals)
        .select_related("referrer_agency", "child")
        .only(*QUEUE_COLUMNS, "triaged_at")
        .order_by("-triaged_at", "id")
    )


def referral_deadlines(referral: Referral):
    return Deadline.objects.filter(
        started_by_type=ContentType.objects.get_for_model(Referral),
        started_by_id=str(referral.pk),
    ).order_by("due_at")


def possible_matches(referral: Referral):
    """The stored possible matches, with each child's earlier referrals (for MASH only)."""
    earlier = Referral.objects.exclude(pk=referral.pk).exclude(status=Referral.Status.DRAFT)
    return (
        ChildMatch.objects.filter(referral=referral, child__merged_into__isnull=True)
        .select_related("child", "child__allocated_social_worker")
        .prefetch_related(Prefetch("child__referrals", queryset=earlier.order_by("-received_at")))
    )


def child_history(child: Child, *, excluding: Referral | None = None):
    """The child's earlier referrals, newest first (MASH's view at triage)."""
    referrals = child.referrals.exclude(status=Referral.Status.DRAFT).select_related(
        "referrer_agency", "triaged_by"
    )
    if excluding:
        referrals = referrals.exclude(pk=excluding.pk)
    return referrals.order_by("-received_at")
