"""A meeting whose agenda reviews many children, for the printed pack's tests and its benchmark
(bench/macse_pack.py): each child adopted at an earlier meeting, with a CSE2 before each
meeting and a plan with a few actions. Built through the services; fictional names only.

The dates (all past): CSE1s forwarded on Thursday 25 June 2026 are heard on Thursday 9 July
2026 (CSE2s of 1 July); the children are reviewed on Thursday 8 October 2026 (CSE2s of
20 September)."""

import datetime as dt

from macse import services
from macse.models import Meeting, Plan
from tests.factories.macse import (
    administrator,
    adopt_all,
    make_action,
    make_agenda,
    make_forwarded,
    make_macse_meeting,
)
from tests.factories.shield import make_assessment, shield_worker

FORWARDED = dt.datetime(2026, 6, 25, 9, 0, tzinfo=dt.UTC)
FIRST = dt.datetime(2026, 7, 9, 9, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 10, 8, 9, 0, tzinfo=dt.UTC)
FIRST_CSE2 = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
SECOND_CSE2 = dt.datetime(2026, 9, 20, 12, 0, tzinfo=dt.UTC)

# Invented names (D15), combined to give each child their own.
GIVEN = ("Ottilie", "Brisa", "Marigold", "Tamsin", "Wrenna", "Isolde", "Perrin", "Juniper")
FAMILY = ("Quellbrook", "Farrowmere", "Thistlewick", "Ambercott", "Dunmarrow", "Wexholt",
          "Brackenfold", "Lindqvale")  # fmt: skip


def child_name(number: int) -> tuple[str, str]:
    given = GIVEN[number % len(GIVEN)]
    family = FAMILY[(number // len(GIVEN)) % len(FAMILY)]
    suffix = "" if number < len(GIVEN) * len(FAMILY) else str(number)
    return given, f"{family}{suffix}"


def make_review_meeting(count: int, *, actions: int = 3, by=None) -> Meeting:
    """A planned meeting on 8 October 2026 whose agenda reviews ``count`` children, each
    adopted on 9 July 2026 with a plan of ``actions`` actions, a CSE2 before each meeting (the
    second scoring higher), and then the standing items."""
    by = by or administrator()
    worker = shield_worker()
    first = make_macse_meeting(starts_at=FIRST, by=by)
    referrals = []
    for number in range(count):
        given, family = child_name(number)
        referrals.append(
            make_forwarded(now=FORWARDED, child_given_names=given, child_family_name=family)
        )
    make_agenda(first, referrals=referrals)
    children = [referral.child for referral in referrals]
    for child in children:
        make_assessment(child, worker, on=FIRST_CSE2.date(), now=FIRST_CSE2)
    adopt_all(first)
    for plan in Plan.objects.filter(entry__first_heard_at=first):
        for number in range(actions):
            make_action(
                plan,
                section=("support", "prevent", "protect", "pursue")[number % 4],
                description=f"Action {number + 1}: weekly check-in with the child's key worker.",
            )
    for child in children:
        make_assessment(
            child,
            worker,
            kind="review",
            values=(3,) * 8,
            on=SECOND_CSE2.date(),
            now=SECOND_CSE2,
        )
    second = make_macse_meeting(starts_at=SECOND, by=by, chair_user=first.chair)
    return services.agenda_build(
        meeting=second,
        by=by,
        referrals=[],
        children=children,
        now=SECOND - dt.timedelta(days=7),
    )
