"""Every write of a CSE1 and its MARF: the draft, the checklist, submission and receipt (D4, D7,
D8, D18, D19), the possible matches on the register, and the routing of pathway 1b."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts.models import Agency, Team, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.services import deadline_open
from cse_framework.timescales.working_time import is_working_time, referral_received_at
from cse_framework.workflow import transition
from referrals import matching, rules
from referrals.models import (
    Child,
    ChildMatch,
    IndicatorResponse,
    Marf,
    MarfPerson,
    ReferenceCounter,
    Referral,
)

# The fields of the CSE1 a referrer fills in (the form and the API alike).
DRAFT_FIELDS = {
    "child_given_names",
    "child_family_name",
    "child_other_names",
    "child_date_of_birth",
    "child_date_of_birth_estimated",
    "child_gender",
    "child_ethnicity",
    "child_address",
    "child_postcode",
    "child_school",
    "child_disability",
    "child_social_care",
    "child_social_worker_name",
    "child_placing_authority",
    "referrer_name",
    "referrer_job_title",
    "referrer_phone",
    "referrer_email",
    "emergency",
    "level_of_concern",
    "models_of_exploitation",
    "circumstances",
    "observations",
    "known_people",
    "known_vehicles",
    "known_places",
    "intelligence_report",
    "consent",
    "consent_override_reason",
    "parents_aware",
    "young_person_aware",
    "parents_not_told_reason",
}
# A match this strong, with an allocated social worker, routes pathway 1b on submission.
ROUTING_SCORE = 80


def _draft_errors(referral: Referral) -> dict[str, str]:
    """The rules a draft must keep: D7, D8, a contact for the referrer, a placing authority."""
    errors = rules.consent_and_parents_errors(
        age=rules.age_on(referral.child_date_of_birth, timezone.localdate()),
        consent=referral.consent,
        consent_override_reason=referral.consent_override_reason,
        parents_aware=referral.parents_aware,
        parents_not_told_reason=referral.parents_not_told_reason,
    )
    if not (referral.referrer_phone.strip() or referral.referrer_email.strip()):
        errors["referrer_phone"] = "Enter a phone number or e-mail address for the referrer"
    if referral.placed_by_another_authority and not referral.child_placing_authority.strip():
        errors["child_placing_authority"] = "Enter the local authority that placed the child"
    if referral.child_date_of_birth > timezone.localdate():
        errors["child_date_of_birth"] = "Date of birth must be today or in the past"
    return errors


def _save_draft(referral: Referral) -> Referral:
    errors = _draft_errors(referral)
    if errors:
        raise ValidationError(errors)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_draft_create(
    *,
    by: User,
    on_behalf_agency: Agency | None = None,
    received_via: str = Referral.ReceivedVia.ONLINE,
    **fields,
) -> Referral:
    """A CSE1 kept as a draft until submitted: by the signed-in referrer, or taken by a MASH or
    EDT worker on behalf of a named referrer who phoned or e-mailed (``on_behalf_agency``)."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"Not fields of a CSE1: {sorted(unknown)}")
    referral = Referral(**fields)
    if on_behalf_agency is None:
        referral.referrer, referral.referrer_agency = by, by.agency
        referral.referrer_name = referral.referrer_name or by.full_name
        referral.referrer_job_title = referral.referrer_job_title or by.job_title
        referral.referrer_email = referral.referrer_email or by.email
    else:
        referral.taken_by, referral.referrer_agency = by, on_behalf_agency
        referral.received_via = received_via
    referral.models_of_exploitation = sorted(fields.get("models_of_exploitation") or [])
    referral.reference = _next_reference()
    return _save_draft(referral)


