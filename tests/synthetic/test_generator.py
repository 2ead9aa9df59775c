"""The synthetic-data generator: deterministic, every kind of object, never on real data."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max

from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.synthetic import generator
from cse_framework.synthetic.models import SyntheticDataSet
from cse_framework.synthetic.users import bench_email
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import add_calendar_months, add_working_days
from intelligence import synthetic as intelligence_synthetic
from macse import synthetic as macse_synthetic
from referrals.models import Child, Marf, Referral
from referrals.rules import age_on
from shield import scoring, services
from shield.models import (
    Allocation,
    Assessment,
    Flag,
    Incident,
    MissingEpisode,
    MonitoringRecord,
    ScoringScheme,
    ShieldCase,
)
from strategy.models import StrategyDiscussion, StrategyMeeting
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 1)


def _snapshot():
    children = list(
        Child.objects.order_by("id").values_list(
            "id", "given_names", "family_name", "date_of_birth", "gender", "postcode", "created_at"
        )
    )
    referrals = list(
        Referral.objects.order_by("id").values_list("id", "reference", "status", "received_at")
    )
    events = list(
        AccessEvent.objects.order_by("child_id", "at", "request_id").values_list(
            "child_id", "at", "action", "request_id"
        )
    )
    assessments = list(
        Assessment.objects.order_by("child_id", "assessed_on", "id").values_list(
            "child_id", "assessed_on", "status", "sequence", "total", "band", "completed_at"
        )
    )
    return children, referrals, events, assessments


def _generate_and_roll_back(seed: int):
    with transaction.atomic():
        plan = generator.generate(children=40, seed=seed, as_of=AS_OF)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return plan, snapshot


def test_same_seed_gives_the_same_data():
    """Deterministic: the same seed and date build identical rows."""
    first_plan, first = _generate_and_roll_back(seed=7)
    second_plan, second = _generate_and_roll_back(seed=7)
    assert first == second
    assert first_plan.counts == second_plan.counts
    _, other = _generate_and_roll_back(seed=8)
    assert other != first


def test_every_kind_of_object_is_produced():
    """Children, their access log, bench users for every role, and the marker."""
    plan = generator.generate(children=40, seed=1, as_of=AS_OF)
    assert Child.objects.count() == 40
    assert plan.counts["children"] == 40
    assert AccessEvent.objects.count() == plan.counts["access events"] > 0
    assert set(plan.counts) == {
        "children",
        "other names",
        "referrals",
        "MARFs",
        "clocks",
        "strategy discussions",
        "participants",
        "strategy meetings",
        "agreed actions",
        "strategy clocks",
        "Shield cases",
        "allocations",
        "missing episodes",
        "incidents",
        "CSE2 scores",
        "CSE2 data monitoring",
        "CSE2 assessments",
        "Shield clocks",
        "flags",
        *macse_synthetic.COUNTED,  # tests/macse/test_synthetic_macse.py
        *intelligence_synthetic.COUNTED,  # tests/intelligence/test_synthetic_intelligence.py
        "access events",
    }
    assert Referral.objects.count() == plan.counts["referrals"] >= 40
    assert Marf.objects.count() == plan.counts["MARFs"] > 0
    assert Deadline.objects.count() == (
        plan.counts["clocks"]
        + plan.counts["strategy clocks"]
        + plan.counts["Shield clocks"]
        + plan.counts["MACSE clocks"]
    )
    # Every referral has its 24-hour clock; each discussion closed its referral's, when held.
    assert Deadline.objects.filter(kind="strategy_discussion").count() == plan.counts["referrals"]
    discussions = StrategyDiscussion.objects.all()
    assert discussions.count() == plan.counts["strategy discussions"] > 0
    for discussion in discussions[:5]:
        met = Deadline.objects.get(kind="strategy_discussion", closed_by_id=str(discussion.pk))
        assert met.met_at == discussion.held_at and met.started_by == discussion.referral
    assert Deadline.objects.filter(kind="action").count() == (
        plan.counts["agreed actions"] + plan.counts["MACSE actions"]
    )
    assert plan.counts["agreed actions"] > 0
    meetings = StrategyMeeting.objects.count()
    assert Deadline.objects.filter(kind="strategy_meeting").count() == meetings
    # Every MARF belongs to a referral whose pathway needs one (1a).
    assert not Marf.objects.filter(referral__child_social_care="open").exists()
    # Name keys are set although the rows were bulk inserted, so matching finds them.
    assert not Child.objects.filter(family_name_key="").exists()
    assert Referral.objects.filter(status=Referral.Status.TRIAGED).exists()
    for role in RoleCode:
        assert User.objects.get(email=bench_email(role)).has_role(role)
    assert SyntheticDataSet.objects.get().children == 40
    assert Child.objects.first().history.count() == 1  # history written in bulk too


def test_children_are_10_to_17_with_fictional_details():
    """Ages 10-17 at the as-of date; made-up postcodes (D15)."""
    generator.generate(children=200, seed=2, as_of=AS_OF)
    ages = {child.age_on(AS_OF) for child in Child.objects.all()}
    assert ages <= set(range(10, 18))
    assert len(ages) >= 6
    assert all(child.postcode.startswith("ZZ") for child in Child.objects.all())


def test_refuses_a_database_with_real_children():
    """Never mixes synthetic data into a database that holds anything else."""
    ChildFactory()
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("generate_synthetic", children=5)


def test_refuses_to_run_twice():
    """One data set per database."""
    generator.generate(children=5, seed=1, as_of=AS_OF)
    with pytest.raises(generator.RefusedError, match="already holds"):
        generator.generate(children=5, seed=1, as_of=AS_OF)


def test_refuses_production(settings):
    """Synthetic data never goes into production."""
    settings.PRODUCTION = True
    with pytest.raises(generator.RefusedError, match="production"):
        generator.generate(children=5, seed=1, as_of=AS_OF)


# --- Shield (version 5) -----------------------------------------------------------------------


def _referred_to_shield() -> set:
    decided = Referral.objects.filter(decision="refer_to_shield").values_list("child_id", flat=True)
    discussed = {
        child_id
        for child_id, outcomes in StrategyDiscussion.objects.values_list("child_id", "outcomes")
        if "refer_to_shield" in outcomes
    }
    return set(decided) | discussed


def test_every_child_referred_to_shield_has_a_case_mostly_allocated():
    """D16: a case per child referred to Shield, by MASH or by a strategy discussion; most are
    allocated (with their allocation), the rest wait in the team's queue."""
    plan = generator.generate(children=150, seed=4, as_of=AS_OF)
    cases = ShieldCase.objects.all()
    assert set(cases.values_list("child_id", flat=True)) == _referred_to_shield()
    assert cases.count() == plan.counts["Shield cases"] > 20
    allocated = cases.filter(worker__isnull=False)
    assert allocated.count() >= 0.8 * cases.count()
    assert Allocation.objects.count() == allocated.count() == plan.counts["allocations"]
    assert not Allocation.objects.exclude(worker=F("case__worker")).exists()
    assert MissingEpisode.objects.filter(interview_done=True).exists()
    assert Flag.objects.count() == plan.counts["flags"] > 0
    assert Incident.objects.count() == plan.counts["incidents"] > 0


