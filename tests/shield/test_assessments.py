"""The CSE2 from draft to completed: field errors that keep the draft, stale saves refused, one
version however often it is completed, the version chain, the clocks it meets and starts, and
immutability through every path (the services, the model, queryset.update(), raw SQL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from shield import services
from shield.models import Assessment, CategoryScore
from shield.models.assessment import CompletedAssessmentError
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_assessment, make_case, scores, shield_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(ChildFactory(date_of_birth=dt.date(2011, 3, 1)))


def test_a_bad_score_is_a_field_error_and_the_draft_is_kept(case):
    draft = make_assessment(case.child, case.worker, complete=False)
    for bad, field in (({1: (7, "x")}, "score_1"), ({2: (3, "  ")}, "evidence_2")):
        with pytest.raises(ValidationError) as error:
            services.assessment_save_draft(
                assessment=draft, by=case.worker, expected_version=draft.version, scores=bad
            )
        assert field in error.value.message_dict
    draft.refresh_from_db()
    assert sorted(draft.scores.values_list("score", flat=True)) == [2] * 8


def test_a_second_save_of_the_same_draft_is_refused(case):
    draft = make_assessment(case.child, case.worker, complete=False)
    seen = draft.version
    services.assessment_save_draft(
        assessment=draft, by=case.worker, expected_version=seen, fields={"reason": "First"}
    )
    with pytest.raises(services.StaleError):
        services.assessment_save_draft(
            assessment=draft, by=case.worker, expected_version=seen, fields={"reason": "Second"}
        )
    draft.refresh_from_db()
    assert draft.reason == "First"


def test_completion_needs_every_score_the_rationale_and_the_young_persons_views(case):
    draft = services.assessment_start(
        child=case.child, kind="initial", by=case.worker, assessed_on=dt.date(2026, 6, 10)
    )
    with pytest.raises(ValidationError) as error:
        services.assessment_complete(
            assessment=draft, by=case.worker, expected_version=draft.version
        )
    assert {"score_1", "judgement_score", "judgement_rationale", "young_person_views"} <= set(
        error.value.message_dict
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_completion_problems_are_every_one_and_completion_refuses_exactly_them(case):
    """Of the stored draft, or of it with what a form would save laid over it: a value a save
    refuses (evidence missing) together with what completion needs; assessment_complete
    refuses the same, so the page and the service never disagree. Nothing is written."""
    draft = make_assessment(case.child, case.worker, complete=False, judgement_rationale="")
    laid_over = services.assessment_completion_problems(
        assessment=draft,
        fields={"young_person_views": "", "judgement_score": 9},
        scores={2: (4, "  "), 5: (None, "")},
    )
    assert set(laid_over) == {
        "evidence_2",
        "score_5",
        "judgement_score",
        "judgement_rationale",
        "young_person_views",
    }
    stored = services.assessment_completion_problems(assessment=draft)
    assert set(stored) == {"judgement_rationale"}
    with pytest.raises(ValidationError) as error:
        services.assessment_complete(
            assessment=draft, by=case.worker, expected_version=draft.version
        )
    assert error.value.message_dict == {name: [text] for name, text in stored.items()}
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.young_person_views
    assert sorted(draft.scores.values_list("score", flat=True)) == [2] * 8


def test_a_recorded_reason_stands_in_for_views_that_could_not_be_sought(case):
    done = make_assessment(
        case.child,
        case.worker,
        young_person_views="",
        views_not_sought_reason="Missing at the time of the assessment.",
    )
    assert done.completed


def test_completing_scores_it_and_completing_twice_makes_one_version(case):
    draft = make_assessment(
        case.child, case.worker, values=(3, 3, 3, 3, 3, 2, 0, 0), complete=False
    )
    done = services.assessment_complete(
        assessment=draft, by=case.worker, expected_version=draft.version
    )
    again = services.assessment_complete(
        assessment=draft, by=case.worker, expected_version=draft.version
    )
    assert again.pk == done.pk and Assessment.objects.filter(status="completed").count() == 1
    assert (done.total, done.computed_band, done.band) == (19, "medium", "medium")
    assert done.sequence == 1 and done.direction == "first" and done.previous is None
    assert done.monitoring.age == 15 and done.monitoring.gender == case.child.gender


def test_a_later_version_is_compared_with_the_previous_one(case):
    first = make_assessment(case.child, case.worker, values=(4,) * 8)
    second = make_assessment(
        case.child, case.worker, values=(1,) * 8, kind="review", on=dt.date(2026, 9, 10)
    )
    assert second.previous == first and second.sequence == 2
    assert second.direction == "decreased" and second.total < first.total


def test_a_correction_is_a_new_version_and_the_original_stays(case):
    original = make_assessment(case.child, case.worker, values=(2,) * 8)
    draft = services.assessment_start(
        child=case.child,
        kind="initial",
        by=case.worker,
        assessed_on=original.assessed_on,
        corrects=original,
    )
    assert sorted(draft.scores.values_list("score", flat=True)) == [2] * 8
    draft = services.assessment_save_draft(
        assessment=draft, by=case.worker, expected_version=draft.version, scores={1: (5, "Seen")}
    )
    corrected = services.assessment_complete(
        assessment=draft, by=case.worker, expected_version=draft.version
    )
    original.refresh_from_db()
    assert corrected.corrects == original and corrected.sequence == 2
    assert original.total == 18 and corrected.total == 21
    assert list(original.corrections.all()) == [corrected]


def test_a_draft_keeps_the_history_of_every_change(case):
    draft = make_assessment(case.child, case.worker, complete=False)
    services.assessment_save_draft(
        assessment=draft, by=case.worker, expected_version=draft.version, fields={"reason": "x"}
    )
    assert draft.history.count() >= 3


# --- Immutability -----------------------------------------------------------------------------


def test_the_service_refuses_to_change_a_completed_cse2_and_audits_it(case):
    done = make_assessment(case.child, case.worker)
    with pytest.raises(ValidationError):
        services.assessment_save_draft(
            assessment=done, by=case.worker, expected_version=done.version, fields={"reason": "x"}
        )
    refusal = AccessEvent.objects.get(action="deny", object_id=str(done.pk))
    assert refusal.user == case.worker and refusal.child_id == case.child.pk


def test_the_model_refuses_to_save_or_delete_a_completed_cse2(case):
    done = make_assessment(case.child, case.worker)
    done.reason = "Changed"
    with pytest.raises(CompletedAssessmentError):
        done.save()
    with pytest.raises(CompletedAssessmentError):
        done.delete()
    row = done.scores.first()
    row.score = 0
    with pytest.raises(CompletedAssessmentError):
        row.save()


def test_queryset_update_is_refused_and_audited(case):
    done = make_assessment(case.child, case.worker)
    with pytest.raises(CompletedAssessmentError):
        Assessment.objects.filter(pk=done.pk).update(total=0)
    assert AccessEvent.objects.filter(action="deny", object_id=str(done.pk)).exists()
    done.refresh_from_db()
    assert done.total == 18


def test_the_database_refuses_what_goes_around_the_model(case):
    """A raw UPDATE, the way a script or a bulk tool would change it, fails in the database."""
    done = make_assessment(case.child, case.worker)
    statements = [
        ("UPDATE shield_assessment SET total = 0 WHERE id = %s", done.pk),
        ("UPDATE shield_categoryscore SET score = 0 WHERE assessment_id = %s", done.pk),
        ("UPDATE shield_monitoringrecord SET nationality = 'x' WHERE assessment_id = %s", done.pk),
    ]
    if connection.vendor == "postgresql":
        statements.append(("DELETE FROM shield_assessment WHERE id = %s", done.pk))
    for sql, pk in statements:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    assert CategoryScore.objects.filter(assessment=done, score=2).count() == 8


# --- Clocks -----------------------------------------------------------------------------------


def test_completing_meets_the_initial_clock_and_starts_a_review_in_3_months(case):
    initial = Deadline.objects.get(kind=Kind.INITIAL_CSE2, child=case.child)
    assert initial.owner == case.worker
    done = make_assessment(case.child, case.worker, on=dt.date(2026, 8, 31))
    initial.refresh_from_db()
    assert initial.met_at == done.completed_at and initial.closed_by == done
    review = Deadline.objects.get(kind=Kind.CSE2_REVIEW, started_by_id=str(done.pk))
    assert review.due_at.date() == dt.date(2026, 11, 30)  # D5: 31 August => 30 November
    assert review.owner == case.worker


def test_an_open_child_gets_an_adult_services_clock_at_17_and_a_half():
    child = ChildFactory(date_of_birth=dt.date(2009, 2, 28))
    case = make_case(child)
    make_assessment(child, case.worker)
    clock = Deadline.objects.get(kind=Kind.ADULT_SERVICES, child=child)
    assert clock.due_at.date() == dt.date(2026, 8, 28)


def test_reallocation_keeps_the_history_and_moves_the_clocks(case):
    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    first = case.worker
    second = shield_worker()
    case = services.case_allocate(case=case, worker=second, by=manager, reason="Caseload")
    allocations = list(case.allocations.all())
    assert [a.worker for a in allocations] == [first, second]
    assert allocations[0].ended_at is not None and allocations[1].ended_at is None
    assert Deadline.objects.get(kind=Kind.INITIAL_CSE2, child=case.child).owner == second


def test_only_a_shield_team_manager_overrides_the_band_with_a_reason(case):
    done = make_assessment(case.child, case.worker)
    with pytest.raises(ValidationError):
        services.band_override(assessment=done, by=case.worker, band="high", reason="Worried")
    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    with pytest.raises(ValidationError):
        services.band_override(assessment=done, by=manager, band="high", reason=" ")
    override = services.band_override(
        assessment=done, by=manager, band="high", reason="Intelligence since the assessment."
    )
    done.refresh_from_db()
    assert override.band == "high" and done.band == "lower"


def test_scores_helper_is_the_default_scheme():
    assert len(scores()) == 8


def test_one_draft_at_a_time_and_no_future_or_foreign_corrections(case):
    draft = make_assessment(case.child, case.worker, complete=False)
    with pytest.raises(ValidationError, match="in progress"):
        services.assessment_start(
            child=case.child, kind="review", by=case.worker, assessed_on=draft.assessed_on
        )
    with pytest.raises(ValidationError) as error:
        services.assessment_start(
            child=ChildFactory(), kind="initial", by=case.worker, assessed_on=dt.date(2999, 1, 1)
        )
    assert "assessed_on" in error.value.message_dict
    done = services.assessment_complete(
        assessment=draft, by=case.worker, expected_version=draft.version
    )
    with pytest.raises(ValidationError, match="this child"):
        services.assessment_start(
            child=ChildFactory(),
            kind="initial",
            by=case.worker,
            assessed_on=done.assessed_on,
            corrects=done,
        )
    services.assessment_start(
        child=case.child,
        kind="initial",
        by=case.worker,
        assessed_on=done.assessed_on,
        corrects=done,
    )
    with pytest.raises(ValidationError, match="correction of this CSE2 is in progress"):
        services.assessment_start(
            child=case.child,
            kind="initial",
            by=case.worker,
            assessed_on=done.assessed_on,
            corrects=done,
        )
