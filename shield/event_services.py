"""Shield's events: a new CSE incident (its new CSE1 and the CSE2 review clock, D17),
missing-from-home episodes with their return home interviews (domain.md 2.7, 6.17), and flags on
agencies' systems (2.1, 6.10). Each in one transaction; a stale form is refused, never a lost
update."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts.models import Agency, Team, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.services import deadline_open
from cse_framework.timescales.working_time import LONDON, add_working_days
from referrals.models import Child, Referral
from referrals.services import referral_draft_create
from shield.models import Flag, Incident, MissingEpisode, ShieldCase
from shield.policy import ASSESS_ROLES
from shield.services import StaleError

INCIDENT_REVIEW_WORKING_DAYS = 5  # D17
# Who records incidents and missing episodes: whoever completes the child's CSE2.
RECORD_ROLES = ASSESS_ROLES
# D2 / 6.10: the police create and update the CSE flag; the MACSE chair is police, and so is
# the police intelligence officer. Any user of a police agency counts too.
POLICE_FLAG_ROLES = frozenset({RoleCode.MACSE_CHAIR, RoleCode.POLICE_INTELLIGENCE_OFFICER})
# Other agencies' flags are a partnership decision, recorded by Shield's managers or the chair.
AGENCY_FLAG_ROLES = frozenset({RoleCode.SHIELD_TEAM_MANAGER, RoleCode.MACSE_CHAIR})
REPLACED = "Replaced"
ALREADY_REMOVED = "This flag has already been removed"
MERGED = "This child's record was merged into another: record it on that record"


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(LONDON).date()


def may_record(user: User) -> bool:
    """Whether ``user`` records incidents and missing episodes (for a child they can see)."""
    return user.has_role(*RECORD_ROLES)


def _is_police(user: User) -> bool:
    return user.agency is not None and user.agency.kind == Agency.Kind.POLICE


def may_raise(user: User, kind: str) -> bool:
    """Whether ``user`` may raise (or remove) a flag of ``kind``: the police CSE flag by the
    police, other agencies' flags by partnership decision."""
    if kind == Flag.Kind.POLICE_CSE:
        return _is_police(user) or user.has_role(*POLICE_FLAG_ROLES)
    return user.has_role(*AGENCY_FLAG_ROLES)


def flag_kinds_for(user: User) -> list[str]:
    """The kinds of flag ``user`` may raise, in the order the form offers them."""
    return [kind for kind in Flag.Kind.values if may_raise(user, kind)]


def _shield_team() -> Team | None:
    return Team.objects.filter(kind=Team.Kind.SHIELD).order_by("pk").first()


def _open_case(child: Child) -> ShieldCase | None:
    return (
        ShieldCase.objects.select_related("team", "worker")
        .filter(child=child, status=ShieldCase.Status.OPEN)
        .first()
    )


def _check_child(child: Child) -> None:
    if child.merged_into_id is not None:
        raise ValidationError(MERGED)


# --- Incidents --------------------------------------------------------------------------------


def _social_care(child: Child, case: ShieldCase | None) -> dict:
    """What the register knows of the child and children's social care, as the CSE1 asks it."""
    if case is not None or child.has_open_case:
        worker = child.allocated_social_worker
        return {
            "child_social_care": Referral.SocialCare.OPEN,
            "child_social_worker_name": worker.full_name if worker else "",
        }
    if child.placing_authority:
        return {
            "child_social_care": Referral.SocialCare.PLACED,
            "child_placing_authority": child.placing_authority,
        }
    return {"child_social_care": Referral.SocialCare.NOT_KNOWN}


def _cse1_prefill(child: Child, case: ShieldCase | None, description: str) -> dict:
    """The new CSE1's first page as far as the register and the incident fill it in; the worker
    completes the rest through the usual pathway."""
    other_names = ", ".join(alias.name for alias in child.aliases.all())
    return {
        "child_given_names": child.given_names,
        "child_family_name": child.family_name,
        "child_other_names": other_names[:300],
        "child_date_of_birth": child.date_of_birth,
        "child_date_of_birth_estimated": child.date_of_birth_estimated,
        "child_gender": child.gender,
        "child_ethnicity": child.ethnicity,
        "child_address": child.address,
        "child_postcode": child.postcode,
        "child_school": child.school,
        "circumstances": description,
        **_social_care(child, case),
    }


