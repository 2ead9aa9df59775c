"""Every write of a referral: draft, checklist, submission and receipt (D4, D19)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts.models import Team, User
from cse_framework.notices.services import outbox_enqueue
from cse_framework.timescales.working_time import is_working_time, referral_received_at
from cse_framework.workflow import transition
from referrals import rules
from referrals.models import IndicatorResponse, ReferenceCounter, Referral


@transaction.atomic
def referral_draft_create(
    *,
    by: User,
    child_given_names: str,
    child_family_name: str,
    child_date_of_birth: dt.date,
    child_postcode: str = "",
    emergency: bool = False,
    level_of_concern: str = "",
    circumstances: str = "",
    consent: str,
    parents_aware: bool | None,
    models_of_exploitation: list[str] | None = None,
    consent_override_reason: str = "",
    young_person_aware: bool | None = None,
    parents_not_told_reason: str = "",
) -> Referral:
    """A CSE1 started by a partner professional, kept as a draft until submitted. Consent (D8)
    and the under-13 rule (D7) are checked here, for the form and the API alike."""
    errors = rules.consent_and_parents_errors(
        age=rules.age_on(child_date_of_birth, timezone.localdate()),
        consent=consent,
        consent_override_reason=consent_override_reason,
        parents_aware=parents_aware,
        parents_not_told_reason=parents_not_told_reason,
    )
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        models_of_exploitation=models_of_exploitation or [],
        consent=consent,
        consent_override_reason=consent_override_reason,
        parents_aware=parents_aware,
        young_person_aware=young_person_aware,
        parents_not_told_reason=parents_not_told_reason,
        referrer=by,
        referrer_agency=by.agency,
        child_given_names=child_given_names,
        child_family_name=child_family_name,
        child_date_of_birth=child_date_of_birth,
        child_postcode=child_postcode,
        emergency=emergency,
        level_of_concern=level_of_concern,
        circumstances=circumstances,
    )
    referral.reference = _next_reference()
    referral.full_clean()
    referral.save()
    return referral


def _next_reference() -> str:
    """A human-friendly, never reused reference number."""
    year = timezone.localdate().year
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save()
    return f"CSE-{year}-{counter.last:06d}"


@transaction.atomic
def referral_indicator_record(
    *, referral: Referral, by: User, code: str, present: str, basis: str = "", note: str = ""
) -> IndicatorResponse:
    """One answer of the indicator checklist (domain.md 1.3), while the referral is a draft."""
    if referral.status != Referral.Status.DRAFT:
        raise ValidationError("A submitted referral's checklist cannot be changed")
    response = IndicatorResponse.objects.filter(referral=referral, code=code).first()
    response = response or IndicatorResponse(referral=referral, code=code)
    response.present, response.basis, response.note = present, basis, note
    response.full_clean()
    response.save()
    return response


@transaction.atomic
def referral_submit(*, referral: Referral, by: User, now: dt.datetime | None = None) -> Referral:
    """Submit a CSE1: MASH receives it (EDT for an out-of-hours emergency), which starts the
    24-hour strategy-discussion clock (D4). A second submit returns the same referral (a double
    click makes one referral, not two)."""
    now = now or timezone.now()
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status == Referral.Status.RECEIVED:
        return current
    age = current.child_age_on(timezone.localdate(now))
    if age >= rules.ADULT_AGE:
        raise ValidationError(
            {"child_date_of_birth": "The child is 18 or over: refer them to Adult Services"}
        )
    present = set(
        current.indicators.filter(
            present__in=[IndicatorResponse.Present.YES, IndicatorResponse.Present.POSSIBLE]
        ).values_list("code", flat=True)
    )
    out_of_hours_emergency = current.emergency and not is_working_time(now)
    received = transition(
        current,
        Referral.Status.RECEIVED,
        submitted_at=now,
        received_at=referral_received_at(now, emergency=current.emergency),
        received_by=Referral.ReceivedBy.EDT if out_of_hours_emergency else Referral.ReceivedBy.MASH,
        review_urgently=rules.review_urgently(age=age, present_codes=present),
    )
    _notify_receiving_team(received)
    return received


def _notify_receiving_team(referral: Referral) -> None:
    """A notice to every member of the receiving team: the reference and a link, nothing more."""
    kind = Team.Kind.EDT if referral.received_by == Referral.ReceivedBy.EDT else Team.Kind.MASH
    for member in User.objects.filter(team__kind=kind, is_active=True):
        outbox_enqueue(
            recipient=member,
            subject="A CSE referral has been received",
            reference=referral.reference,
            link=reverse("referrals:index"),
        )


@transaction.atomic
def referral_checklist_record(*, referral: Referral, by: User, answers: dict[str, str]) -> Referral:
    """The whole indicator checklist as answered on the form (blank answers are left out)."""
    for code, present in answers.items():
        if present:
            referral_indicator_record(referral=referral, by=by, code=code, present=present)
    return referral


class AlreadyTriagedError(Exception):
    """Someone else decided this referral first; nothing was overwritten."""

    def __init__(self, referral: Referral):
        self.referral = referral
        who = referral.triaged_by.full_name if referral.triaged_by else "another worker"
        super().__init__(f"This referral was already triaged by {who}")


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
    """MASH's decision on a referral, with its rationale; the CSE1 is forwarded to the MACSE
    administrator whatever the decision, and the referrer is told (by a notice with a link)."""
    now = now or timezone.now()
    # Lock the referral row only (its triaged_by join is an outer join, which cannot be locked).
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("triaged_by")
        .get(pk=referral.pk)
    )
    if current.status == Referral.Status.TRIAGED or current.version != seen_version:
        raise AlreadyTriagedError(current)
    triaged = transition(
        current,
        Referral.Status.TRIAGED,
        mash_level_of_concern=level_of_concern,
        decision=decision,
        decision_rationale=rationale,
        triaged_by=by,
        triaged_at=now,
        forwarded_to_macse_at=now,
    )
    outbox_enqueue(
        recipient=triaged.referrer,
        subject="MASH has decided on your referral",
        reference=triaged.reference,
        link=reverse("referrals:referral-detail", kwargs={"pk": triaged.pk}),
    )
    return triaged