@transaction.atomic
def referral_draft_update(*, referral: Referral, by: User, **fields) -> Referral:
    """Change the first page of a draft (it can be finished later)."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"Not fields of a CSE1: {sorted(unknown)}")
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status != Referral.Status.DRAFT:
        raise ValidationError("This referral has been sent to MASH and cannot be changed")
    for name, value in fields.items():
        setattr(current, name, value)
    current.models_of_exploitation = sorted(current.models_of_exploitation or [])
    current.version += 1
    return _save_draft(current)


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
    if (response.present, response.basis, response.note) == (present, basis, note):
        return response
    response.present, response.basis, response.note = present, basis, note
    response.full_clean()
    response.save()
    return response


@transaction.atomic
def referral_checklist_record(
    *, referral: Referral, by: User, answers: dict[str, tuple[str, str, str]]
) -> Referral:
    """The checklist as answered on the form: code -> (present, basis, note); an indicator left
    unanswered is removed."""
    for code, (present, basis, note) in answers.items():
        if present:
            referral_indicator_record(
                referral=referral, by=by, code=code, present=present, basis=basis, note=note
            )
        else:
            for response in referral.indicators.filter(code=code):
                response.delete()
    return referral


@transaction.atomic
def marf_save(*, referral: Referral, by: User, people: list[dict] | None = None, **fields) -> Marf:
    """The MARF that goes with a CSE1 (pathway 1a), while the referral is a draft. ``people``
    replaces the parents, carers and household children named on it."""
    if referral.status != Referral.Status.DRAFT:
        raise ValidationError("This referral has been sent to MASH and cannot be changed")
    if fields.get("parents_consented") is False and not fields.get("consent_explanation"):
        raise ValidationError(
            {"consent_explanation": "Explain why the parents or carers have not consented"}
        )
    marf = Marf.objects.filter(referral=referral).first()
    if marf is None:
        marf = Marf(referral=referral)
    else:
        marf.version += 1
    for name, value in fields.items():
        setattr(marf, name, value)
    marf.full_clean()
    marf.save()
    if people is not None:
        for person in marf.people.all():
            person.delete()
        for person in people:
            MarfPerson(marf=marf, **person).save()
    return marf


@transaction.atomic
def referral_submit(*, referral: Referral, by: User, now: dt.datetime | None = None) -> Referral:
    """Submit a CSE1: MASH receives it (EDT for an out-of-hours emergency), which starts the
    24-hour strategy-discussion clock (D4), and for a child placed here by another authority the
    placing-authority clock (D18). The possible matches on the register are stored for MASH;
    pathway 1b is routed to the allocated social worker and Shield. A second submit returns the
    same referral (a double click makes one referral, not two)."""
    now = now or timezone.now()
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status != Referral.Status.DRAFT:
        return current
    age = current.child_age_on(timezone.localdate(now))
    if age >= rules.ADULT_AGE:
        raise ValidationError(
            {"child_date_of_birth": "The child is 18 or over: refer them to Adult Services"}
        )
    if current.needs_marf and not Marf.objects.filter(referral=current).exists():
        raise ValidationError(
            {"marf": "Complete the MARF: it goes with the CSE1 when the child's case is not open"}
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
    mash = Team.objects.filter(kind=Team.Kind.MASH).order_by("pk").first()
    deadline_open(
        kind=Kind.STRATEGY_DISCUSSION,
        started_by=received,
        starts_at=received.received_at,
        owning_team=mash,
    )
    if received.placed_by_another_authority:
        deadline_open(
            kind=Kind.PLACING_AUTHORITY,
            started_by=received,
            starts_at=received.received_at,
            owning_team=mash,
        )
    matches = _record_matches(received, now)
    if received.child_social_care == Referral.SocialCare.OPEN:
        strong = [m for m in matches if m.score >= ROUTING_SCORE and m.child.has_open_case]
        referral_route_open_case(received, strong[0].child if len(strong) == 1 else None, now)
    _notify_receiving_team(received)
    return received


def _record_matches(referral: Referral, now: dt.datetime) -> list[matching.Match]:
    description = matching.Description(
        given_names=referral.child_given_names,
        family_name=referral.child_family_name,
        other_names=referral.child_other_names,
        date_of_birth=referral.child_date_of_birth,
        postcode=referral.child_postcode,
    )
    found = matching.find_matches(description)
    ChildMatch.objects.bulk_create(
        ChildMatch(referral=referral, child=m.child, score=m.score, reasons=m.reasons, found_at=now)
        for m in found
    )
    return found


def referral_route_open_case(referral: Referral, child: Child | None, now: dt.datetime) -> None:
    """Pathway 1b: tell the child's allocated social worker (once known) and Shield's managers.
    Called on submission, and again when MASH confirms the child if it was not clear then."""
    link = reverse("referrals:referral-detail", kwargs={"pk": referral.pk})
    changes = {}
    worker = child.allocated_social_worker if child else None
    if worker and referral.routed_to_id is None:
        changes["routed_to"] = worker
        notify(
            recipients=[worker],
            subject="A CSE referral for a child allocated to you",
            reference=referral.reference,
            link=link,
        )
    if referral.routed_to_shield_at is None:
        changes["routed_to_shield_at"] = now
        notify(
            recipients=User.objects.filter(
                roles__code=RoleCode.SHIELD_TEAM_MANAGER, is_active=True
            ),
            subject="A CSE referral for a child with an open case",
            reference=referral.reference,
            link=link,
        )
    if changes:
        for name, value in changes.items():
            setattr(referral, name, value)
        referral.save()


def _notify_receiving_team(referral: Referral) -> None:
    """A notice to every member of the receiving team: the reference and a link, nothing more."""
    kind = Team.Kind.EDT if referral.received_by == Referral.ReceivedBy.EDT else Team.Kind.MASH
    notify(
        recipients=User.objects.filter(team__kind=kind, is_active=True),
        subject="A CSE referral has been received",
        reference=referral.reference,
        link=reverse("referrals:referral-detail", kwargs={"pk": referral.pk}),
    )
