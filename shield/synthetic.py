"""Synthetic Shield work (D15, D16, D1-D3, D5, D17). For each child referred to Shield, by MASH's
decision or a strategy discussion's outcome: a case, allocated (the bench Shield worker holds 60,
synthetic Shield workers 40 each; some still in the team's queue); completed CSE2 versions about
every 3 months since it opened (1 to 12), their risk drifting up or down and scored by
shield.scoring against the current scheme,
with their scores and data monitoring, and a few drafts in progress; the CSE2 clocks (each
initial clock met by the first CSE2 after it, each review started by a CSE2 and met by the next,
the last still open); incidents, each with a CSE2 review clock due in 5 working days and an
assessment after it; missing episodes with return home interviews; and a few flags. Everything
invented.

A completed CSE2 never changes, and its parts cannot be inserted once it is completed (the
triggers of migration 0002 refuse). So its parts (scores, data monitoring) are inserted first and
the completed assessment after them, in the generator's one transaction: the foreign keys are
checked at commit (Django declares them DEFERRABLE INITIALLY DEFERRED on PostgreSQL and SQLite),
and when each part is inserted there is no completed parent for the trigger to protect. No row
is ever updated to "completed". The assessments' ids are therefore given here, and the table's
sequence is moved past them afterwards, as loaddata does."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from cse_framework.accounts.models import Agency, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.synthetic.bulk import bulk_change, bulk_insert, changed
from cse_framework.timescales.clocks import Kind, clock, thresholds
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON, add_calendar_months, add_working_days
from referrals.models import Child, Referral
from referrals.rules import age_on
from shield import scoring
from shield.models import (
    Allocation,
    Assessment,
    CategoryScore,
    Flag,
    Incident,
    MissingEpisode,
    MonitoringRecord,
    ScoringScheme,
    ShieldCase,
)
from strategy.models import StrategyDiscussion

MAX_VERSIONS = 12
REFER_TO_SHIELD = "refer_to_shield"
INCIDENT_REVIEW_WORKING_DAYS = 5  # D17
DRAFT_DAYS = 14
BENCH_CASELOAD = 60  # the bench Shield worker's caseload (the "a worker with 60")
CASELOAD = 40  # each synthetic Shield worker's
QUEUE_DAYS = 21  # a case opened in the last three weeks may still wait for a worker
TRENDS = [1, -1, 0]  # risk rising, falling (most, with Shield's help) and level
TREND_WEIGHTS = [25, 50, 25]
ENGAGEMENT = [choice for choice, _ in Assessment.Engagement.choices]
LIVING = [choice for choice, _ in MonitoringRecord.Living.choices]
LIVING_WEIGHTS = [60, 10, 12, 8, 5, 1, 4]
EDUCATION = [choice for choice, _ in MonitoringRecord.Education.choices]
EDUCATION_WEIGHTS = [55, 8, 10, 10, 5, 7, 5]
AGENCY_STATUS = {
    "not_known": MonitoringRecord.AgencyStatus.EARLY_HELP,
    "child_in_need": MonitoringRecord.AgencyStatus.CHILD_IN_NEED,
    "child_protection": MonitoringRecord.AgencyStatus.CHILD_PROTECTION,
    "looked_after": MonitoringRecord.AgencyStatus.LOOKED_AFTER,
}
YES_NO = ["yes", "no", "not_known"]


@dataclass
class Opening:
    """What referred a child to Shield: it starts an initial-CSE2 clock (D16)."""

    at: dt.datetime
    reference: str
    started_by_type: ContentType
    started_by_id: str
    recorded: dt.datetime  # when it was recorded, which started the clock
    clock: Deadline | None = None  # the strategy part already wrote a discussion's clock


@dataclass
class Completion:
    assessment: Assessment
    at: dt.datetime


@dataclass
class Built:
    """Everything built, in the order it is inserted."""

    cases: list = field(default_factory=list)
    allocations: list = field(default_factory=list)
    episodes: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    monitoring: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    # (child, worker, allocated_at, openings, completions, incidents), for the clocks once ids
    # are known
    timelines: list = field(default_factory=list)
    flags: list = field(default_factory=list)


def _synthetic_worker(number: int, team):
    """A fictional Shield worker with no password (never signs in)."""
    user = User.objects.create_user(
        f"synthetic.shield.worker.{number:05d}@example.org",
        None,
        full_name=f"Synthetic Shield worker {number}",
        job_title="Shield worker",
        agency=team.agency,
        team=team,
    )
    user.roles.add(RoleCode.SHIELD_WORKER)
    return user


def _user(plan, role: str):
    return next(u for u in plan.users if u.email.startswith(f"bench.{role}@"))


def _openings(plan) -> dict:
    """Each child's referrals to Shield, oldest first: MASH's decisions, then the outcomes of
    strategy discussions (which the strategy part already gave their initial-CSE2 clocks)."""
    found = defaultdict(list)
    referral_type = ContentType.objects.get_for_model(Referral)
    discussion_type = ContentType.objects.get_for_model(StrategyDiscussion)
    for referral in plan.referrals_by_pk.values():
        if referral.decision == Referral.Decision.REFER_TO_SHIELD and referral.triaged_at:
            found[referral.child_id].append(
                Opening(
                    referral.triaged_at,
                    referral.reference,
                    referral_type,
                    str(referral.pk),
                    referral.triaged_at,
                )
            )
    clocks = {
        deadline.started_by_id: deadline
        for deadline in Deadline.objects.filter(
            kind=Kind.INITIAL_CSE2, started_by_type=discussion_type
        )
    }
    discussions = StrategyDiscussion.objects.order_by("held_at", "id").values_list(
        "id", "child_id", "referral_id", "held_at", "recorded_at", "outcomes"
    )
    for pk, child_id, referral_id, held_at, recorded_at, outcomes in discussions:
        if REFER_TO_SHIELD in outcomes:
            reference = plan.referrals_by_pk[referral_id].reference
            found[child_id].append(
                Opening(
                    held_at, reference, discussion_type, str(pk), recorded_at, clocks.get(str(pk))
                )
            )
    for openings in found.values():
        openings.sort(key=lambda opening: opening.at)
    return found


def _referrals(plan) -> tuple[dict, dict]:
    """Each child's first referral (its source and date) and the models of exploitation their
    referrals name, as the data monitoring copies them."""
    first, models = {}, defaultdict(set)
    for referral in plan.referrals_by_pk.values():
        models[referral.child_id].update(referral.models_of_exploitation)
        known = first.get(referral.child_id)
        if referral.received_at and (known is None or referral.received_at < known.received_at):
            first[referral.child_id] = referral
    return first, models


class Generator:
    def __init__(self, plan):
        self.plan = plan
        self.rng = plan.rng
        self.now = dt.datetime.combine(plan.as_of, dt.time(12), tzinfo=LONDON)
        self.worker = _user(plan, "shield_worker")
        self.manager = _user(plan, "shield_team_manager")
        self.police_officer = _user(plan, "police_intelligence_officer")
        self.team = self.manager.team
        self.police = Agency.objects.get_or_create(
            name="Synthetic police", defaults={"kind": Agency.Kind.POLICE}
        )[0]
        self.scheme = ScoringScheme.objects.prefetch_related("categories", "bands", "floors").get(
            current=True
        )
        self.categories = list(self.scheme.categories.all())
        self.next_id = (Assessment.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        self.first_referrals, self.models = _referrals(plan)
        self.built = Built()
        self.holder = self.worker  # who holds the case being built
        self.caseloads = {"bench": 0, "current": None, "count": 0, "made": 0}

    # --- Caseloads ----------------------------------------------------------------------------

    def _next_holder(self):
        """The bench Shield worker holds the first BENCH_CASELOAD cases (the caseload the
        benchmark reads); the rest go to synthetic Shield workers, CASELOAD each, as a real team
        shares its cases."""
        loads = self.caseloads
        if loads["bench"] < BENCH_CASELOAD:
            loads["bench"] += 1
            return self.worker
        if loads["current"] is None or loads["count"] >= CASELOAD:
            loads["made"] += 1
            loads["current"] = _synthetic_worker(loads["made"], self.team)
            loads["count"] = 0
        loads["count"] += 1
        return loads["current"]

    # --- One child ----------------------------------------------------------------------------

    def child(self, child, openings: list[Opening]) -> None:
        rng = self.rng
        opened = openings[0].at
        recent = (self.now - opened).days < QUEUE_DAYS
        allocated = rng.random() < (0.5 if recent else 0.97)
        self.holder = self._next_holder() if allocated else self.worker
        case = ShieldCase(
            child_id=child["id"],
            team=self.team,
            worker=self.holder if allocated else None,
            opened_at=opened,
            reference=openings[0].reference,
            version=2 if allocated else 1,
        )
        case._history_date = opened
        self.built.cases.append(case)
        if not allocated:
            self.built.timelines.append((child, None, None, openings, [], []))
            return
        allocated_at = min(opened + dt.timedelta(hours=rng.randrange(2, 72)), self.now)
        changed(case, allocated_at, worker=None, version=1)  # in the team's queue until then
        self.built.allocations.append(
            Allocation(
                case=case,
                child_id=child["id"],
                worker=self.holder,
                allocated_by=self.manager,
                allocated_at=allocated_at,
            )
        )
        episodes = self.episodes(child, opened)
        incidents = self.incidents(child, opened)
        completions = self.assessments(child, allocated_at, episodes, incidents)
        self.built.timelines.append(
            (child, self.holder, allocated_at, openings, completions, incidents)
        )
        if completions and rng.random() < 0.15:
            self.flag(child, completions)

    def episodes(self, child, opened: dt.datetime) -> list[MissingEpisode]:
        rng = self.rng
        if rng.random() >= 0.4:
            return []
        start = opened - dt.timedelta(days=60)
        span = int((self.now - start).total_seconds() // 3600) - 24
        found = []
        for _ in range(rng.randrange(1, 7)):
            went = start + dt.timedelta(hours=rng.randrange(max(span, 1)))
            back = went + dt.timedelta(hours=rng.randrange(2, 96))
            returned = back if back < self.now else None
            interviewed = returned is not None and rng.random() < 0.75
            interview_on = None
            if interviewed:
                interview_on = min(
                    returned.astimezone(LONDON).date() + dt.timedelta(days=rng.randrange(4)),
                    self.plan.as_of,
                )
            episode = MissingEpisode(
                child_id=child["id"],
                went_missing_at=went,
                returned_at=returned,
                reported_to_police=rng.random() < 0.85,
                interview_done=interviewed,
                interview_by="Synthetic return home interviewer" if interviewed else "",
                interview_on=interview_on,
                notes="Synthetic episode.",
                recorded_by=self.holder,
                recorded_at=min((returned or went) + dt.timedelta(hours=1), self.now),
            )
            if interviewed:  # the interview recorded on its day, after the episode
                at = dt.datetime.combine(interview_on, dt.time(16), tzinfo=LONDON)
                changed(
                    episode,
                    min(max(at, episode.recorded_at), self.now),
                    interview_done=False,
                    interview_by="",
                    interview_on=None,
                )
            found.append(episode)
        self.built.episodes.extend(found)
        return sorted(found, key=lambda episode: episode.went_missing_at)

    def incidents(self, child, opened: dt.datetime) -> list[Incident]:
        rng = self.rng
        if rng.random() >= 0.2:
            return []
        first_possible = opened + dt.timedelta(days=20)
        span = int((self.now - first_possible).total_seconds() // 3600) - 2
        if span <= 0:
            return []
        found = []
        for _ in range(rng.randrange(1, 3)):
            occurred = first_possible + dt.timedelta(hours=rng.randrange(span))
            found.append(
                Incident(
                    child_id=child["id"],
                    occurred_at=occurred,
                    description="Synthetic incident.",
                    recorded_by=self.holder,
                    recorded_at=min(occurred + dt.timedelta(hours=rng.randrange(1, 24)), self.now),
                )
            )
        self.built.incidents.extend(found)
        return sorted(found, key=lambda incident: incident.recorded_at)

    def assessments(self, child, allocated_at, episodes, incidents) -> list[Completion]:
        """Versions about every 3 months from the first (an incident brings the next forward),
        until the as-of date; one in progress may be a draft."""
        rng = self.rng
        day = (allocated_at + dt.timedelta(days=rng.randrange(1, 13))).astimezone(LONDON).date()
        kind = Assessment.Kind.INITIAL
        trend = rng.choices(TRENDS, TREND_WEIGHTS)[0]
        level = rng.randrange(1, 5)
        values = {c.number: max(0, min(6, level + rng.randrange(-2, 3))) for c in self.categories}
        judgement = rng.randrange(0, 5)
        disclosure = rng.random() < 0.05
        completions: list[Completion] = []
        waiting = list(incidents)
        while len(completions) < MAX_VERSIONS:
            completed_at = dt.datetime.combine(
                day + dt.timedelta(days=rng.choices([0, 1, 2], [70, 20, 10])[0]),
                dt.time(rng.randrange(10, 17), rng.randrange(60)),
                tzinfo=LONDON,
            )
            if completed_at >= self.now:
                # Due within a fortnight: the worker may have started it already.
                if (day - self.plan.as_of).days <= DRAFT_DAYS and rng.random() < 0.4:
                    started = self.plan.as_of - dt.timedelta(days=rng.randrange(4))
                    self.draft(child, min(day, started), kind, values)
                break
            previous = completions[-1].assessment if completions else None
            done = self.completed(
                child, day, kind, values, judgement, disclosure, previous, completed_at, episodes
            )
            completions.append(Completion(done, completed_at))
            # The next: in 3 calendar months (D5), sooner after an incident (D17).
            waiting = [i for i in waiting if i.recorded_at > completed_at]
            regular = add_calendar_months(day, 3) + dt.timedelta(days=rng.randrange(-14, 8))
            regular_at = dt.datetime.combine(regular, dt.time(12), tzinfo=LONDON)
            if waiting and waiting[0].recorded_at < regular_at:
                recorded = waiting.pop(0).recorded_at.astimezone(LONDON).date()
                day = recorded + dt.timedelta(days=rng.randrange(1, 8))
                kind = Assessment.Kind.INCIDENT
            else:
                day, kind = regular, Assessment.Kind.REVIEW
            values, judgement = self.drift(values, judgement, trend)
        return completions

    def drift(self, values: dict, judgement: int, trend: int) -> tuple[dict, int]:
        rng = self.rng
        moved = {}
        for number, value in values.items():
            step = trend if rng.random() < 0.4 else 0
            step += rng.choice([-1, 0, 0, 0, 1])
            moved[number] = max(0, min(6, value + step))
        judgement = max(0, min(6, judgement + (trend if rng.random() < 0.3 else 0)))
        return moved, judgement

    def _new_id(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def _scores(self, assessment_id: int, values: dict) -> None:
        self.built.scores.extend(
            CategoryScore(
                assessment_id=assessment_id,
                category=category,
                score=values[category.number],
                evidence="Synthetic evidence." if values[category.number] else "",
            )
            for category in self.categories
            if category.number in values
        )

    def _monitoring(self, assessment_id: int, child) -> MonitoringRecord:
        rng = self.rng
        return MonitoringRecord(
            assessment_id=assessment_id,
            first_language="English",
            nationality="British",
            online_element=rng.choices(YES_NO, [45, 35, 20])[0],
            perpetrators=rng.choice(MonitoringRecord.Perpetrators.values),
            living_situation=rng.choices(LIVING, LIVING_WEIGHTS)[0],
            placed_out_of_area=bool(child["placing_authority"]) and rng.random() < 0.5,
            agency_status=AGENCY_STATUS[child["care_status"]],
            education=rng.choices(EDUCATION, EDUCATION_WEIGHTS)[0],
            substance_misuse=rng.choices(YES_NO, [35, 45, 20])[0],
            mental_health_concerns=rng.choices(YES_NO, [40, 40, 20])[0],
            offending=rng.choices(YES_NO, [15, 70, 15])[0],
            domestic_violence=rng.choices(YES_NO, [30, 50, 20])[0],
        )

    def draft(self, child, day: dt.date, kind: str, values: dict) -> None:
        pk = self._new_id()
        self._scores(pk, {n: v for n, v in values.items() if n <= 4})
        self.built.monitoring.append(self._monitoring(pk, child))
        self.built.assessments.append(
            Assessment(
                id=pk,
                child_id=child["id"],
                scheme=self.scheme,
                kind=kind,
                assessed_on=day,
                reason="Synthetic draft in progress.",
                lead_professional=self.holder,
                created_by=self.holder,
                created_at=dt.datetime.combine(day, dt.time(9), tzinfo=LONDON),
                version=2,
            )
        )

    def completed(
        self, child, day, kind, values, judgement, disclosure, previous, completed_at, episodes
    ) -> Assessment:
        rng = self.rng
        pk = self._new_id()
        learning_disability = child["learning_disability"] == "yes"
        result = scoring.score(
            self.scheme,
            scoring.Answers(
                scores=values,
                judgement=judgement,
                age=age_on(child["date_of_birth"], day),
                learning_disability=learning_disability,
                disclosure=disclosure,
            ),
        )
        self._scores(pk, values)
        monitoring = self._monitoring(pk, child)
        # Copied from the records at completion (D20), as the service does.
        since = completed_at - dt.timedelta(days=91)
        recent = [e for e in episodes if since <= e.went_missing_at < completed_at]
        first = self.first_referrals.get(child["id"])
        monitoring.age = age_on(child["date_of_birth"], day)
        monitoring.gender = child["gender"]
        monitoring.ethnicity = child["ethnicity"]
        monitoring.disability = child["disability"]
        monitoring.looked_after = child["care_status"] == Child.CareStatus.LOOKED_AFTER
        monitoring.legal_status = child["legal_status"]
        monitoring.placing_authority = child["placing_authority"]
        monitoring.models_of_exploitation = sorted(self.models.get(child["id"], ()))
        monitoring.missing_episodes_3_months = len(recent)
        monitoring.return_interviews_3_months = sum(e.interview_done for e in recent)
        monitoring.referral_source_id = first.referrer_agency_id if first else None
        monitoring.first_referred_on = (
            first.received_at.astimezone(LONDON).date() if first else None
        )
        self.built.monitoring.append(monitoring)
        sought = rng.random() < 0.9
        assessment = Assessment(
            id=pk,
            child_id=child["id"],
            scheme=self.scheme,
            kind=kind,
            status=Assessment.Status.COMPLETED,
            assessed_on=day,
            reason="Synthetic.",
            lead_professional=self.holder,
            learning_disability=learning_disability,
            disclosure=disclosure,
            judgement_score=judgement,
            judgement_rationale="Synthetic judgement.",
            young_person_views="Synthetic views." if sought else "",
            views_not_sought_reason="" if sought else "Missing at the time (synthetic).",
            willingness_to_engage=rng.choice(ENGAGEMENT),
            total=result.total,
            computed_band=result.computed_band,
            floor_band=result.floor_band,
            floor_reason=result.floor_reason,
            band=result.band,
            previous=previous,
            direction=scoring.direction(previous.total if previous else None, result.total),
            sequence=(previous.sequence + 1) if previous else 1,
            created_by=self.holder,
            created_at=dt.datetime.combine(day, dt.time(9), tzinfo=LONDON),
            completed_by=self.holder,
            completed_at=completed_at,
            version=rng.randrange(2, 6),
        )
        # A draft from the morning of its day until completed (shield.services).
        changed(
            assessment,
            completed_at,
            status=Assessment.Status.DRAFT,
            total=None,
            computed_band="",
            floor_band="",
            floor_reason="",
            band="",
            previous=None,
            direction="",
            sequence=None,
            completed_by=None,
            completed_at=None,
            version=assessment.version - 1,
        )
        self.built.assessments.append(assessment)
        return assessment

    def flag(self, child, completions: list[Completion]) -> None:
        rng = self.rng
        first = completions[0]
        decided = min(
            first.at.astimezone(LONDON).date() + dt.timedelta(days=rng.randrange(15)),
            self.plan.as_of,
        )
        removed = decided + dt.timedelta(days=rng.randrange(30, 200))
        removing = rng.random() < 0.2 and removed <= self.plan.as_of
        flag = Flag(
            child_id=child["id"],
            kind=Flag.Kind.POLICE_CSE,
            agency=self.police,
            risk_level=first.assessment.band,
            rationale="Synthetic: CSE2 and police intelligence.",
            decided_on=decided,
            decided_by=self.police_officer,
            removed_on=removed if removing else None,
            removal_reason="Risk reduced (synthetic)." if removing else "",
            removed_by=self.police_officer if removing else None,
        )
        flag._history_date = max(self._on(decided), first.at)
        if removing:
            changed(flag, self._on(removed), removed_on=None, removal_reason="", removed_by=None)
        self.built.flags.append(flag)

    def _on(self, day: dt.date) -> dt.datetime:
        """When something recorded only by its day was recorded: that day's afternoon, or the
        as-of time on the as-of day."""
        return min(dt.datetime.combine(day, dt.time(15), tzinfo=LONDON), self.now)

    # --- Clocks -------------------------------------------------------------------------------

    def clocks(self, built: Built) -> tuple[list[Deadline], list[Deadline]]:
        """New clocks to insert, and the strategy part's initial clocks that change (their owner,
        and the CSE2 that met them). Each initial or incident clock is met by the first CSE2
        completed after it started; each review clock by the next version (D5, D16, D17). Each
        is dated when it started, and met when the CSE2 that met it was completed."""
        assessment_type = ContentType.objects.get_for_model(Assessment)
        incident_type = ContentType.objects.get_for_model(Incident)
        review = clock(Kind.CSE2_REVIEW)
        new, later = [], []

        def met(after: dt.datetime, completions) -> dict:
            done = next((c for c in completions if c.at > after), None)
            if done is None:
                return {}
            return {
                "met_at": done.at,
                "closed_by_type": assessment_type,
                "closed_by_id": str(done.assessment.pk),
            }

        for child, worker, allocated_at, openings, completions, incidents in built.timelines:
            owned = {"owning_team": self.team, "owner": worker}
            for opening in openings:
                closing = met(opening.at, completions)
                if opening.clock is None:
                    new.append(self._initial(child, opening, owned, allocated_at, closing))
                elif worker is not None or closing:
                    later.append(self._owned(opening, owned, allocated_at, closing))
            for number, completion in enumerate(completions):
                done = completion.assessment
                starts = dt.datetime.combine(done.assessed_on, dt.time(17), tzinfo=LONDON)
                closing = met(completion.at, completions[number + 1 :])
                review_clock = Deadline(
                    kind=Kind.CSE2_REVIEW,
                    child_id=child["id"],
                    started_by_type=assessment_type,
                    started_by_id=str(done.pk),
                    starts_at=starts,
                    **review.thresholds(starts),
                    **owned,
                    **closing,
                )
                new.append(_dated(review_clock, completion.at, closing))
            for incident in incidents:
                starts = incident.recorded_at
                due = add_working_days(starts, INCIDENT_REVIEW_WORKING_DAYS)
                closing = met(starts, completions)
                incident_clock = Deadline(
                    kind=Kind.CSE2_REVIEW,
                    child_id=child["id"],
                    started_by_type=incident_type,
                    started_by_id=str(incident.pk),
                    starts_at=starts,
                    **thresholds(starts, due),
                    **owned,
                    **closing,
                )
                new.append(_dated(incident_clock, starts, closing))
        return new, later

    def _initial(self, child, opening: Opening, owned: dict, allocated_at, closing) -> Deadline:
        """A new initial-CSE2 clock, owned by the worker from when the case was allocated."""
        deadline = Deadline(
            kind=Kind.INITIAL_CSE2,
            child_id=child["id"],
            started_by_type=opening.started_by_type,
            started_by_id=opening.started_by_id,
            starts_at=opening.at,
            **clock(Kind.INITIAL_CSE2).thresholds(opening.at),
            **owned,
            **closing,
        )
        if owned["owner"] is not None and allocated_at > opening.recorded:
            changed(deadline, allocated_at, owner=None)
        return _dated(deadline, opening.recorded, closing)

    def _owned(self, opening: Opening, owned: dict, allocated_at, closing) -> Deadline:
        """The strategy part's initial clock, owned by the worker once the case was allocated
        and met by the first CSE2."""
        deadline = opening.clock
        if owned["owner"] is not None:
            at = max(allocated_at, opening.recorded)
            changed(deadline, at, owner=None, version=deadline.version)
        for name, value in {**owned, **closing}.items():
            setattr(deadline, name, value)
        deadline.version += 1
        if closing:
            was_met(deadline, closing["met_at"])
        return deadline


def _dated(deadline: Deadline, at: dt.datetime, closing: dict) -> Deadline:
    """Started at ``at``; met (if it was) when the CSE2 that met it was completed."""
    deadline._history_date = at
    if closing:
        was_met(deadline, closing["met_at"])
    return deadline


def was_met(deadline: Deadline, at: dt.datetime) -> None:
    """The clock was open until ``at``, when the CSE2 that met it was completed."""
    changed(deadline, at, met_at=None, closed_by_type=None, closed_by_id="")


def _children(plan, openings: dict):
    columns = [
        "id",
        "date_of_birth",
        "learning_disability",
        "gender",
        "ethnicity",
        "disability",
        "care_status",
        "legal_status",
        "placing_authority",
    ]
    details = {row["id"]: row for row in Child.objects.values(*columns).iterator()}
    for child_id in plan.child_ids:
        if child_id in openings:
            yield details[child_id], openings[child_id]


COUNTED = {
    "Shield cases": ShieldCase,
    "allocations": Allocation,
    "missing episodes": MissingEpisode,
    "incidents": Incident,
    "CSE2 scores": CategoryScore,
    "CSE2 data monitoring": MonitoringRecord,
    "CSE2 assessments": Assessment,
    "Shield clocks": Deadline,
    "flags": Flag,
}
CHUNK = 2000  # children's cases built and written at a time, so memory stays flat at any size


def _write(plan, generator: Generator) -> None:
    built, generator.built = generator.built, Built()
    counts = plan.counts

    def insert(name: str, rows: list, dated=None) -> None:
        counts[name] += bulk_insert(COUNTED[name], rows, dated=dated)

    # Each row's history is dated when it came into being (D20), and what changed later is
    # written as it happened (cse_framework/synthetic/bulk.py).
    insert("Shield cases", built.cases)
    for allocation in built.allocations:
        allocation.case_id = allocation.case.pk
    insert("allocations", built.allocations, dated=lambda row: row.allocated_at)
    insert("missing episodes", built.episodes, dated=lambda row: row.recorded_at)
    insert("incidents", built.incidents, dated=lambda row: row.recorded_at)
    # The parts before the completed assessments they belong to (see the module's note).
    started = {assessment.pk: assessment.created_at for assessment in built.assessments}
    insert("CSE2 scores", built.scores, dated=lambda row: started[row.assessment_id])
    insert("CSE2 data monitoring", built.monitoring, dated=lambda row: started[row.assessment_id])
    insert("CSE2 assessments", built.assessments, dated=lambda row: row.created_at)
    new, later = generator.clocks(built)
    insert("Shield clocks", new)
    # The strategy part's initial clocks (a few per hundred children): owned and met later.
    bulk_change(
        Deadline,
        later,
        ["owning_team", "owner", "met_at", "closed_by_type", "closed_by_id", "version"],
    )
    insert("flags", built.flags)


def generate(plan) -> None:
    openings = _openings(plan)
    generator = Generator(plan)
    plan.counts.update(dict.fromkeys(COUNTED, 0))
    with transaction.atomic():
        for child, child_openings in _children(plan, openings):
            generator.child(child, child_openings)
            if len(generator.built.cases) >= CHUNK:
                _write(plan, generator)
        _write(plan, generator)
        # The ids were given here: the next assessment the service starts takes the one after.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Assessment]):
                cursor.execute(statement)
