"""Disposal under the retention schedule (issue 10, item 5): a child's personal data erased from
the live rows and from every history row, the coded fields kept, an erasure log without personal
data; refused while a clock or case is open or the record is on legal hold; a failure part-way
leaves everything as it was and the review says why; an intelligence report's text, links and
lone entities erased; and the declared erasure covers every text field of every model about a
child (a guard)."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.models import Deadline
from governance.retention import erasure, services
from governance.retention.models import ErasureGate, ErasureLog, RetentionReview
from intelligence.models import ChildLink, Mention, Person
from referrals.models import Child, ChildAlias, ChildIdentifier, ParentCarer, Referral
from shield.models import Assessment, CaseNote, ShieldCase
from tests.factories.retention import (
    ALIAS,
    FAMILY,
    GIVEN,
    NHS,
    NOTE,
    PARENT,
    PHONE,
    closed_child,
    ig_officer,
    report_with_entities,
    review_of,
)

pytestmark = pytest.mark.django_db

SECRETS = (GIVEN, FAMILY, ALIAS, PARENT, PHONE, NHS, NOTE, "Fictional Row", "ZZ9 9ZZ")


def _every_text_value() -> str:
    """Every row of every live and history table of the apps that hold records, as text."""
    dumped = []
    for label in ("referrals", "strategy", "shield", "macse", "intelligence", "timescales"):
        for model in apps.get_app_config(label).get_models():
            dumped.extend(str(row) for row in model._default_manager.values_list())
    return "\n".join(dumped)


def test_disposal_erases_the_child_and_everything_about_them_history_included():
    """Names, other names, address, postcode, identifiers, parents, the CSE1's and the notes'
    text and the completed CSE2's views are gone from every live and history row."""
    child = closed_child()
    text = _every_text_value()
    assert all(secret in text for secret in SECRETS)  # the test can fail

    log = services.review_dispose(review=review_of(child), by=ig_officer())

    text = _every_text_value()
    assert [secret for secret in SECRETS if secret in text] == []
    assert erasure.ERASED in text
    assert log.counts["referrals.child"]["rows"] == 1
    assert log.counts["referrals.child"]["history"] >= 1
    assert log.counts["shield.casenote"]["fields"] == 1
    assert log.counts["intelligence.childlink"]["deleted"] == 1


def test_coded_fields_and_dates_are_kept_and_the_date_of_birth_coarsened():
    """Sex, ethnicity, statuses, scores and dates stay, so aggregates still count the record;
    the date of birth becomes the first of its month, in the history too."""
    child = closed_child()
    before = Child.objects.get(pk=child.pk)
    cse2 = Assessment.objects.get(child=child)
    services.review_dispose(review=review_of(child), by=ig_officer())

    after = Child.objects.get(pk=child.pk)
    assert (after.given_names, after.family_name, after.postcode) == ("[erased]",) * 3
    assert after.date_of_birth == dt.date(2011, 5, 1)
    assert (after.gender, after.ethnicity, after.created_at) == (
        before.gender,
        before.ethnicity,
        before.created_at,
    )
    assert {row.date_of_birth for row in Child.history.filter(id=child.pk)} == {dt.date(2011, 5, 1)}
    referral = Referral.objects.get(child=child)
    assert referral.child_date_of_birth == dt.date(2011, 5, 1)
    assert referral.status == Referral.Status.TRIAGED and referral.received_at
    kept = Assessment.objects.get(pk=cse2.pk)
    assert (kept.status, kept.total, kept.band, kept.completed_at) == (
        cse2.status,
        cse2.total,
        cse2.band,
        cse2.completed_at,
    )
    assert kept.young_person_views == "[erased]"
    assert ChildAlias.objects.get(child=child).name == "[erased]"
    assert ParentCarer.objects.get(child=child).phone == "[erased]"
    assert ChildIdentifier.objects.get(child=child).value.startswith("[erased")


def test_the_erasure_log_holds_ids_and_counts_and_no_personal_data():
    child = closed_child()
    review = review_of(child)
    by = ig_officer()
    log = services.review_dispose(review=review, by=by)

    log = ErasureLog.objects.get(pk=log.pk)
    assert (log.record_type, log.object_id, log.erased_by, log.rule_version) == (
        "child",
        str(child.pk),
        by,
        review.rule.version,
    )
    assert log.rows > 5 and log.fields > 10
    stored = json.dumps(log.counts) + str(log)
    assert [secret for secret in SECRETS if secret in stored] == []
    review.refresh_from_db()
    assert (review.status, review.decided_by) == (RetentionReview.Status.DISPOSED, by)
    assert AccessEvent.objects.filter(
        user=by, action="change", object_id=str(child.pk), child_id=child.pk
    ).exists()


