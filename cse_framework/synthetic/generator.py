"""Builds a large, entirely fictional data set with the shape of real work (D15).

Each app adds its objects in its own module, ``<app>/synthetic.py``, with a ``generate(plan)``
function; PARTS lists them in dependency order. Deterministic for a given seed and date.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.db import transaction

from cse_framework.synthetic.models import SyntheticDataSet
from cse_framework.synthetic.users import ensure_bench_users

PARTS = [
    "referrals.synthetic",
    "strategy.synthetic",
    "shield.synthetic",
    "macse.synthetic",
    "intelligence.synthetic",
    "cse_framework.audit.synthetic",
]


class RefusedError(Exception):
    """The generator will not write here."""


@dataclass
class Plan:
    """What to build, and what earlier parts built that later parts use."""

    children: int
    seed: int
    as_of: dt.date
    rng: random.Random
    users: list = field(default_factory=list)
    child_ids: list = field(default_factory=list)
    referrals_by_pk: dict = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _refuse_unless_synthetic() -> None:
    from referrals.models import Child

    if settings.PRODUCTION:
        raise RefusedError("generate_synthetic refuses to run with production settings")
    if SyntheticDataSet.objects.exists():
        raise RefusedError("this database already holds a synthetic data set: use an empty one")
    if Child.objects.exists():
        raise RefusedError(
            "this database holds children that are not synthetic: use an empty database"
        )


def generate(*, children: int, seed: int = 1, as_of: dt.date | None = None) -> Plan:
    _refuse_unless_synthetic()
    plan = Plan(
        children=children,
        seed=seed,
        as_of=as_of or dt.date.today(),  # noqa: DTZ011 - a calendar date, for ages
        rng=random.Random(seed),  # noqa: S311 - fictional data, not security
    )
    with transaction.atomic():
        SyntheticDataSet.objects.create(seed=seed, children=children, as_of=plan.as_of)
        plan.users = ensure_bench_users()
        for part in PARTS:
            import_module(part).generate(plan)
    return plan