@transaction.atomic
def incident_record(
    *,
    child: Child,
    by: User,
    occurred_at: dt.datetime,
    description: str,
    consent: str = "",
    consent_override_reason: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    """D17 and 6.7: a new incident needs a new CSE1 (a draft started by the recording worker,
    prefilled from the register and linked) and opens a CSE2 review clock due in 5 working
    days. The child's Shield worker is told (a reference and a link, D21). ``consent`` is the
    CSE1's consent to share (D8), which its draft needs."""
    now = now or timezone.now()
    if not may_record(by):
        raise PermissionDenied
    _check_child(child)
    errors = {}
    if occurred_at > now:
        errors["occurred_at"] = "The incident must have happened: enter a time now or in the past"
    if not description.strip():
        errors["description"] = "Describe the incident"
    if by.agency_id is None:
        errors["__all__"] = (
            "Your account has no agency, so a CSE1 cannot be started: ask a system administrator"
        )
    if errors:
        raise ValidationError(errors)
    case = _open_case(child)
    referral = referral_draft_create(
        by=by,
        consent=consent,
        consent_override_reason=consent_override_reason,
        **_cse1_prefill(child, case, description),
    )
    incident = Incident(
        child=child,
        occurred_at=occurred_at,
        description=description,
        referral=referral,
        recorded_by=by,
        recorded_at=now,
    )
    incident.full_clean()
    incident.save()
    deadline_open(
        kind=Kind.CSE2_REVIEW,
        started_by=incident,
        starts_at=now,
        due_at=add_working_days(now, INCIDENT_REVIEW_WORKING_DAYS),
        child=child,
        owning_team=case.team if case else _shield_team(),
        owner=case.worker if case else None,
    )
    worker = case.worker if case else None
    recipients = (
        [worker]
        if worker
        else User.objects.filter(roles__code=RoleCode.SHIELD_TEAM_MANAGER, is_active=True)
    )
    notify(
        recipients=[person for person in recipients if person.pk != by.pk],
        subject="A new incident: a CSE2 review is due in 5 working days",
        reference=incident.reference,
        link=reverse("shield:incident-detail", kwargs={"pk": incident.pk}),
    )
    return incident


# --- Missing episodes -------------------------------------------------------------------------

EPISODE_FIELDS = frozenset(
    {
        "went_missing_at",
        "returned_at",
        "reported_to_police",
        "interview_done",
        "interview_by",
        "interview_on",
        "notes",
    }
)


def _missing_errors(episode: MissingEpisode, now: dt.datetime) -> dict[str, str]:
    """Going missing and returning: not in the future, the return after going missing."""
    errors = {}
    went, back = episode.went_missing_at, episode.returned_at
    if went is None:
        errors["went_missing_at"] = "Enter when the child went missing"
    elif went > now:
        errors["went_missing_at"] = "Enter a time now or in the past"
    if back is not None:
        if back > now:
            errors["returned_at"] = "Enter a return time now or in the past"
        elif went is not None and back < went:
            errors["returned_at"] = "The child cannot return before they went missing"
    return errors


def _interview_errors(episode: MissingEpisode, now: dt.datetime) -> dict[str, str]:
    """The return home interview (6.17): after the return, by someone, on a day not in the
    future; who and when only if it was done."""
    errors = {}
    back, on = episode.returned_at, episode.interview_on
    if episode.interview_done:
        if back is None:
            errors["returned_at"] = "Record when the child returned before the interview"
        if not episode.interview_by.strip():
            errors["interview_by"] = "Say who did the return home interview"
        if on is None:
            errors["interview_on"] = "Enter the date of the return home interview"
    elif episode.interview_by.strip() or on:
        errors["interview_done"] = (
            "Say the return home interview was done, or leave who and when empty"
        )
    if on is not None and on > _today(now):
        errors["interview_on"] = "The interview date must be today or in the past"
    elif on is not None and back is not None and on < back.astimezone(LONDON).date():
        errors["interview_on"] = "The interview cannot be before the child returned"
    return errors


def _episode_errors(episode: MissingEpisode, now: dt.datetime) -> dict[str, str]:
    return {**_interview_errors(episode, now), **_missing_errors(episode, now)}


def _save_episode(episode: MissingEpisode, now: dt.datetime) -> MissingEpisode:
    errors = _episode_errors(episode, now)
    if errors:
        raise ValidationError(errors)
    episode.interview_by = episode.interview_by.strip()
    episode.full_clean()
    episode.save()
    return episode


@transaction.atomic
def missing_episode_record(
    *,
    child: Child,
    by: User,
    went_missing_at: dt.datetime,
    returned_at: dt.datetime | None = None,
    reported_to_police: bool = False,
    interview_done: bool = False,
    interview_by: str = "",
    interview_on: dt.date | None = None,
    notes: str = "",
    now: dt.datetime | None = None,
) -> MissingEpisode:
    """A missing-from-home (or care) episode (6.17), with its return and return home interview
    when known. Counted in the CSE2's data monitoring (2.7)."""
    now = now or timezone.now()
    if not may_record(by):
        raise PermissionDenied
    _check_child(child)
    episode = MissingEpisode(
        child=child,
        went_missing_at=went_missing_at,
        returned_at=returned_at,
        reported_to_police=reported_to_police,
        interview_done=interview_done,
        interview_by=interview_by,
        interview_on=interview_on,
        notes=notes,
        recorded_by=by,
        recorded_at=now,
    )
    return _save_episode(episode, now)


@transaction.atomic
def missing_episode_update(
    *,
    episode: MissingEpisode,
    by: User,
    expected_version: int,
    now: dt.datetime | None = None,
    **fields,
) -> MissingEpisode:
    """Add the return and the return home interview (done, by whom, when), or correct the
    episode. Refused if someone else changed it since it was opened."""
    now = now or timezone.now()
    if not may_record(by):
        raise PermissionDenied
    unknown = set(fields) - EPISODE_FIELDS
    if unknown:
        raise TypeError(f"Not fields of a missing episode: {sorted(unknown)}")
    current = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    if current.version != expected_version:
        raise StaleError("Someone else changed this episode while you were working on it")
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    return _save_episode(current, now)


# --- Flags ------------------------------------------------------------------------------------


def _flag_errors(
    *, by: User, kind: str, agency: Agency, rationale: str, decided_on: dt.date, today: dt.date
) -> dict[str, str]:
    errors = {}
    if kind not in Flag.Kind.values:
        errors["kind"] = "Select the kind of flag"
    elif not may_raise(by, kind):
        errors["kind"] = (
            "Only the police set the police CSE flag"
            if kind == Flag.Kind.POLICE_CSE
            else "Other agencies' flags are a partnership decision, recorded by a Shield team "
            "manager or the MACSE chair"
        )
    elif kind == Flag.Kind.POLICE_CSE and agency.kind != Agency.Kind.POLICE:
        errors["agency"] = "The police CSE flag is on a police system: select the police force"
    elif kind == Flag.Kind.AGENCY and agency.kind == Agency.Kind.POLICE:
        errors["agency"] = "For the police, raise the police CSE flag"
    if not rationale.strip():
        errors["rationale"] = "Give a short rationale for the flag"
    if decided_on > today:
        errors["decided_on"] = "The date of the decision must be today or in the past"
    return errors


@transaction.atomic
def flag_raise(
    *,
    child: Child,
    by: User,
    kind: str,
    agency: Agency,
    risk_level: str,
    rationale: str,
    decided_on: dt.date,
    now: dt.datetime | None = None,
) -> Flag:
    """2.1, 6.10: a flag with its risk level, short rationale, date and who decided. One current
    flag per child, kind and agency: a new decision removes the current one (reason "Replaced",
    kept) and raises the new."""
    now = now or timezone.now()
    _check_child(child)
    errors = _flag_errors(
        by=by,
        kind=kind,
        agency=agency,
        rationale=rationale,
        decided_on=decided_on,
        today=_today(now),
    )
    # One writer at a time per child, so two decisions at once cannot both stay current.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    current = list(
        Flag.objects.select_for_update().filter(
            child=child, kind=kind, agency=agency, removed_on__isnull=True
        )
    )
    for old in current:
        if "decided_on" not in errors and decided_on < old.decided_on:
            errors["decided_on"] = (
                f"The current flag was decided on {old.decided_on:%d %B %Y}: the new "
                "decision cannot be earlier"
            )
    if errors:
        raise ValidationError(errors)
    for old in current:
        old.removed_on = decided_on
        old.removal_reason = REPLACED
        old.removed_by = by
        old.version += 1
        old.save()
    flag = Flag(
        child=child,
        kind=kind,
        agency=agency,
        risk_level=risk_level,
        rationale=rationale.strip(),
        decided_on=decided_on,
        decided_by=by,
    )
    flag.full_clean()
    flag.save()
    return flag