def test_every_completed_cse2_is_scored_numbered_and_compared_like_the_service(monkeypatch):
    """Its band and total are the scheme's scoring of its own scores (D1-D3); versions are
    numbered 1..n (at most 12) per child, each compared with the one before; every assessment
    has its data monitoring; the history was written too. (Written a few cases at a time.)"""
    monkeypatch.setattr("shield.synthetic.CHUNK", 7)
    generator.generate(children=150, seed=4, as_of=AS_OF)
    scheme = ScoringScheme.objects.prefetch_related("categories", "bands", "floors").get(
        current=True
    )
    completed = (
        Assessment.objects.filter(status="completed")
        .select_related("previous", "monitoring")
        .prefetch_related("scores__category")
        .order_by("child_id", "sequence")
    )
    assert completed.count() > 100
    births = dict(Child.objects.values_list("id", "date_of_birth"))
    versions = {}
    for done in completed:
        result = scoring.score(
            scheme,
            scoring.Answers(
                scores={row.category.number: row.score for row in done.scores.all()},
                judgement=done.judgement_score,
                age=age_on(births[done.child_id], done.assessed_on),
                learning_disability=done.learning_disability,
                disclosure=done.disclosure,
            ),
        )
        assert (done.total, done.computed_band, done.band) == (
            result.total,
            result.computed_band,
            result.band,
        )
        assert (done.floor_band, done.floor_reason) == (result.floor_band, result.floor_reason)
        before = versions.get(done.child_id)
        assert done.previous == before and done.sequence == (before.sequence + 1 if before else 1)
        assert done.direction == scoring.direction(before.total if before else None, done.total)
        assert done.kind == "initial" if before is None else done.kind in ("review", "incident")
        assert done.monitoring.age == age_on(births[done.child_id], done.assessed_on)
        versions[done.child_id] = done
    assert {done.sequence for done in versions.values()} <= set(range(1, 13))
    assert max(done.sequence for done in versions.values()) >= 6
    directions = set(completed.values_list("direction", flat=True))
    assert {"first", "increased", "decreased", "same"} <= directions
    assert len(set(completed.values_list("band", flat=True))) == 3
    drafts = Assessment.objects.filter(status="draft")
    assert 0 < drafts.count() < 0.2 * ShieldCase.objects.exclude(worker=None).count()
    assert not Assessment.objects.filter(assessed_on__gt=AS_OF).exists()
    assert not completed.filter(completed_at__date__gt=AS_OF).exists()
    assert MonitoringRecord.objects.count() == Assessment.objects.count()
    # The history was written too, as it happened: a draft, then completed (version 8).
    history = completed.first().history.order_by("history_date")
    assert [row.status for row in history] == ["draft", "completed"]


