"""Shield cases and CSE2 assessments through the services, with fictional defaults."""

import datetime as dt

from cse_framework.accounts.models import Team
from cse_framework.accounts.roles import RoleCode
from tests.factories.accounts import TeamFactory, UserFactory
from tests.factories.referrals import ChildFactory

JUNE_1 = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


def shield_worker():
    team = Team.objects.filter(kind=Team.Kind.SHIELD).first() or TeamFactory(kind=Team.Kind.SHIELD)
    return UserFactory(roles=[RoleCode.SHIELD_WORKER], team=team)


def make_case(child=None, *, worker=None, at=JUNE_1):
    """A child referred to Shield (D16) and allocated to a worker."""
    from shield import services
    from shield.models import ShieldCase

    child = child or ChildFactory()
    manager = UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER])
    services.shield_referral_open(
        started_by=child, child=child, at=at, reference="CSE-TEST", link="/shield/"
    )
    case = ShieldCase.objects.get(child=child, status="open")
    if worker is not False:
        case = services.case_allocate(
            case=case, worker=worker or shield_worker(), by=manager, now=at
        )
    return case


def scores(*values, evidence="Seen by the worker."):
    """Scores for the eight categories of the default scheme, with evidence where needed."""
    values = values or (2,) * 8
    return {number: (value, evidence if value else "") for number, value in enumerate(values, 1)}


def make_assessment(
    child, by, *, values=(), complete=True, kind="initial", on=None, now=None, **fields
):
    """A CSE2 filled in and (by default) completed."""
    from shield import services

    draft = services.assessment_start(
        child=child, kind=kind, by=by, assessed_on=on or dt.date(2026, 6, 10)
    )
    draft = services.assessment_save_draft(
        assessment=draft,
        by=by,
        expected_version=draft.version,
        scores=scores(*values),
        fields={
            "judgement_score": 2,
            "judgement_rationale": "Worker's view of the whole picture.",
            "young_person_views": "Says she feels safer at home now.",
            **fields,
        },
    )
    if not complete:
        return draft
    return services.assessment_complete(
        assessment=draft, by=by, expected_version=draft.version, now=now
    )


def ensure_default_scheme() -> None:
    """The default CSE2 scheme, as its migration loads it, unless it is there: a transactional
    test's flush empties it."""
    import importlib

    from django.apps import apps

    from shield.models import ScoringScheme

    if not ScoringScheme.objects.exists():
        migration = importlib.import_module(
            "shield.migrations.0002_default_scheme_and_immutability"
        )
        migration.default_scheme(apps, None)