@transaction.atomic
def flag_remove(
    *,
    flag: Flag,
    by: User,
    reason: str,
    removed_on: dt.date,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Flag:
    """Removing a flag is a recorded decision (who, when, why), by whoever may raise it; the
    flag is kept, marked removed."""
    now = now or timezone.now()
    if not may_raise(by, flag.kind):
        raise ValidationError("You cannot remove this flag: " + _who_decides(flag.kind))
    current = Flag.objects.select_for_update().get(pk=flag.pk)
    if current.removed_on is not None:
        raise ValidationError(ALREADY_REMOVED)
    if expected_version is not None and current.version != expected_version:
        raise StaleError("Someone else changed this flag while you were working on it")
    errors = {}
    if not reason.strip():
        errors["reason"] = "Give the reason for removing the flag"
    if removed_on > _today(now):
        errors["removed_on"] = "The date of the decision must be today or in the past"
    elif removed_on < current.decided_on:
        errors["removed_on"] = (
            f"The flag was decided on {current.decided_on:%d %B %Y}: it cannot be removed "
            "before then"
        )
    if errors:
        raise ValidationError(errors)
    current.removed_on = removed_on
    current.removal_reason = reason.strip()
    current.removed_by = by
    current.version += 1
    current.full_clean()
    current.save()
    return current


def _who_decides(kind: str) -> str:
    if kind == Flag.Kind.POLICE_CSE:
        return "the police decide the police CSE flag"
    return "other agencies' flags are decided by Shield team managers or the MACSE chair"