def _raw_update(table: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {COLUMN[table]} = %s WHERE id = %s", ["Changed", pk])


COLUMN = {"shield_assessment": "reason", "shield_casenote": "text"}


def test_the_gate_is_shut_after_a_disposal_and_completed_records_stay_protected():
    """The database's triggers let an update of a completed CSE2 or case note through only while
    a gate row exists, which a disposal opens and shuts inside its own transaction."""
    child = closed_child()
    cse2, note = Assessment.objects.get(child=child), CaseNote.objects.get(child=child)
    for table, pk in (("shield_assessment", cse2.pk), ("shield_casenote", note.pk)):
        with pytest.raises(IntegrityError), transaction.atomic():
            _raw_update(table, pk)
    services.review_dispose(review=review_of(child), by=ig_officer())
    assert not ErasureGate.objects.exists()
    for table, pk in (("shield_assessment", cse2.pk), ("shield_casenote", note.pk)):
        with pytest.raises(IntegrityError), transaction.atomic():
            _raw_update(table, pk)
        with transaction.atomic():  # the gate, as the disposal uses it
            gate = ErasureGate.objects.create()
            _raw_update(table, pk)
            gate.delete()


@pytest.mark.parametrize("what", ["clock", "shield_case", "social_care"])
def test_a_record_with_an_open_clock_or_case_is_refused_with_a_clear_message(what):
    child = closed_child()
    if what == "clock":
        deadline = Deadline.objects.filter(child=child).first()
        deadline.not_required_at = None
        deadline.met_at = None
        deadline.save()
        expected = "a clock is still open"
    elif what == "shield_case":
        case = ShieldCase.objects.get(child=child)
        case.status, case.closed_at = "open", None
        case.save()
        expected = "a Shield case is open"
    else:
        child.care_status = Child.CareStatus.CHILD_IN_NEED
        child.save()
        expected = "open to children's social care"
    review = review_of(child)

    with pytest.raises(ValidationError) as refused:
        services.review_dispose(review=review, by=ig_officer())

    assert "cannot be disposed of" in refused.value.messages[0]
    assert expected in refused.value.messages[0]
    review.refresh_from_db()
    assert review.status == RetentionReview.Status.DUE
    assert Child.objects.get(pk=child.pk).family_name == FAMILY
    assert not ErasureLog.objects.exists()


def test_a_record_on_legal_hold_is_never_disposed_of():
    child = closed_child()
    held = review_of(child, due_on=dt.date(2020, 1, 1))
    services.review_hold(review=held, reason="Civil claim (fictional)", by=ig_officer())
    with pytest.raises(ValidationError, match="legal hold"):
        services.review_dispose(review=review_of(child), by=ig_officer())
    assert Child.objects.get(pk=child.pk).family_name == FAMILY


def test_a_decided_review_cannot_be_disposed_of_again():
    child = closed_child()
    review = review_of(child)
    services.review_dispose(review=review, by=ig_officer())
    with pytest.raises(ValidationError, match="already been decided"):
        services.review_dispose(review=review, by=ig_officer())


def test_a_failure_part_way_leaves_the_record_intact_and_the_review_failed(monkeypatch):
    """Half the parts erased, then an error: the transaction rolls back, nothing is erased, the
    review is marked failed with a reason that names no data."""
    child = closed_child()
    review = review_of(child)
    real = erasure.erase_part
    done = []

    def failing(part, ids, counter, *, by):
        if len(done) == 12:
            raise RuntimeError(f"disk full while writing {GIVEN}")
        done.append(part.model)
        return real(part, ids, counter, by=by)

    monkeypatch.setattr(erasure, "erase_part", failing)
    with pytest.raises(services.DisposalFailed):
        services.review_dispose(review=review, by=ig_officer())

    assert Referral in done and Child in done  # erased before the failure, then rolled back
    assert Child.objects.get(pk=child.pk).family_name == FAMILY
    assert Child.history.filter(id=child.pk, family_name=FAMILY).exists()
    assert Referral.objects.get(child=child).circumstances.startswith(GIVEN)
    assert ChildLink.objects.filter(child=child).exists()
    assert not ErasureLog.objects.exists()
    assert not ErasureGate.objects.exists()
    review.refresh_from_db()
    assert review.status == RetentionReview.Status.FAILED
    assert "RuntimeError" in review.failure_reason and GIVEN not in review.failure_reason
    # A failed review can be tried again.
    monkeypatch.setattr(erasure, "erase_part", real)
    services.review_dispose(review=review, by=ig_officer())
    assert Child.objects.get(pk=child.pk).family_name == "[erased]"


def test_disposing_of_an_intelligence_report_erases_its_text_links_and_lone_entities():
    report, person = report_with_entities()
    shared = Person.objects.create(key="shared", display="Shared Person", name="Shared")
    Mention.objects.create(entity=shared, source=report)
    Mention.objects.create(entity=shared, source=closed_child().referrals.get())
    log = services.review_dispose(review=review_of(report=report), by=ig_officer())

    report.refresh_from_db()
    assert report.what_happened == report.caller_name == "[erased]"
    assert (report.status, report.outcome) == ("closed", "intelligence_log")
    assert not Mention.objects.filter(source_id=str(report.pk), entity_id=person.pk).exists()
    person.refresh_from_db()
    assert (person.name, person.display, person.key) == (
        "[erased]",
        "[erased]",
        f"erased-{person.pk}",
    )
    assert not Person.history.filter(id=person.pk, name="Rilo").exists()
    shared.refresh_from_db()
    assert shared.name == "Shared"  # still named by a child's CSE1
    assert log.counts["intelligence.mention"]["deleted"] == 2


def test_a_report_without_an_outcome_is_not_disposed_of():
    report, _ = report_with_entities()
    report.status = "graded"
    report.save()
    with pytest.raises(ValidationError, match="outcome has not been recorded"):
        services.review_dispose(review=review_of(report=report), by=ig_officer())


# --- The guard: the declared erasure covers every text field of every model about a child ----

TEXT = (models.CharField, models.TextField)


def _text_fields(model) -> set[str]:
    return {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT) and not f.choices and not f.primary_key
    }


