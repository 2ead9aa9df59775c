"""What a quarterly return counts, built through the services with fictional people (D15).

A return reads the records as they stood at a quarter's end (D20), from the history, whose rows
are dated when they are saved. So each helper saves at the moment it is given: the clock is
moved there (time-machine) and the same moment is passed to the service as ``now``.
"""

import datetime as dt
from contextlib import contextmanager

import time_machine

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.working_time import LONDON
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.macse import make_macse_meeting
from tests.factories.referrals import make_received
from tests.factories.shield import make_assessment, make_case

LOWER = (2,) * 8  # with the judgement's 2: 18, band Lower
MEDIUM = (3,) * 8  # 26, Medium
HIGH = (5,) * 8  # 42, High


def london(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@contextmanager
def recorded_at(moment: dt.datetime):
    """Everything saved inside is recorded at ``moment``."""
    with time_machine.travel(moment, tick=False):
        yield moment


def referrer():
    return UserFactory(roles=[RoleCode.REFERRER])


def mash_worker():
    return UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])


def cse1(*, at: dt.datetime, decision: str = "", child=None, by=None, **fields):
    """A CSE1 sent at ``at`` (received then if in office hours or an emergency, else at 09:00
    on the next working day, D4). With ``decision``, MASH confirms the child (``child``, or a
    new record) and decides at once, which forwards it to the MACSE administrator."""
    from referrals import triage

    with recorded_at(at):
        referral = make_received(by or referrer(), now=at, **fields)
        if not decision:
            return referral
        mash = mash_worker()
        referral = triage.referral_confirm_child(
            referral=referral, by=mash, child=child, seen_version=referral.version, now=at
        )
        return triage.referral_triage(
            referral=referral,
            by=mash,
            level_of_concern="high",
            decision=decision,
            rationale="Several high-level indicators (fictional).",
            seen_version=referral.version,
            now=at,
        )


def child_change(child, *, at: dt.datetime, **fields):
    """A change to the child's record on the register."""
    from referrals.register import child_update

    child.refresh_from_db()
    with recorded_at(at):
        return child_update(child=child, by=mash_worker(), seen_version=child.version, **fields)


def shield_case(child, *, at: dt.datetime):
    with recorded_at(at):
        return make_case(child, at=at)


def cse2(child, by, *, at: dt.datetime, values=MEDIUM, kind="initial", corrects=None):
    """A CSE2 of ``child`` assessed and completed at ``at``."""
    from shield import services

    with recorded_at(at):
        if corrects is None:
            return make_assessment(
                child, by, values=values, kind=kind, on=at.astimezone(LONDON).date(), now=at
            )
        draft = services.assessment_start(
            child=child, kind=kind, by=by, assessed_on=corrects.assessed_on, corrects=corrects
        )
        return services.assessment_complete(
            assessment=draft, by=by, expected_version=draft.version, now=at
        )


def band_override(assessment, *, at: dt.datetime, band: str):
    from shield import services

    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    with recorded_at(at):
        return services.band_override(
            assessment=assessment, by=manager, band=band, reason="Agreed at supervision."
        )


def missing_episode(child, by, *, at: dt.datetime, went_missing_at: dt.datetime, **fields):
    """A missing episode recorded at ``at``."""
    from shield import event_services

    with recorded_at(at):
        return event_services.missing_episode_record(
            child=child, by=by, went_missing_at=went_missing_at, now=at, **fields
        )


def missing_episode_update(episode, by, *, at: dt.datetime, **fields):
    from shield import event_services

    episode.refresh_from_db()
    with recorded_at(at):
        return event_services.missing_episode_update(
            episode=episode, by=by, expected_version=episode.version, now=at, **fields
        )


def _took_part():
    police = AgencyFactory(name="Police (test)", kind=Agency.Kind.POLICE)
    health = AgencyFactory(name="Health (test)", kind=Agency.Kind.HEALTH)
    return [
        {"name": "DC Example", "agency": police, "role": ""},
        {"name": "Nurse Example", "agency": health, "role": ""},
    ]


