"""Issue 9's claim: a quarter's return at 100,000 children runs a bounded number of queries
(aggregations in the database, not Python loops over rows).

    .venv/bin/python bench/quarterly_return.py                    # 100,000 children, 4 quarters
    .venv/bin/python bench/quarterly_return.py --children 10000 --quarters 8 --runs 3

It uses the harness's bench cluster and data set (bench/harness.py: generated once per size, seed
and generator version; the return reads history, so generator version 8 or later, which dates
history rows when things happened), then, in a process of its own, works out the return of each
of the last ``--quarters`` quarters that ended before the data set's date, ``--runs`` times each:
the figures (``returns.figures.compute``) and their suppression (``returns.suppression``),
counting the queries. Results go to bench/results/returns-<time>.json.
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


def measure(quarters: int, runs: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_framework.settings")
    django.setup()
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cse_framework.synthetic.models import SyntheticDataSet
    from referrals.models import Child
    from returns import figures, suppression
    from returns.quarters import Quarter

    as_of = SyntheticDataSet.objects.get().as_of
    latest = Quarter.latest_ended(dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC))
    chosen = list(reversed(latest.trend(quarters)))  # the latest first
    rows = []
    for quarter in chosen:
        timings, queries = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                exact = figures.compute(quarter)
                suppression.suppress(exact)
                timings.append((time.perf_counter() - start) * 1000)
            queries.append(len(captured))
        open_total = next((row.total.count for row in exact.rows()), None)
        rows.append(
            {
                "quarter": quarter.label,
                "median ms": round(statistics.median(timings), 1),
                "max ms": round(max(timings), 1),
                "queries": max(queries),
                "first figure": open_total,
            }
        )
    return {"children": Child.objects.count(), "as_of": str(as_of), "quarters": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quarters", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.quarters, args.runs)))
        return
    from harness import keep_result, measure_on_data_set

    result = measure_on_data_set(
        __file__,
        args.children,
        args.seed,
        *("--quarters", str(args.quarters), "--runs", str(args.runs)),
    )
    for row in result["quarters"]:
        print(row)
    keep_result("returns", result)


if __name__ == "__main__":
    main()
