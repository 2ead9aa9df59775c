"""The clock scan at scale: `scan(now)` timed on 10,000 and 1,000,000 Deadline rows.

    make bench-scan                                   # both sizes, 15 timed runs each
    make bench-scan ARGS="--sizes 10000 --runs 5"     # a quick look

The scan reads the clocks with a notice still to write in one indexed query per kind (partial
indexes `deadline_pending_*`, on open clocks whose notice level is below the kind's), so its
cost should not follow the number of Deadline rows. Each size gets a fresh database in a
throwaway PostgreSQL cluster (var/scanbench/pgdata, never the harness's var/bench), filled by
COPY with a mix of clocks: about 85% closed (met or not required) and 15% open, due over the
past 30 days and the next 60. Every notice an open clock's past thresholds call for is already
written, with the clock's notice level (the scan ran every minute until now), except for 20
fixed clocks that cross a threshold in the last minute before `now`,
so each scan writes the same 20 notices at both sizes. Each timed scan runs in a transaction
that is rolled back, so every run sees the same state. Also recorded: an idle scan a minute
earlier (nothing due: only the three reads), the SQL queries of each, and EXPLAIN (ANALYZE) of
the three reads, which must use the partial indexes.

Prints a table, writes bench/results/scan-<timestamp>.json, and exits 1 if the 1,000,000-row
median is more than 3x the 10,000-row one, a read does not use a partial index, or a scan does
not write exactly the 20 notices (docs/performance.md, "The clock scan at scale").
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from harness import RESULTS, VENV, Postgres, app_env, as_postgres, fail  # noqa: E402

PGDATA = ROOT / "var" / "scanbench" / "pgdata"
SIZES = (10_000, 1_000_000)
MAX_RATIO = 3.0
FRESH = {"due_soon": 8, "overdue": 6, "escalated_1": 6}  # clocks crossing a threshold at `now`
INDEXES = {
    "due_soon": "deadline_pending_due_soon",
    "overdue": "deadline_pending_overdue",
    "escalated_1": "deadline_pending_escalation",
}
LEVELS = {"due_soon": 1, "overdue": 2, "escalated_1": 3}
# A Wednesday in office hours (no EDT copies; the same recipients queries at every size).
NOW = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)
OPEN_SHARE = 0.15
NOT_REQUIRED_SHARE = 0.15  # of the closed clocks
LATE_SHARE = 0.15  # of the met clocks
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
# (kind, weight, approximate length): the clocks of clocks.DEFAULTS, working time as elapsed.
KINDS = [
    ("strategy_discussion", 35, 24 * HOUR),
    ("strategy_meeting", 15, 72 * HOUR),
    ("placing_authority", 5, 4 * HOUR),
    ("initial_cse2", 15, 14 * DAY),
    ("cse2_review", 15, 91 * DAY),
    ("macse_review", 10, 91 * DAY),
    ("adult_services", 2, 7 * DAY),
    ("action", 3, 14 * DAY),
]


class ScanPostgres(Postgres):
    """The harness's cluster, but throwaway and in var/scanbench/pgdata: made fresh at start,
    stopped and removed at the end (--keep keeps it)."""

    def __init__(self):
        super().__init__(PGDATA)

    def start(self) -> None:
        self.remove()
        super().start()

    def stop(self) -> None:
        if PGDATA.exists():
            subprocess.run(
                as_postgres(self.bindir / "pg_ctl", "-D", PGDATA, "-m", "fast", "stop"),
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        self.started = False

    def remove(self) -> None:
        """A cluster left by an interrupted run is stopped and removed first."""
        if (PGDATA / "PG_VERSION").exists():
            self.stop()
        shutil.rmtree(PGDATA, ignore_errors=True)

    def fresh_database(self, database: str) -> None:
        command = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run(
            ["dropdb", *command, "--if-exists", database], check=True, stderr=subprocess.DEVNULL
        )
        subprocess.run(["createdb", *command, database], check=True)


# --- In one size's subprocess, with Django on that size's database ---------------------------


def _ts(value: dt.datetime | None) -> str:
    return r"\N" if value is None else value.isoformat()


def _copy(cursor, table: str, columns: list[str], lines: list[str]) -> None:
    buffer = io.StringIO("".join(lines))
    cursor.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN', buffer)
    lines.clear()


DEADLINE_COLUMNS = [
    "id",
    "kind",
    "child_id",
    "started_by_type_id",
    "started_by_id",
    "starts_at",
    "due_soon_at",
    "due_at",
    "escalate_at",
    "owning_team_id",
    "owner_id",
    "met_at",
    "not_required_at",
    "closed_by_type_id",
    "closed_by_id",
    "breach_reason_code",
    "breach_reason",
    "version",
    "notice_level",
]
NOTICE_COLUMNS = ["id", "kind", "deadline_id", "subject", "reference", "link", "created_at"]
THRESHOLDS = (("due_soon", "due_soon_at"), ("overdue", "due_at"), ("escalated_1", "escalate_at"))


class Rows:
    """The Deadline rows and Notice rows to COPY, as lines of tab-separated text."""

    def __init__(self, teams: dict[int, list[int]], types: list[int], seed: int):
        from cse_framework.timescales.clocks import thresholds

        self.thresholds = thresholds
        self.teams = teams  # team id: its members' ids
        self.types = types
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.deadlines: list[str] = []  # not yet copied
        self.notices: list[str] = []
        self.counts = {"open": 0, "open_overdue": 0, "clocks": 0, "notices": 0}
        self.created = _ts(NOW - DAY)

    def notice(self, clock_id: int, kind: str) -> None:
        self.counts["notices"] += 1
        fields = (str(self.counts["notices"]), kind, str(clock_id), f"{kind}: clock")
        self.notices.append("\t".join((*fields, f"Clock {clock_id}", "/notices/", self.created)))
        self.notices.append("\n")

    def clock(
        self, kind, type_id, starts, length, team, owner, met=None, not_required=None, level=0
    ):
        self.counts["clocks"] += 1
        clock_id = self.counts["clocks"]
        marks = self.thresholds(starts, starts + length)
        fields = (
            (str(clock_id), kind, r"\N", str(type_id), str(clock_id))
            + tuple(_ts(at) for at in (starts, *(marks[t] for _, t in THRESHOLDS)))
            + (r"\N" if team is None else str(team), r"\N" if owner is None else str(owner))
            + (_ts(met), _ts(not_required), r"\N", "", "", "", "1", str(level))
        )
        self.deadlines.append("\t".join(fields))
        self.deadlines.append("\n")
        if met is None and not_required is None:
            self.counts["open"] += 1
            self.counts["open_overdue"] += marks["due_at"] <= NOW
        return {"id": clock_id, **marks}

    def regular(self) -> None:
        """One clock of the mix: open (due within 30 days past to 60 to come, with every notice
        its past thresholds call for already written) or closed (due within three years)."""
        rng = self.rng
        kind, _, length = rng.choices(KINDS, [weight for _, weight, _ in KINDS])[0]
        team = rng.choice(list(self.teams))
        owner = rng.choice(self.teams[team]) if self.teams[team] and rng.random() < 0.5 else None
        if rng.random() < OPEN_SHARE:
            due = NOW + dt.timedelta(seconds=rng.uniform(-30 * 86400, 60 * 86400))
            passed = self.thresholds(due - length, due)
            level = sum(passed[threshold] <= NOW for _, threshold in THRESHOLDS)
            marks = self.clock(
                kind, rng.choice(self.types), due - length, length, team, owner, level=level
            )
            for notice_kind, threshold in THRESHOLDS:
                if marks[threshold] <= NOW:
                    self.notice(marks["id"], notice_kind)
            return
        due = NOW - dt.timedelta(seconds=rng.uniform(86400, 3 * 365 * 86400))
        if rng.random() < NOT_REQUIRED_SHARE:
            closed = {"not_required": due - length * rng.uniform(0, 0.9)}
        elif rng.random() < LATE_SHARE:
            closed = {"met": due + length * rng.uniform(0.01, 0.5)}
        else:
            closed = {"met": due - length * rng.uniform(0, 0.9)}
        self.clock(kind, rng.choice(self.types), due - length, length, team, owner, **closed)

    def fresh(self, team: int, shares: dict[str, float]) -> None:
        """The fixed clocks: 24-hour strategy discussions of one team, every other one owned by
        a worker, each crossing one threshold 30 seconds before `now`, its earlier notices
        written (`shares`: how far into the clock's length each threshold is)."""
        length, crossed = 24 * HOUR, NOW - dt.timedelta(seconds=30)
        worker = self.teams[team][0] if self.teams[team] else None
        for position, (notice_kind, how_many) in enumerate(FRESH.items()):
            for index in range(how_many):
                owner = worker if index % 2 else None
                starts = crossed - length * shares[notice_kind]
                marks = self.clock(
                    "strategy_discussion",
                    self.types[0],
                    starts,
                    length,
                    team,
                    owner,
                    level=position,
                )
                for earlier in list(FRESH)[:position]:
                    self.notice(marks["id"], earlier)


def load(size: int, seed: int) -> dict:
    """`size` Deadline rows and the notices the scan already wrote for them, by COPY."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from cse_framework.accounts.models import Team, User
    from cse_framework.synthetic.users import ensure_bench_users
    from strategy.models import StrategyDiscussion, StrategyMeeting

    ensure_bench_users()
    kinds = ["mash", "shield", "edt", "macse_administration"]
    teams = {
        team.pk: list(User.objects.filter(team=team).order_by("id").values_list("id", flat=True))
        for team in Team.objects.filter(kind__in=kinds).order_by("id")
    }
    # Integer primary keys, so the scan's prefetch of `started_by` runs (and finds nothing).
    types = [ContentType.objects.get_for_model(m).pk for m in (StrategyDiscussion, StrategyMeeting)]
    rows = Rows(teams, types, seed)
    due_soon = getattr(settings, "TIMESCALES_DUE_SOON_SHARE", 0.75)
    escalate = getattr(settings, "TIMESCALES_ESCALATE_SHARE", 0.5)
    mash = Team.objects.filter(kind="mash").order_by("id").first().pk
    with connection.cursor() as cursor:
        for number in range(1, size - sum(FRESH.values()) + 1):
            rows.regular()
            if number % 100_000 == 0:  # by COPYs of 100,000 rows
                _copy(cursor, "timescales_deadline", DEADLINE_COLUMNS, rows.deadlines)
        rows.fresh(mash, {"due_soon": due_soon, "overdue": 1, "escalated_1": 1 + escalate})
        _copy(cursor, "timescales_deadline", DEADLINE_COLUMNS, rows.deadlines)
        _copy(cursor, "notices_notice", NOTICE_COLUMNS, rows.notices)
        for table in ("timescales_deadline", "notices_notice"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return rows.counts


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def explain(kind: str, threshold: str) -> dict:
    """EXPLAIN (ANALYZE) of one kind's read at `now`, and which index it reads the clocks by."""
    from django.db import connection, transaction

    from cse_framework.timescales.scan import BATCH, due_for

    sql, params = due_for(threshold, LEVELS[kind], NOW)[:BATCH].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        text = "\n".join(line for (line,) in cursor.fetchall())
        transaction.set_rollback(True)
    nodes = list(_plan_nodes(plan[0]["Plan"]))
    on_clocks = [
        node
        for node in nodes
        if node.get("Relation Name") == "timescales_deadline"
        or str(node.get("Index Name", "")).startswith("deadline_")
    ]
    indexes = sorted({node["Index Name"] for node in on_clocks if node.get("Index Name")})
    seq_scan = any(node["Node Type"] == "Seq Scan" for node in on_clocks)
    return {
        "scans": sorted({node["Node Type"] for node in on_clocks}),
        "indexes": indexes,
        "expected_index": INDEXES[kind],
        "uses_own_index": INDEXES[kind] in indexes,
        "uses_partial_index": not seq_scan
        and any(name.startswith(("deadline_pending_", "deadline_open_")) for name in indexes),
        # Open clocks past the threshold read through the index, with or without the notice.
        "clock_rows_read": sum(
            (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0))
            * node.get("Actual Loops", 1)
            for node in on_clocks
            if node.get("Index Name", "").startswith(("deadline_pending_", "deadline_open_"))
        ),
        "rows_returned": plan[0]["Plan"].get("Actual Rows"),
        "execution_ms": round(plan[0]["Execution Time"], 3),
        "plan": text,
    }