def strategy_discussion(referral, *, held_at, recorded=None, decides_meeting=False):
    """A strategy discussion about ``referral`` held at ``held_at`` and recorded at
    ``recorded`` (when it was held, unless given)."""
    from strategy import services

    manager = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER])
    recorded = recorded or held_at
    with recorded_at(recorded):
        return services.discussion_record(
            referral=referral,
            by=manager,
            held_at=held_at,
            chair=manager,
            participants=_took_part(),
            not_compliant_reason="",
            information_considered="The CSE1's indicators.",
            risk_to_others="None found.",
            outcomes=["section_47", "strategy_meeting"] if decides_meeting else ["section_47"],
            rationale="Significant harm suspected.",
            actions=[],
            now=recorded,
        )


def strategy_meeting_held(discussion, *, held_at: dt.datetime):
    """The strategy meeting ``discussion`` decided, arranged and held at ``held_at``."""
    from strategy import services
    from tests.factories.referrals import make_meeting

    with recorded_at(held_at):
        meeting = make_meeting(discussion, scheduled_for=held_at, now=held_at)
        return services.meeting_record_held(
            meeting=meeting,
            by=discussion.recorded_by,
            held_at=held_at,
            attendance={person.pk: "present" for person in meeting.participants.all()},
            others=[],
            not_compliant_reason="",
            minutes="Agencies shared what they hold.",
            outcomes=["section_47"],
            rationale="Significant harm suspected.",
            actions=[],
            now=held_at,
        )


def macse_meeting(
    *, at: dt.datetime, new=(), reviews=(), leaving=(), decisions=None, minutes_agreed=None
):
    """A MACSE meeting at ``at`` hearing the CSE1s ``new`` and the children ``reviews``, with
    the cohort entries ``leaving`` at 18; its minutes are agreed at ``minutes_agreed`` (3 hours
    later unless given), which is when its decisions are recorded. ``decisions`` maps a child
    to (decision, closure CSE2 or None); new children are adopted and reviews continue unless
    it says otherwise."""
    from macse import services

    decisions = decisions or {}
    closed_at = minutes_agreed or at + dt.timedelta(hours=3)
    with recorded_at(closed_at):
        meeting = make_macse_meeting(starts_at=at)
        admin = meeting.administrator
        services.agenda_build(
            meeting=meeting,
            by=admin,
            referrals=list(new),
            children=list(reviews),
            leaving=list(leaving),
            now=at - dt.timedelta(days=7),
        )
        for item in meeting.items.filter(child__isnull=False).select_related("child"):
            usual = "adopt" if item.section == "new_referral" else "continue"
            decision, evidence = decisions.get(item.child, (usual, None))
            services.item_decide(
                item=item,
                by=admin,
                minutes="Agencies shared what they hold (fictional).",
                decision=decision,
                rationale="" if decision in ("adopt", "continue") else "Risk has reduced.",
                closure_assessment=evidence,
                now=at,
            )
        return services.meeting_close(meeting=meeting, by=admin, now=closed_at)


def service_manager():
    return UserFactory(roles=[RoleCode.SERVICE_MANAGER])


def kept_return(quarter="2026-Q1", *, by=None, now=None):
    """A quarter's return asked for and built, as a worker would build it (the request's task
    is not started: the test's transaction never commits; the task runs here)."""
    from returns import services
    from returns.models import QuarterlyReturn
    from returns.tasks import build_return

    asked = services.return_request(
        quarter=quarter, by=by or service_manager(), now=now or london(2026, 8, 1)
    )
    build_return(asked.pk)
    return QuarterlyReturn.objects.get(pk=asked.pk)


def ready_return(quarter="2025-Q4", *, by=None, version=1):
    """A ready return kept straight in the table, its figures counted now and its files small
    stand-ins: for pages and the API, where what is in a file is not the point (its build is
    tested in tests/returns/test_build.py)."""
    from django.utils import timezone

    from returns.figures import compute
    from returns.models import QuarterlyReturn
    from returns.quarters import Quarter

    quarter = Quarter.parse(quarter)
    return QuarterlyReturn.objects.create(
        year=quarter.year,
        number=quarter.number,
        version=version,
        status=QuarterlyReturn.Status.READY,
        progress=100,
        step="Ready",
        requested_by=by or service_manager(),
        built_at=timezone.now(),
        area="Knowsley",
        figures=compute(quarter).as_dict(),
        pdf=b"%PDF-1.7 stand-in",
        csv=b"area,quarter\r\n",
        xlsx=b"PK stand-in",
    )