def test_the_cse2_clocks_are_met_by_the_next_version_and_the_last_is_open():
    """D5, D16, D17: each initial clock met by the first CSE2, each review started by a CSE2 and
    met by the next (the last open), each incident's review due in 5 working days."""
    generator.generate(children=150, seed=4, as_of=AS_OF)
    assessment_type = ContentType.objects.get_for_model(Assessment)
    reviews = {
        clock.started_by_id: clock
        for clock in Deadline.objects.filter(kind="cse2_review", started_by_type=assessment_type)
    }
    completed = Assessment.objects.filter(status="completed").order_by("child_id", "sequence")
    assert len(reviews) == completed.count()
    by_child = {}
    for done in completed:
        by_child.setdefault(done.child_id, []).append(done)
    for versions in by_child.values():
        for this, following in zip(versions, [*versions[1:], None], strict=True):
            review = reviews[str(this.pk)]
            assert review.due_at.date() == add_calendar_months(this.assessed_on, 3)
            if following is None:
                assert review.is_open
            else:
                assert review.met_at == following.completed_at
                assert review.closed_by_id == str(following.pk)
        initial = Deadline.objects.filter(kind="initial_cse2", child_id=versions[0].child_id)
        assert initial.filter(closed_by_id=str(versions[0].pk)).exists()
        assert not initial.filter(met_at__isnull=True, starts_at__lt=versions[0].completed_at)
    unallocated = ShieldCase.objects.filter(worker__isnull=True).values_list("child_id")
    assert not Assessment.objects.filter(child_id__in=unallocated).exists()
    incident_type = ContentType.objects.get_for_model(Incident)
    for incident in Incident.objects.all():
        clock = Deadline.objects.get(started_by_type=incident_type, started_by_id=str(incident.pk))
        assert clock.kind == "cse2_review" and clock.starts_at == incident.recorded_at
        assert clock.due_at == add_working_days(incident.recorded_at, 5)
        if clock.met_at:
            closing = Assessment.objects.get(pk=clock.closed_by_id)
            assert closing.completed_at > incident.recorded_at
    assert not Deadline.objects.filter(kind="initial_cse2", owner__isnull=True).exclude(
        child_id__in=unallocated
    )


def test_the_generated_cse2s_are_as_immutable_as_any():
    """The triggers still refuse what goes around the model, the foreign keys hold at commit,
    and a CSE2 started afterwards gets a fresh number."""
    generator.generate(children=60, seed=5, as_of=AS_OF)
    connection.check_constraints()
    done = Assessment.objects.filter(status="completed").first()
    for sql in (
        "UPDATE shield_assessment SET total = 0 WHERE id = %s",
        "UPDATE shield_categoryscore SET score = 0 WHERE assessment_id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [done.pk])
    child = Child.objects.get(pk=done.child_id)
    worker = User.objects.get(email=bench_email(RoleCode.SHIELD_WORKER))
    draft = services.assessment_start(child=child, kind="review", by=worker, assessed_on=AS_OF)
    assert draft.pk > Assessment.objects.exclude(pk=draft.pk).aggregate(last=Max("id"))["last"]
