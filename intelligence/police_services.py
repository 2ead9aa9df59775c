"""Police handling of intelligence (issue 8, items 2 and 3; D12).

* ``report_handle``: a police-only user grades a report 3x5x2 (source 1-3, intelligence A-E,
  handling P/C: all three required), gives a police reference, may record the outcome (which
  closes it) and may write a sanitised version for partners and share it. The report moves
  new -> graded -> closed. Saved at the version the form was opened with: a stale form is
  refused (``StaleError``), never a lost update.
* ``pair_record``: police staff record what came by the automated PAIR phone line: the same
  report (``intelligence.services.report_submit`` and its rules), with the caller's name and
  organisation, recorded by the police user taking it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse_framework.workflow import StaleError
from intelligence import services
from intelligence.models import Report

GRADE_MESSAGES = {
    "source_grade": "Select the source grade (1, 2 or 3)",
    "intelligence_grade": "Select the intelligence grade (A to E)",
    "handling": "Select the handling code (P or C)",
}
REFERENCE_REQUIRED = "Enter the police reference"
SANITISED_REQUIRED = "Write the sanitised version before sharing it with partners"
OUTCOME_KEPT = "The outcome is recorded: choose another outcome or keep it"
CALLER_NAME_REQUIRED = "Enter the caller's name"
CALLER_ORGANISATION_REQUIRED = "Enter the caller's organisation"


def _validate_handling(
    current: Report, *, source_grade, intelligence_grade, handling, police_reference, outcome,
    sanitised, share,
) -> None:  # fmt: skip
    errors = {}
    given = {
        "source_grade": (source_grade, Report.SourceGrade.values),
        "intelligence_grade": (intelligence_grade, Report.IntelligenceGrade.values),
        "handling": (handling, Report.Handling.values),
    }
    for field, (value, allowed) in given.items():
        if value not in allowed:
            errors[field] = GRADE_MESSAGES[field]
    if not (police_reference or "").strip():
        errors["police_reference"] = REFERENCE_REQUIRED
    if outcome and outcome not in Report.Outcome.values:
        errors["outcome"] = "Select an outcome from the list"
    elif not outcome and current.outcome:
        errors["outcome"] = OUTCOME_KEPT
    if share and not (sanitised or "").strip():
        errors["sanitised"] = SANITISED_REQUIRED
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_handle(
    *,
    report: Report,
    by,
    expected_version: int | None,
    source_grade: str,
    intelligence_grade: str,
    handling: str,
    police_reference: str,
    outcome: str = "",
    sanitised: str = "",
    share: bool = False,
    now: dt.datetime | None = None,
) -> Report:
    """Grade and handle ``report`` (the caller has checked ``policy.HANDLE``). The grader and
    the time are recorded when the grading is first given or changes; the outcome's time when
    it is first recorded or changes; ``shared_with_partners_at`` when it is first shared (and
    cleared if police withdraw it)."""
    now = now or timezone.now()
    current = Report.objects.select_for_update().get(pk=report.pk)
    if expected_version is None or current.version != expected_version:
        raise StaleError("This report was changed by someone else while you were working on it")
    _validate_handling(
        current,
        source_grade=source_grade,
        intelligence_grade=intelligence_grade,
        handling=handling,
        police_reference=police_reference,
        outcome=outcome,
        sanitised=sanitised,
        share=share,
    )
    grades = (source_grade, intelligence_grade, handling)
    if (current.source_grade, current.intelligence_grade, current.handling) != grades:
        current.source_grade, current.intelligence_grade, current.handling = grades
        current.graded_by = by
        current.graded_at = now
    current.police_reference = police_reference.strip()
    if outcome != current.outcome:
        current.outcome = outcome
        current.outcome_at = now
    current.status = Report.Status.CLOSED if current.outcome else Report.Status.GRADED
    current.sanitised = sanitised.strip()
    if not share:
        current.shared_with_partners_at = None
    elif current.shared_with_partners_at is None:
        current.shared_with_partners_at = now
    current.version += 1
    current.save()
    return current


@transaction.atomic
def pair_record(*, by, caller_name: str, caller_organisation: str, **fields) -> Report:
    """A PAIR call recorded by police staff (``by``): ``report_submit``'s report and rules, with
    the caller's name and organisation; ``fields`` are ``report_submit``'s."""
    errors = {}
    if not (caller_name or "").strip():
        errors["caller_name"] = CALLER_NAME_REQUIRED
    if not (caller_organisation or "").strip():
        errors["caller_organisation"] = CALLER_ORGANISATION_REQUIRED
    try:
        report = services.report_submit(by=by, **fields)
    except ValidationError as error:
        raise ValidationError({**errors, **error.message_dict}) from error
    if errors:
        raise ValidationError(errors)
    report.channel = Report.Channel.PAIR
    report.caller_name = caller_name.strip()
    report.caller_organisation = caller_organisation.strip()
    report.save(update_fields=["channel", "caller_name", "caller_organisation"])
    return report
