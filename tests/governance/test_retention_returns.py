"""Disposal never breaks aggregate returns already produced (issue 10, item 5): after a child
counted in a past quarter's return is disposed of, the kept return's files and figures are
byte-identical, and counting that quarter again gives the same numbers."""

import pytest

from governance.retention import services
from referrals.models import Child
from returns import figures
from returns.models import QuarterlyReturn
from returns.quarters import Quarter
from tests.factories.retention import close_everything, ig_officer, review_of
from tests.factories.returns import kept_return
from tests.returns import known_quarter

pytestmark = pytest.mark.django_db

Q1 = Quarter(2026, 1)
Q4 = Quarter(2025, 4)


def _files(kept) -> dict:
    return {name: bytes(getattr(kept, name)) for name in ("csv", "xlsx", "pdf")}


def test_disposing_of_a_child_leaves_past_returns_and_their_recount_unchanged():
    known = known_quarter.build()
    known_quarter.after_the_quarter(known)
    kept = kept_return("2026-Q1")
    assert kept.status == QuarterlyReturn.Status.READY
    files, stored = _files(kept), kept.figures
    recount = {quarter: figures.compute(quarter).as_dict() for quarter in (Q1, Q4)}
    # D: open to MACSE at the end of Q1 (13 on its last day, born 30 June), closed on 9 July.
    d = known.child("D")
    close_everything(d)
    d.refresh_from_db()
    assert d.date_of_birth.day == 30  # coarsening moves it: the edge of an age band

    services.review_dispose(review=review_of(d), by=ig_officer())

    d = Child.objects.get(pk=d.pk)
    assert d.family_name == "[erased]" and d.date_of_birth.day == 1
    kept = QuarterlyReturn.objects.get(pk=kept.pk)
    assert _files(kept) == files
    assert kept.figures == stored
    assert {quarter: figures.compute(quarter).as_dict() for quarter in (Q1, Q4)} == recount
