"""Issue 10's retention at scale: the daily scan and a disposal, on the harness's data set.

    .venv/bin/python bench/retention.py                       # 100,000 children
    .venv/bin/python bench/retention.py --children 10000 --disposals 20

In a process of its own, against the data set of bench/harness.py (generated once per size, seed
and generator version), inside one transaction that is rolled back at the end, so the data set is
left as it was:

1. the scan as of the data set's date (children closed 35 years before it: none are due), its
   time and query count;
2. the scan 36 years later, when every child whose case is closed is due: its time, queries and
   the reviews it writes, then the same scan again (it must write none);
3. ``--disposals`` disposals of those children, the busiest first (most rows about them), each
   timed, with the rows it erased.

Results go to bench/results/retention-<time>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _timed(action):
    """(result, milliseconds, queries) of ``action()``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        result = action()
        elapsed = (time.perf_counter() - start) * 1000
    return result, round(elapsed, 1), len(captured)


def _scan(at) -> dict:
    from governance.retention import services

    found, ms, queries = _timed(lambda: services.retention_scan(now=at))
    return {"at": str(at.date()), "reviews written": found, "ms": ms, "queries": queries}


def measure(disposals: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_framework.settings")
    django.setup()
    import datetime as dt

    from django.db import transaction
    from django.db.models import Count

    from cse_framework.accounts.roles import RoleCode
    from cse_framework.synthetic.models import SyntheticDataSet
    from governance.retention import services
    from governance.retention.models import RetentionReview
    from referrals.models import Child
    from tests.factories.accounts import UserFactory

    as_of = SyntheticDataSet.objects.get().as_of
    today = dt.datetime.combine(as_of, dt.time(6), tzinfo=dt.UTC)
    later = today.replace(year=today.year + 36)
    result = {"children": Child.objects.count(), "as_of": str(as_of)}
    with transaction.atomic():
        result["scan today"] = _scan(today)
        result["scan in 36 years"] = _scan(later)
        result["scan in 36 years, again"] = _scan(later)
        officer = UserFactory(roles=[RoleCode.INFORMATION_GOVERNANCE])
        busiest = (
            RetentionReview.objects.filter(record_type="child", status="due")
            .annotate(referrals=Count("child__referrals"))
            .order_by("-referrals", "pk")[:disposals]
        )
        timings, rows = [], []
        for review in busiest:
            log, ms, queries = _timed(
                lambda review=review: services.review_dispose(review=review, by=officer, now=later)
            )
            timings.append(ms)
            rows.append({"ms": ms, "queries": queries, "rows": log.rows, "fields": log.fields})
        if timings:
            result["disposals"] = {
                "count": len(timings),
                "median ms": round(statistics.median(timings), 1),
                "max ms": max(timings),
                "busiest": max(rows, key=lambda row: row["rows"]),
            }
        transaction.set_rollback(True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--disposals", type=int, default=20)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.disposals)))
        return
    from harness import keep_result, measure_on_data_set

    result = measure_on_data_set(
        __file__, args.children, args.seed, "--disposals", str(args.disposals)
    )
    print(json.dumps(result, indent=2))
    keep_result("retention", result)


if __name__ == "__main__":
    main()
