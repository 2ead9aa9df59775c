"""Case notes: a draft its author may change; once completed, append-only. A completed note is
never changed: a correction is a new note that names the one it corrects. Each write in one
transaction; a stale form is refused, never a lost update."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse_framework.accounts.models import User
from cse_framework.audit.services import record_refused_change
from referrals.models import Child
from shield.models import CaseNote
from shield.policy import NOTE_ROLES
from shield.services import StaleError

REFUSED = "A completed case note cannot be changed: record a correction instead"
# A note records what happened; a few minutes' grace for a clock that runs a little fast.
FUTURE_GRACE = dt.timedelta(minutes=5)


def _check_content(*, occurred_at: dt.datetime, text: str, now: dt.datetime) -> None:
    errors = {}
    if not text.strip():
        errors["text"] = "Write the case note"
    if occurred_at > now + FUTURE_GRACE:
        errors["occurred_on"] = "When it happened must be now or in the past"
    if errors:
        raise ValidationError(errors)


def _refuse_completed(note: CaseNote, by: User) -> None:
    """Audited outside the transaction, so the refusal is kept."""
    if CaseNote.objects.filter(pk=note.pk, status=CaseNote.Status.COMPLETED).exists():
        record_refused_change(user=by, obj=note, reason=REFUSED)
        raise ValidationError(REFUSED)


def case_note_save(
    *,
    by: User,
    occurred_at: dt.datetime,
    text: str,
    child: Child | None = None,
    note: CaseNote | None = None,
    expected_version: int | None = None,
    corrects: CaseNote | None = None,
    complete: bool = False,
    now: dt.datetime | None = None,
) -> CaseNote:
    """Write a new note (``child``; a correction names the completed note it ``corrects``) or
    change a draft (``note``, by its author, at the version the form was opened with). With
    ``complete`` the note is completed in the same transaction and never changes again. A
    completed note is refused, and the refusal audited."""
    if note is not None:
        _refuse_completed(note, by)
    return _save(
        by=by,
        occurred_at=occurred_at,
        text=text,
        child=child,
        note=note,
        expected_version=expected_version,
        corrects=corrects,
        complete=complete,
        now=now or timezone.now(),
    )


@transaction.atomic
def _save(
    *,
    by: User,
    occurred_at: dt.datetime,
    text: str,
    child: Child | None,
    note: CaseNote | None,
    expected_version: int | None,
    corrects: CaseNote | None,
    complete: bool,
    now: dt.datetime,
) -> CaseNote:
    if not by.has_role(*NOTE_ROLES):
        raise ValidationError("Only the professionals working with the child write case notes")
    _check_content(occurred_at=occurred_at, text=text, now=now)
    if note is None:
        if child is None:
            raise TypeError("A new case note needs the child")
        if corrects is not None:
            _check_correction(corrects, child)
        current = CaseNote(child=child, author=by, corrects=corrects, created_at=now)
    else:
        current = CaseNote.objects.select_for_update().get(pk=note.pk)
        if current.status != CaseNote.Status.DRAFT:
            raise ValidationError(REFUSED)
        if current.author_id != by.pk:
            raise ValidationError("Only its author changes a draft case note")
        if expected_version is None or current.version != expected_version:
            raise StaleError("This draft was saved elsewhere while you were working on it")
        current.version += 1
    current.occurred_at = occurred_at
    current.text = text
    current.full_clean()
    current.save()
    if complete:
        return _complete(current, now)
    return current


def _check_correction(corrects: CaseNote, child: Child) -> None:
    if corrects.child_id != child.pk:
        raise ValidationError("A correction is about the same child as the note it corrects")
    if corrects.status != CaseNote.Status.COMPLETED:
        raise ValidationError("Only a completed note is corrected; change the draft instead")


def _complete(current: CaseNote, now: dt.datetime) -> CaseNote:
    current.status = CaseNote.Status.COMPLETED
    current.completed_at = now
    current.version += 1
    current.full_clean()
    current.save()
    return current


def case_note_complete(
    *, note: CaseNote, by: User, expected_version: int, now: dt.datetime | None = None
) -> CaseNote:
    """Its author completes a draft as it stands: from then on it is append-only. Completing a
    completed note is refused (and audited); a stale form is refused."""
    _refuse_completed(note, by)
    return _complete_draft(note=note, by=by, expected_version=expected_version, now=now)


@transaction.atomic
def _complete_draft(
    *, note: CaseNote, by: User, expected_version: int, now: dt.datetime | None
) -> CaseNote:
    current = CaseNote.objects.select_for_update().get(pk=note.pk)
    if current.status != CaseNote.Status.DRAFT:
        raise ValidationError(REFUSED)
    if current.author_id != by.pk:
        raise ValidationError("Only its author completes a draft case note")
    if current.version != expected_version:
        raise StaleError("This draft was saved elsewhere while you were working on it")
    now = now or timezone.now()
    _check_content(occurred_at=current.occurred_at, text=current.text, now=now)
    return _complete(current, now)
