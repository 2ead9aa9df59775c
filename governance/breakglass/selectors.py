"""Reading break-glass grants: the children a user holds live access to, and the report."""

import datetime as dt

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cse_framework.audit.models import AccessEvent
from governance.breakglass.models import Grant

PAGE_SIZE = 50


def live_grants(user, *, now: dt.datetime | None = None) -> QuerySet[Grant]:
    now = now or timezone.now()
    return Grant.objects.filter(user=user, opened_at__lte=now, expires_at__gt=now)


def granted_child_ids(user, *, now: dt.datetime | None = None) -> QuerySet:
    """The ids of the children ``user`` holds live break-glass access to, as a subquery: the
    access mechanism adds it to the child register's scope (referrals.policy.ChildPolicy)."""
    return live_grants(user, now=now).values("child_id")


def live_grant(user, child, *, now: dt.datetime | None = None) -> Grant | None:
    return live_grants(user, now=now).filter(child=child).order_by("-expires_at").first()


def report(*, unreviewed_only: bool = False) -> QuerySet[Grant]:
    """Every use, newest first, each with the number of events its user recorded against the
    child while the grant lasted (one query for a page, whatever its size)."""
    events = (
        AccessEvent.objects.filter(
            user_id=OuterRef("user_id"),
            child_id=OuterRef("child_id"),
            at__gte=OuterRef("opened_at"),
            at__lt=OuterRef("expires_at"),
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    grants = Grant.objects.select_related("user", "user__agency", "reviewed_by").annotate(
        events_during=Coalesce(Subquery(events), 0)
    )
    if unreviewed_only:
        grants = grants.filter(Q(reviewed_at__isnull=True))
    return grants.order_by("-opened_at", "-id")
