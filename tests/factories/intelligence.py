"""Intelligence for tests: a report as a school would pass it on (fictional)."""

import datetime as dt

SEEN = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)


def make_report(by, **fields):
    """A report ``by`` submitted, stored as it stands (no entities recorded): a source for
    links in tests of linking and alerts."""
    from intelligence.models import Report

    return Report.objects.create(
        **{
            "submitted_by": by,
            "observed_from": SEEN,
            "what_happened": "A grey car waits at the school gates at home time.",
            "provenance": Report.Provenance.SAW,
            **fields,
        }
    )