def test_every_text_field_of_every_part_is_erased_or_kept_for_a_reason():
    for part in (*erasure.CHILD_PARTS, erasure.REPORT_PART):
        covered = set(part.names) | set(erasure.KEPT.get(part.model, {}))
        missing = _text_fields(part.model) - covered
        assert missing == set(), f"{part.model.__name__}: {sorted(missing)}"


def test_every_model_linked_to_a_child_is_erased_or_handled():
    """A new model with a link to a child must be added to the erasure (or said why not)."""
    handled = {part.model for part in erasure.CHILD_PARTS} | set(erasure.NOT_ERASED)
    about_children = set()
    for model in apps.get_models():
        if model._meta.app_label in ("retention",) or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in {Child, Referral, Assessment}:
                about_children.add(model)
    assert about_children - handled == set()


def test_subject_access_packs_and_break_glass_reasons_about_the_child_are_erased():
    """The subject-access pack holds the whole record; a break-glass reason may name the child."""
    from governance.breakglass.models import Grant
    from governance.subject_access.models import SubjectAccessPack, SubjectAccessRequest

    child = closed_child()
    officer = ig_officer()
    request = SubjectAccessRequest.objects.create(
        child=child,
        requester_kind="young_person",
        requester_name=f"{GIVEN} {FAMILY}",
        received_on=dt.date(2026, 8, 1),
        status="completed",
        recorded_by=officer,
        sent_to="4 Fictional Row",
    )
    pack = SubjectAccessPack.objects.create(
        request=request, number=1, made_by=officer, pdf=b"%PDF " + GIVEN.encode(), data=b"{}"
    )
    opened = dt.datetime(2026, 8, 2, 10, 0, tzinfo=dt.UTC)
    grant = Grant.objects.create(
        user=officer,
        child=child,
        reason=f"Urgent call about {GIVEN}",
        opened_at=opened,
        expires_at=opened + dt.timedelta(minutes=30),
    )
    services.review_dispose(review=review_of(child), by=officer)

    request.refresh_from_db()
    assert (request.requester_name, request.sent_to) == ("[erased]", "[erased]")
    assert not SubjectAccessRequest.history.filter(requester_name__contains=GIVEN).exists()
    pack.refresh_from_db()
    assert bytes(pack.pdf) == b"" and bytes(pack.data) == b""
    grant.refresh_from_db()
    assert grant.reason == "[erased]"
