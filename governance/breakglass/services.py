"""Break-glass: emergency access to one child's record outside the user's access (issue 10).

The user gives a reason; the access lasts ``BREAK_GLASS_MINUTES``; the opening is written to the
access log as a break-glass event naming the grant, which keeps the reason; the child's team
manager(s) and the service manager(s) are told at once, once per grant; every use waits in a
report for review.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cse_framework import access
from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit import services as audit
from cse_framework.audit.models import AccessEvent
from cse_framework.notices import services as notices
from governance.breakglass import policy, selectors
from governance.breakglass.models import Grant

REASON_MIN_LENGTH = 20


class BreakGlassRefused(Exception):
    """The user may not break the glass, or needs no break-glass to see this child."""


def duration() -> dt.timedelta:
    return dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES)


def alert_recipients(child) -> list[User]:
    """The managers of the team(s) holding the child (its open Shield case's team, and the team of
    its allocated social worker), or MASH's managers when no team holds it; and every service
    manager."""
    from shield.models import ShieldCase

    team_ids = set(
        ShieldCase.objects.filter(child=child, status=ShieldCase.Status.OPEN)
        .exclude(team=None)
        .values_list("team_id", flat=True)
    )
    if child.allocated_social_worker_id:
        worker = User.objects.filter(pk=child.allocated_social_worker_id).first()
        if worker is not None and worker.team_id:
            team_ids.add(worker.team_id)
    active = User.objects.filter(is_active=True)
    managers = active.filter(roles__code__in=policy.TEAM_MANAGER_ROLES)
    team_managers = managers.filter(team_id__in=team_ids) if team_ids else managers.none()
    if not team_managers.exists():
        team_managers = managers.filter(roles__code=RoleCode.MASH_TEAM_MANAGER)
    service = active.filter(roles__code__in=policy.ALERTED_ROLES)
    return list((team_managers | service).distinct().order_by("pk"))


@transaction.atomic
def grant_open(*, request, child, reason: str, now: dt.datetime | None = None) -> Grant:
    """Open (or keep) a break-glass grant of ``child`` for the requesting user.

    Refused for a user whose roles may not break the glass, and for a child the user already
    sees. A user who already holds a live grant for the child gets that grant back: one grant,
    one alert, however often they open the record within it.
    """
    user = request.user
    now = now or timezone.now()
    if not access.has_role(user, policy.BREAK_GLASS_ROLES):
        raise BreakGlassRefused("Your role cannot use break-glass access")
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise BreakGlassRefused(
            f"Give the reason in at least {REASON_MIN_LENGTH} characters: it is reviewed"
        )
    # One user's requests are taken one at a time, so two at once cannot open two grants.
    User.objects.select_for_update().filter(pk=user.pk).first()
    live = selectors.live_grant(user, child, now=now)
    if live is not None:
        return live
    if access.check(user, access.VIEW, child):
        raise BreakGlassRefused("You can already see this child's record")
    grant = Grant.objects.create(
        user=user, child=child, reason=reason, opened_at=now, expires_at=now + duration()
    )
    # The append-only log holds no free text (a reason may name someone): it points to the grant,
    # which holds the reason and is erased with the child's record under the retention schedule.
    audit.record(request, AccessEvent.Action.BREAK_GLASS, child, justification=justification(grant))
    _alert(grant, now=now)
    return grant


def justification(grant: Grant) -> str:
    """What the access log's break-glass event says: the grant whose reason justifies it."""
    return f"Break-glass {grant.pk}: the reason is kept with the grant"


def _alert(grant: Grant, *, now: dt.datetime) -> None:
    """Tell the child's team manager(s) and the service manager(s), once: when the grant opens.
    The notice carries a reference and a link to the review, never the child's details (D21)."""
    notices.notify(
        recipients=alert_recipients(grant.child),
        subject="Break-glass access to a child's record",
        reference=f"Break-glass {grant.pk}",
        link=reverse("breakglass:review", kwargs={"pk": grant.pk}),
    )
    grant.alerted_at = now
    grant.save(update_fields=["alerted_at"])


@transaction.atomic
def grant_review(
    *, grant: Grant, by: User, outcome: str, note: str, now: dt.datetime | None = None
) -> Grant:
    """A reviewer records whether the use was appropriate. A grant is reviewed once."""
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if locked.reviewed_at is not None:
        raise BreakGlassRefused("This use has already been reviewed")
    if locked.user_id == by.pk:
        raise BreakGlassRefused("Someone else must review your own break-glass use")
    locked.reviewed_at = now or timezone.now()
    locked.reviewed_by = by
    locked.outcome = outcome
    locked.review_note = note.strip()
    locked.save(update_fields=["reviewed_at", "reviewed_by", "outcome", "review_note"])
    return locked
