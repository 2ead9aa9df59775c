"""MASH's work on a received referral: who the child is, the decision and its authorisation,
and the placing-authority contact of D18. Every step in a transaction, checked against the
version the worker saw, so two workers never overwrite each other."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.services import (
    deadline_meet,
    deadline_not_required,
    deadlines_set_child,
)
from cse_framework.workflow import transition
from intelligence.referral_links import link_referral
from referrals import register
from referrals.models import Child, PlacingAuthorityContact, Referral
from referrals.services import referral_route_open_case
from shield.services import shield_referral_open


class AlreadyTriagedError(Exception):
    """Someone else decided or changed this referral first; nothing was overwritten."""

    def __init__(self, referral: Referral):
        self.referral = referral
        who = referral.triaged_by.full_name if referral.triaged_by else "another worker"
        if referral.decided:
            message = f"This referral was already decided by {who}"
        else:
            message = "This referral was changed by someone else. Check it and try again"
        super().__init__(message)


def _locked(referral: Referral, seen_version: int | None) -> Referral:
    # Lock the referral row only (its triaged_by join is an outer join, which cannot be locked).
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("triaged_by")
        .get(pk=referral.pk)
    )
    if seen_version is not None and current.version != seen_version:
        raise AlreadyTriagedError(current)
    return current


def _link(referral: Referral) -> str:
    return reverse("referrals:referral-detail", kwargs={"pk": referral.pk})


@transaction.atomic
def referral_confirm_child(
    *,
    referral: Referral,
    by: User,
    child: Child | None,
    seen_version: int,
    now: dt.datetime | None = None,
) -> Referral:
    """MASH says who the child is: a child on the register (a match, or one found by search),
    or, with ``child=None``, a new record made from the referrer's description."""
    now = now or timezone.now()
    current = _locked(referral, seen_version)
    if current.status not in {Referral.Status.RECEIVED, Referral.Status.AWAITING_AUTHORISATION}:
        raise AlreadyTriagedError(current)
    if child is None:
        child = register.child_create_from_referral(referral=current, by=by)
    elif child.merged_into_id:
        raise ValidationError("That record was merged into another: choose the one it became")
    current.child = child
    current.child_confirmed_by, current.child_confirmed_at = by, now
    current.version += 1
    current.save()
    link_referral(current, by)
    deadlines_set_child(started_by=current, child=child)
    if current.child_social_care == Referral.SocialCare.OPEN or child.has_open_case:
        referral_route_open_case(current, child, now)
    return current


def _needs_authorisation(by: User) -> bool:
    if by.has_role(RoleCode.MASH_TEAM_MANAGER):
        return False
    return bool(by.team and by.team.decisions_need_authorisation)


@transaction.atomic
def referral_triage(
    *,
    referral: Referral,
    by: User,
    level_of_concern: str,
    decision: str,
    rationale: str,
    seen_version: int,
    now: dt.datetime | None = None,
) -> Referral:
    """MASH's level of concern and decision, with its rationale. Where the worker's team requires
    it, the decision waits for a MASH team manager's authorisation; otherwise it takes effect."""
    now = now or timezone.now()
    current = _locked(referral, seen_version)
    if current.status != Referral.Status.RECEIVED:
        raise AlreadyTriagedError(current)
    if current.child_id is None:
        raise ValidationError("Confirm who the child is before deciding")
    decided = {
        "mash_level_of_concern": level_of_concern,
        "decision": decision,
        "decision_rationale": rationale,
        "triaged_by": by,
        "triaged_at": now,
        "returned_reason": "",
    }
    if _needs_authorisation(by):
        waiting = transition(current, Referral.Status.AWAITING_AUTHORISATION, **decided)
        notify(
            recipients=User.objects.filter(
                roles__code=RoleCode.MASH_TEAM_MANAGER, team=by.team, is_active=True
            ),
            subject="A MASH decision is waiting for your authorisation",
            reference=waiting.reference,
            link=_link(waiting),
        )
        return waiting
    return _take_effect(current, now, **decided)


def _take_effect(current: Referral, now: dt.datetime, **changes) -> Referral:
    """The decision stands: the CSE1 goes to the MACSE administrator whatever it is, the
    strategy-discussion clock closes as not required unless one is needed (D4), and the referrer
    is told (a notice with a link; for a referral taken by phone, the worker who took it)."""
    triaged = transition(current, Referral.Status.TRIAGED, forwarded_to_macse_at=now, **changes)
    if triaged.decision != Referral.Decision.STRATEGY_DISCUSSION:
        deadline_not_required(
            kind=Kind.STRATEGY_DISCUSSION, started_by=triaged, decided_by=triaged, at=now
        )
    if triaged.decision == Referral.Decision.REFER_TO_SHIELD:
        shield_referral_open(
            started_by=triaged,
            child=triaged.child,
            at=now,
            reference=triaged.reference,
            link=_link(triaged),
        )
    notify(
        recipients=[triaged.referrer or triaged.taken_by],
        subject="MASH has decided on your referral"
        if triaged.referrer
        else "MASH has decided on a referral you took: tell the referrer",
        reference=triaged.reference,
        link=_link(triaged),
    )
    return triaged


@transaction.atomic
def referral_authorise(
    *, referral: Referral, by: User, seen_version: int, now: dt.datetime | None = None
) -> Referral:
    """A MASH team manager authorises a decision waiting for them; it then takes effect."""
    now = now or timezone.now()
    current = _locked(referral, seen_version)
    if current.status != Referral.Status.AWAITING_AUTHORISATION:
        raise AlreadyTriagedError(current)
    return _take_effect(current, now, authorised_by=by, authorised_at=now)


@transaction.atomic
def referral_return(
    *, referral: Referral, by: User, reason: str, seen_version: int, now: dt.datetime | None = None
) -> Referral:
    """A MASH team manager returns a decision to be made again, saying why."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the decision is returned"})
    current = _locked(referral, seen_version)
    if current.status != Referral.Status.AWAITING_AUTHORISATION:
        raise AlreadyTriagedError(current)
    decider = current.triaged_by
    returned = transition(
        current,
        Referral.Status.RECEIVED,
        returned_reason=reason,
        mash_level_of_concern="",
        decision="",
        decision_rationale="",
        triaged_by=None,
        triaged_at=None,
    )
    notify(
        recipients=[decider],
        subject="Your MASH decision was returned",
        reference=returned.reference,
        link=_link(returned),
    )
    return returned


@transaction.atomic
def placing_authority_contact_record(
    *, referral: Referral, by: User, **fields
) -> PlacingAuthorityContact:
    """D18: the contact with the placing authority and the consultation with the MASH and CSE
    team managers. It meets the placing-authority clock at the time of the contact."""
    if not referral.placed_by_another_authority or referral.status == Referral.Status.DRAFT:
        raise ValidationError("This referral is not for a child placed by another authority")
    if fields["contacted_at"] > timezone.now():
        raise ValidationError({"contacted_at": "The time of the contact must be in the past"})
    contact = PlacingAuthorityContact(referral=referral, recorded_by=by, **fields)
    contact.full_clean()
    contact.save()
    deadline_meet(
        kind=Kind.PLACING_AUTHORITY, started_by=referral, met_by=contact, at=contact.contacted_at
    )
    return contact


@transaction.atomic
def team_set_decision_authorisation(*, team, by: User, required: bool) -> None:
    """A MASH team manager's setting: do their team's decisions need authorisation?"""
    team.decisions_need_authorisation = required
    team.save()
