"""Reads of a child's Shield events (incidents, missing episodes, flags), shared by the pages,
the API and the pages of other apps that show the child's flags."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from cse_framework import access
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from referrals.models import Child
from shield.models import Flag, Incident, MissingEpisode
from shield.policy import children_of

# The CSE2's data monitoring counts the episodes of the last 3 months as 91 days back from
# completion (shield.services._snapshot); the events page counts them the same way.
MONITORING_WINDOW = dt.timedelta(days=91)


def shield_children(user) -> QuerySet[Child]:
    """The children whose Shield records ``user`` may see (none unless signed in with both
    factors)."""
    if not access.is_verified(user):
        return Child.objects.none()
    condition = children_of(user)
    return Child.objects.all() if condition is None else Child.objects.filter(condition)


def shield_child_or_404(request, pk) -> Child:
    """A child whose Shield records the user may see; anyone else's is a 404 like a missing
    one, and the denial is audited."""
    return access.first_or_404(request, shield_children(request.user), pk=pk)


def current_flags(child_id) -> list[Flag]:
    """The child's current flags, for ``shield/_flags.html`` (one query). Shown to whoever may
    see the child: a flag is a marker for everyone working with them, and says only the kind,
    agency, risk level and date, never the rationale."""
    if child_id is None:
        return []
    return list(
        Flag.objects.filter(child_id=child_id, removed_on__isnull=True)
        .select_related("agency")
        .order_by("kind", "agency__name", "-decided_on")
    )


def missing_counts(child: Child, now: dt.datetime) -> dict[str, int]:
    """Episodes that began in the last 3 months and their return home interviews, as the CSE2's
    data monitoring reads them (2.7)."""
    recent = Q(went_missing_at__gte=now - MONITORING_WINDOW)
    return MissingEpisode.objects.filter(child=child).aggregate(
        episodes=Count("pk", filter=recent),
        interviews=Count("pk", filter=recent & Q(interview_done=True)),
    )


def child_events(child: Child, now: dt.datetime) -> dict:
    """Everything the child's events page shows: incidents (newest first, with their CSE1),
    missing episodes and the 3-month counts, and flags current and removed."""
    flags = list(
        Flag.objects.filter(child=child).select_related("agency", "decided_by", "removed_by")
    )
    return {
        "incidents": list(
            Incident.objects.filter(child=child).select_related("referral", "recorded_by")
        ),
        "episodes": list(MissingEpisode.objects.filter(child=child).select_related("recorded_by")),
        "counts": missing_counts(child, now),
        "current_flags": [flag for flag in flags if flag.current],
        "removed_flags": [flag for flag in flags if not flag.current],
    }


def incident_clock(incident: Incident) -> Deadline | None:
    """The CSE2 review clock the incident opened (D17)."""
    return (
        Deadline.objects.filter(
            kind=Kind.CSE2_REVIEW,
            started_by_type=ContentType.objects.get_for_model(Incident),
            started_by_id=str(incident.pk),
        )
        .select_related("owner")
        .first()
    )