def measure(size: int, seed: int, runs: int, warmup: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from cse_framework.timescales.scan import STEPS, scan

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    counts = load(size, seed)
    loaded = time.perf_counter()

    def once(now: dt.datetime, capture: bool = False) -> tuple[float, dict, list]:
        with transaction.atomic():
            if capture:
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    written = scan(now=now)
                    elapsed = time.perf_counter() - began
                queries = [query["sql"] for query in captured.captured_queries]
            else:
                began = time.perf_counter()
                written = scan(now=now)
                elapsed = time.perf_counter() - began
                queries = []
            transaction.set_rollback(True)
        return elapsed, {str(kind): count for kind, count in written.items()}, queries

    idle_at = NOW - dt.timedelta(minutes=1)
    _, written, queries = once(NOW, capture=True)
    _, idle_written, idle_queries = once(idle_at, capture=True)
    for _ in range(warmup):
        once(NOW)
        once(idle_at)
    samples, idle_samples, wrong = [], [], []
    for _ in range(runs):  # alternate, so drift in the machine's speed hits both alike
        elapsed, got, _ = once(NOW)
        samples.append(elapsed)
        if got != FRESH:
            wrong.append(got)
        elapsed, got, _ = once(idle_at)
        idle_samples.append(elapsed)
        if any(got.values()):
            wrong.append(got)

    def reads(sqls: list[str]) -> int:
        """The reads of the clocks (not the key checks of a notice's clean, `SELECT 1 AS ...`)."""
        return sum(sql.startswith('SELECT "timescales_deadline"."id"') for sql in sqls)

    return {
        "rows": size,
        "open": counts["open"],
        "open_overdue": counts["open_overdue"],
        "notices_before": counts["notices"],
        "now": NOW.isoformat(),
        "runs": runs,
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "min_ms": round(min(samples) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
        "samples_ms": [round(s * 1000, 2) for s in samples],
        "written": written,
        "queries": len(queries),
        "read_queries": reads(queries),
        "idle_median_ms": round(statistics.median(idle_samples) * 1000, 2),
        "idle_written": idle_written,
        "idle_queries": len(idle_queries),
        "idle_read_queries": reads(idle_queries),
        "wrong_runs": wrong,
        "explain": {kind: explain(kind, threshold) for kind, threshold, _level in STEPS},
        "setup_s": {
            "migrate": round(migrated - started, 1),
            "load": round(loaded - migrated, 1),
        },
    }


def inner(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_framework.settings")
    django.setup()
    result = measure(args.inner, args.seed, args.runs, args.warmup)
    print(json.dumps(result))


# --- The driver: a cluster, a database per size, a table -------------------------------------


def run_size(pg: ScanPostgres, size: int, args) -> dict:
    database = f"cse_scanbench_{size}"
    pg.fresh_database(database)
    print(f"== {size:,} Deadline rows: migrating, loading by COPY and scanning", flush=True)
    output = subprocess.run(
        [
            str(VENV / "python"),
            str(Path(__file__).resolve()),
            "--inner",
            str(size),
            "--seed",
            str(args.seed),
            "--runs",
            str(args.runs),
            "--warmup",
            str(args.warmup),
        ],
        cwd=ROOT,
        env=app_env(pg.url(database)),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def print_table(results: list[dict]) -> None:
    header = (
        f"{'rows':>10}{'open':>9}{'overdue':>9}{'notices':>9}{'median ms':>11}{'min':>8}"
        f"{'max':>8}{'queries':>9}{'idle ms':>9}{'idle q':>8}  reads (index: clock rows read)"
    )
    print("\n" + header)
    print("-" * (len(header) + 40))
    for r in results:
        reads = "; ".join(
            f"{kind}: {'/'.join(e['indexes']) or 'NO INDEX'}: {e['clock_rows_read']}"
            for kind, e in r["explain"].items()
        )
        print(
            f"{r['rows']:>10,}{r['open']:>9,}{r['open_overdue']:>9,}{r['notices_before']:>9,}"
            f"{r['median_ms']:>11}{r['min_ms']:>8}{r['max_ms']:>8}{r['queries']:>9}"
            f"{r['idle_median_ms']:>9}{r['idle_queries']:>8}  {reads}"
        )


def check(results: list[dict]) -> tuple[dict, list[str], list[str]]:
    """The ratios, the problems that fail the run, and notes that do not."""
    problems, notes, ratios = [], [], {}
    for r in results:
        if r["wrong_runs"] or r["written"] != FRESH:
            problems.append(f"{r['rows']:,} rows: a scan wrote {r['wrong_runs'] or r['written']}")
        if r["read_queries"] != 3 or r["idle_queries"] != 3:
            problems.append(
                f"{r['rows']:,} rows: {r['read_queries']} reads of the clocks and "
                f"{r['idle_queries']} queries when idle (3 expected)"
            )
        for kind, e in r["explain"].items():
            if not e["uses_partial_index"]:
                problems.append(f"{r['rows']:,} rows: the {kind} read uses {e['scans']}")
            elif not e["uses_own_index"]:
                notes.append(
                    f"{r['rows']:,} rows: the {kind} read uses {', '.join(e['indexes'])}, not "
                    f"{e['expected_index']}, and reads {e['clock_rows_read']:,} open clocks"
                )
    by_size = {r["rows"]: r for r in results}
    if len(results) > 1:
        small, large = by_size[min(by_size)], by_size[max(by_size)]
        key = f"{large['rows']}/{small['rows']}"
        ratios = {
            key: round(large["median_ms"] / small["median_ms"], 2),
            f"{key} idle": round(large["idle_median_ms"] / small["idle_median_ms"], 2),
        }
        print(
            f"\n{large['rows']:,} vs {small['rows']:,} rows: median ratio {ratios[key]} "
            f"(limit {MAX_RATIO}), idle scan {ratios[f'{key} idle']}"
        )
        if ratios[key] > MAX_RATIO:
            problems.append(f"the median ratio {ratios[key]} is above {MAX_RATIO}")
    return ratios, problems, notes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=15, help="timed scans per size")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the cluster afterwards")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)  # one size, in Django
    args = parser.parse_args()
    if args.inner:
        inner(args)
        return
    if min(args.sizes) <= sum(FRESH.values()):
        fail(f"each size must be above {sum(FRESH.values())} rows")

    pg = ScanPostgres()
    results = []
    try:
        pg.start()
        for size in sorted(args.sizes):
            try:
                results.append(run_size(pg, size, args))
            except subprocess.CalledProcessError as error:
                print(error.stderr, file=sys.stderr)
                fail(f"the scan bench failed at {size:,} rows")
            print_table(results[-1:])
    finally:
        pg.stop()
        if not args.keep:
            pg.remove()
    print_table(results)
    ratios, problems, notes = check(results)
    output = {
        "results": results,
        "ratios": ratios,
        "max_ratio": MAX_RATIO,
        "problems": problems,
        "notes": notes,
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"scan-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(output, indent=2))
    print(f"\nJSON: {path.relative_to(ROOT)}")
    for note in notes:
        print(f"bench-scan: note: {note}")
    for problem in problems:
        print(f"bench-scan: FAIL: {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
