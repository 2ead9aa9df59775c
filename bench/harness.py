"""Benchmark harness: synthetic data on PostgreSQL, the app under gunicorn, pages timed by a real
HTTP client beside the floor view, so ratios hold while the machine's speed drifts.

    bash bench/run.sh --children 10000 100000      # timing and scaling run
    bash bench/run.sh --load --users 50 --duration 120 --children 100000   # load run
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cse_framework.synthetic import GENERATOR_VERSION  # noqa: E402  (no Django needed)

VENV = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
PGDATA = ROOT / "var" / "bench" / "pgdata"


def fail(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The stack: PostgreSQL, the data set, gunicorn ------------------------------------------


def pg_bindir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        if (candidate / "initdb").exists():
            return candidate
    fail("PostgreSQL is missing: install it (Debian: apt-get install postgresql)")
    raise AssertionError


def as_postgres(*command) -> list[str]:
    return (
        ["runuser", "-u", "postgres", "--", *map(str, command)]
        if os.geteuid() == 0
        else [*map(str, command)]
    )


class Postgres:
    """A persistent bench cluster in var/bench/pgdata (kept between runs, so data is reused), or
    in ``pgdata``."""

    def __init__(self, pgdata: Path = PGDATA):
        self.pgdata = pgdata
        self.bindir = pg_bindir()
        self.port = free_port()
        self.started = False

    def start(self) -> None:
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.pgdata.parent, "postgres", "postgres")
        if not (self.pgdata / "PG_VERSION").exists():
            subprocess.run(
                as_postgres(
                    self.bindir / "initdb",
                    "-D",
                    self.pgdata,
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        options = (
            f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=256MB -c max_connections=100"
        )
        subprocess.run(
            as_postgres(
                self.bindir / "pg_ctl",
                "-D",
                self.pgdata,
                "-w",
                "-l",
                self.pgdata.parent / "postgres.log",
                "-o",
                options,
                "start",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.started = True

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def ensure_database(self, database: str) -> None:
        exists = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{database}'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database],
                check=True,
            )

    def stop(self) -> None:
        if self.started:
            subprocess.run(
                as_postgres(self.bindir / "pg_ctl", "-D", self.pgdata, "-m", "fast", "stop"),
                check=False,
                stdout=subprocess.DEVNULL,
            )


def app_env(database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "DJANGO_ENV": "benchmark",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(VENV / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def ensure_data_set(pg: Postgres, children: int, seed: int) -> str:
    """Migrate and generate once per size and seed; refuse a database without the marker."""
    database = f"cse_bench_{children}_{seed}_v{GENERATOR_VERSION}"
    pg.ensure_database(database)
    env = app_env(pg.url(database))
    manage(env, "migrate", "--no-input", "-v", "0")
    state = (
        manage(
            env,
            "shell",
            "-v",
            "0",
            "-c",
            "from cse_framework.synthetic.models import SyntheticDataSet as S;"
            "from referrals.models import Child;"
            "m=S.objects.first();print(m.children if m else -1, Child.objects.count())",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
        .split()
    )
    marker, count = int(state[0]), int(state[1])
    if marker == -1 and count == 0:
        print(f"== generating {children} synthetic children (seed {seed})")
        print(
            manage(
                env,
                "generate_synthetic",
                "--children",
                str(children),
                "--seed",
                str(seed),
                capture=True,
            ).strip()
        )
    elif marker != children:
        fail(f"{database} is not a synthetic data set of {children} children: refusing to run")
    else:
        print(f"== reusing {database} ({children} synthetic children)")
    return database


class Gunicorn:
    def __init__(self, env: dict, workers: int):
        if not (VENV / "gunicorn").exists():
            fail("gunicorn is missing: run `make setup` (it is a dependency in pyproject.toml)")
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "cse_framework.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        fail("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


# --- A signed-in HTTP session ---------------------------------------------------------------


class Session:
    """One browser-like session: keep-alive connection, cookies, CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, bytes]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), content

    def sign_in(self, email: str, password: str, code: str) -> None:
        self.request("GET", "/account/sign-in/")
        status, location, _ = self.request(
            "POST", "/account/sign-in/", {"email": email, "password": password}
        )
        if not location.endswith("/account/sign-in/security-code/"):
            fail(f"sign-in failed for {email} (status {status})")
        self.request("GET", location)
        status, location, _ = self.request(
            "POST", "/account/sign-in/security-code/", {"code": code}
        )
        if status != 302 or "security-code" in location:
            fail(f"second factor failed for {email}")


# --- Pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may contain {child}, {referral} or {printed}: real ids from the data set
    role: str | None  # None: anonymous
    # A POSTed page: its form fields (values may contain the keys of credentials()'s ids, such
    # as {given_names} or {family_name_misspelt}); the session adds the CSRF token. None: a GET.
    form: dict | None = None

    @property
    def method(self) -> str:
        return "GET" if self.form is None else "POST"

    def request(self, ids: dict) -> tuple[str, str, dict | None]:
        """(method, path, form) with the data set's real ids and names filled in."""
        form = None if self.form is None else {k: v.format(**ids) for k, v in self.form.items()}
        return self.method, self.path.format(**ids), form


# MASH's register search: a real child's first name and a misspelling of their last name (the
# last letter changed), without a date of birth or postcode (the widest search a worker makes),
# and the same with the child's date of birth.
CHILD_SEARCH = {
    "given_names": "{given_names}",
    "family_name": "{family_name_misspelt}",
    "date_of_birth_0": "",
    "date_of_birth_1": "",
    "date_of_birth_2": "",
    "postcode": "",
}
CHILD_SEARCH_BORN = {
    **CHILD_SEARCH,
    "date_of_birth_0": "{born_day}",
    "date_of_birth_1": "{born_month}",
    "date_of_birth_2": "{born_year}",
}


# The pages every run measures; each issue adds its own here (and to docs/performance.md).
PAGES = [
    Page("floor", "/floor/", "mash_social_worker"),
    Page("sign-in page", "/account/sign-in/", None),
    Page("home", "/", "mash_social_worker"),
    Page("referrals landing", "/referrals/", "mash_social_worker"),
    Page("strategy landing", "/strategy/", "mash_social_worker"),
    Page("shield landing", "/shield/", "shield_worker"),
    Page("macse landing", "/macse/", "macse_administrator"),
    Page("intelligence landing", "/intelligence/", "mash_social_worker"),
    Page("dashboards landing", "/dashboards/", "service_manager"),
    Page("access log", "/access-log/", "service_manager"),
    Page("child register, page 1", "/referrals/children/", "mash_social_worker"),
    Page("child register, later page", "/referrals/children/?after={child}", "mash_social_worker"),
    Page("child record", "/referrals/children/{child}/", "mash_social_worker"),
    Page("API child list", "/api/v1/children/", "mash_social_worker"),
    Page("refer a child (CSE1 form)", "/referrals/new/", "referrer"),
    Page("MASH triage queue", "/referrals/queue/", "mash_social_worker"),
    Page("referral (MASH view)", "/referrals/{referral}/", "mash_social_worker"),
    Page("triage a referral", "/referrals/{referral}/triage/", "mash_social_worker"),
    Page("EDT queue", "/referrals/queue/out-of-hours/", "mash_social_worker"),
    Page("MASH queue, decided", "/referrals/queue/?status=triaged", "mash_social_worker"),
    Page("referral print (PDF)", "/referrals/{printed}/print/", "mash_social_worker"),
    Page("API referral list", "/api/v1/referrals/", "mash_social_worker"),
    Page("API referral detail", "/api/v1/referrals/{referral}/", "mash_social_worker"),
    Page("API child detail", "/api/v1/children/{child}/", "mash_social_worker"),
    Page("child search (POST)", "/referrals/children/search/", "mash_social_worker", CHILD_SEARCH),
    Page(
        "child search + DOB (POST)",
        "/referrals/children/search/",
        "mash_social_worker",
        CHILD_SEARCH_BORN,
    ),
    Page("work list", "/work/", "mash_social_worker"),
    Page("overdue dashboard", "/dashboards/overdue/", "service_manager"),
    Page("timeliness dashboard", "/dashboards/timeliness/", "service_manager"),
    Page("strategy page (manager)", "/strategy/", "mash_team_manager"),
    Page("Shield queue (manager)", "/shield/", "shield_team_manager"),
    Page("Shield caseload (60 children)", "/shield/caseloads/mine/", "shield_worker"),
    Page("CSE2 summary (most versions)", "/shield/assessments/{assessment}/", "shield_worker"),
    Page("CSE2 print (PDF)", "/shield/assessments/{assessment}/print/", "shield_worker"),
    Page("chronology", "/shield/children/{assessed_child}/chronology/", "shield_worker"),
    Page("API CSE2 list", "/api/v1/cse2-assessments/", "shield_team_manager"),
    Page("MACSE meeting (latest held)", "/macse/meetings/{macse_meeting}/", "macse_administrator"),
    Page("MACSE plan", "/macse/plans/{macse_plan}/", "macse_administrator"),
    Page("children on MACSE", "/macse/cohort/", "macse_administrator"),
]


def measure_on_data_set(script: str, children: int, seed: int, *arguments: str) -> dict:
    """Run ``script --measure <arguments>`` against the data set of ``children`` and ``seed``
    (generated once, as for the page timings) in a process of its own, with the app's settings,
    and return the JSON it prints last. The bench cluster is stopped afterwards."""
    pg = Postgres()
    pg.start()
    try:
        database = ensure_data_set(pg, children, seed)
        output = subprocess.run(
            [sys.executable, script, "--measure", *arguments],
            env=app_env(pg.url(database)),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        pg.stop()
    return json.loads(output.strip().splitlines()[-1])


def keep_result(prefix: str, result: dict) -> Path:
    """Write ``result`` to bench/results/<prefix>-<UTC time>.json and say where."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = ROOT / "bench" / "results" / f"{prefix}-{stamp}.json"
    path.parent.mkdir(exist_ok=True)  # gitignored: absent from a fresh clone
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten: {path.relative_to(ROOT)}")
    return path


def misspelt(name: str) -> str:
    """The name with its last letter changed, as a worker might mistype it."""
    return name[:-1] + ("a" if name[-1:].lower() != "a" else "e")


def credentials(env: dict, roles: set[str], sessions: int) -> tuple[str, dict, dict]:
    """Bench password, `sessions` single-use backup codes per role, and real ids and names to use
    (a child and their names, a referral awaiting triage, a decided referral with a MARF)."""
    script = (
        "import json;from cse_framework.synthetic import users as u;"
        "from cse_framework.accounts.models import User;from referrals.models import Child;"
        f"roles={sorted(roles)!r};"
        "codes={r: u.bench_backup_codes(User.objects.get(email=u.bench_email(r)), "
        f"{sessions}) for r in roles}};"
        "n=Child.objects.count();"
        "child=Child.objects.order_by('id')"
        ".values('id','given_names','family_name','date_of_birth')[n//2];"
        "from referrals.models import Referral;"
        "referral=Referral.objects.filter(status='received').order_by('received_at')"
        ".values_list('id',flat=True).first();"
        "printed=Referral.objects.filter(status='triaged',marf__isnull=False)"
        ".order_by('-received_at').values_list('id',flat=True).first();"
        "from shield.models import Assessment;"
        "assessed=Assessment.objects.filter(status='completed',"
        "child__shield_cases__worker__email=u.bench_email('shield_worker'))"
        ".order_by('-sequence','id').values('id','child_id').first() or {};"
        "print(json.dumps([u.BENCH_PASSWORD, codes, str(child['id']), child['given_names'],"
        "child['family_name'], str(child['date_of_birth']), str(referral), str(printed),"
        "str(assessed.get('id')), str(assessed.get('child_id')),"
        "str(meeting), str(plan)]))"
    )
    script = script.replace(
        "print(json.dumps(",
        "from macse.models import Meeting, Plan;"
        "meeting=Meeting.objects.filter(status='closed').order_by('-starts_at','-id')"
        ".values_list('id',flat=True).first();"
        "plans=Plan.objects.count();"
        "plan=Plan.objects.order_by('id').values_list('id',flat=True)[plans//2] if plans else None;"
        "print(json.dumps(",
    )
    (
        password,
        codes,
        child,
        given,
        family,
        born,
        referral,
        printed,
        assessment,
        assessed_child,
        meeting,
        plan,
    ) = json.loads(
        manage(env, "shell", "-v", "0", "-c", script, capture=True).strip().splitlines()[-1]
    )
    ids = {
        "macse_meeting": meeting,
        "macse_plan": plan,
        "assessment": assessment,
        "assessed_child": assessed_child,
        "child": child,
        "referral": referral,
        "printed": printed,
        "given_names": given,
        "family_name": family,
        "family_name_misspelt": misspelt(family),
        "born_year": born[:4],
        "born_month": str(int(born[5:7])),
        "born_day": str(int(born[8:10])),
    }
    return password, codes, ids


def signer(port: int, password: str, codes: dict[str, list[str]]):
    """Signs new sessions in, each with its own single-use backup code."""
    lock = threading.Lock()

    def sign_in(role: str | None) -> Session:
        session = Session(port)
        if role:
            with lock:
                code = codes[role].pop()
            session.sign_in(f"bench.{role}@example.org", password, code)
        return session

    return sign_in


def query_counts(
    env: dict, paths: dict[str, tuple[str, str, str | None, dict | None]]
) -> dict[str, int]:
    """How many SQL queries each page runs, counted in-process against the bench database
    (`paths`: page name -> (method, path, role, form))."""
    output = subprocess.run(
        [str(VENV / "python"), str(ROOT / "bench" / "query_counts.py"), json.dumps(paths)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- Measuring ------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)
    errors: int = 0

    def summary(self) -> dict:
        if not self.samples:
            return {"requests": 0, "errors": self.errors}
        return {
            "requests": len(self.samples) + self.errors,
            "errors": self.errors,
            "median_ms": round(statistics.median(self.samples) * 1000, 2),
            "p95_ms": round(percentile(self.samples, 0.95) * 1000, 2),
            "p99_ms": round(percentile(self.samples, 0.99) * 1000, 2),
        }


def timed(session: Session, request: tuple[str, str, dict | None], timing: Timing) -> None:
    """One timed request; `request` is a page's (method, path, form)."""
    started = time.perf_counter()
    try:
        status, _, _ = session.request(*request)
    except OSError:
        timing.errors += 1
        return
    elapsed = time.perf_counter() - started
    if 200 <= status < 300:
        timing.samples.append(elapsed)
    else:
        timing.errors += 1


def throughput(
    port: int, sign_in, request: tuple[str, str, dict | None], concurrency: int, requests: int
) -> float:
    """Requests per second with `concurrency` signed-in sessions sharing `requests` requests."""
    sessions = [sign_in() for _ in range(concurrency)]
    per_session = max(1, requests // concurrency)

    def work(session: Session) -> None:
        for _ in range(per_session):
            session.request(*request)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(work, sessions))
    return round(per_session * concurrency / (time.perf_counter() - started), 1)


def check_search(sessions: dict, requests: dict, ids: dict) -> dict[str, bool]:
    """Each POSTed search must show its results (or its timing would be of an error page);
    whether the searched child is among them is recorded, not required: a search that misses
    the child is a finding for docs/performance.md, and its cost is still the search's."""
    found = {}
    for page in PAGES:
        if page.form is not None:
            status, _, body = sessions[page.role].request(*requests[page.name])
            if status != 200 or b"possible match" not in body:
                fail(f"{page.name}: status {status}, no results shown")
            found[page.name] = ids["family_name"].encode() in body
            if not found[page.name]:
                print(f"bench: warning: {page.name} did not find {ids['family_name']}")
    return found


def measure_size(pg: Postgres, args, children: int) -> dict:
    database = ensure_data_set(pg, children, args.seed)
    env = app_env(pg.url(database))
    roles = {page.role for page in PAGES if page.role}
    sessions_needed = 1 + len(PAGES) * args.concurrency
    password, codes, ids = credentials(env, roles, sessions_needed)
    requests = {page.name: page.request(ids) for page in PAGES}
    counts = query_counts(
        env,
        {
            page.name: (method, path, page.role, form)
            for page in PAGES
            for method, path, form in [requests[page.name]]
        },
    )
    server = Gunicorn(env, args.workers)
    try:
        sign_in = signer(server.port, password, codes)
        sessions = {role: sign_in(role) for role in roles | {None}}
        timings = {page.name: Timing() for page in PAGES}
        found = check_search(sessions, requests, ids)
        for _ in range(args.warmup):
            for page in PAGES:
                sessions[page.role].request(*requests[page.name])
        # Round-robin over the pages, so any drift in the machine's speed hits all pages alike.
        for _ in range(args.requests):
            for page in PAGES:
                timed(sessions[page.role], requests[page.name], timings[page.name])
        results = {}
        floor = statistics.median(timings["floor"].samples)
        floor_p95 = percentile(timings["floor"].samples, 0.95)
        for page in PAGES:
            summary = timings[page.name].summary()
            samples = timings[page.name].samples
            summary["median_x_floor"] = round(statistics.median(samples) / floor, 2)
            summary["p95_x_floor_median"] = round(percentile(samples, 0.95) / floor, 2)
            summary["queries"] = counts[page.name]
            if page.name in found:
                summary["finds_child"] = found[page.name]
            summary["rps"] = throughput(
                server.port,
                lambda role=page.role: sign_in(role),
                requests[page.name],
                args.concurrency,
                args.throughput_requests,
            )
            results[page.name] = summary
        return {
            "children": children,
            "floor_median_ms": round(floor * 1000, 2),
            "floor_p95_ms": round(floor_p95 * 1000, 2),
            "pages": results,
        }
    finally:
        server.stop()


def print_table(run: dict) -> None:
    print(f"\n{run['children']:,} children (floor median {run['floor_median_ms']} ms)")
    header = (
        f"{'page':<28}{'median ms':>10}{'p95 ms':>9}{'x floor':>9}{'p95 x':>8}"
        f"{'req/s':>8}{'queries':>9}  verdict"
    )
    print(header)
    print("-" * len(header))
    for name, page in run["pages"].items():
        verdict = []
        if page["median_x_floor"] > 3:
            verdict.append("median > 3x floor")
        if page["p95_x_floor_median"] > 5:
            verdict.append("p95 > 5x floor")
        if page["errors"]:
            verdict.append(f"{page['errors']} errors")
        if page.get("finds_child") is False:
            verdict.append("child not found")
        print(
            f"{name:<28}{page['median_ms']:>10}{page['p95_ms']:>9}{page['median_x_floor']:>9}"
            f"{page['p95_x_floor_median']:>8}{page['rps']:>8}{page['queries']:>9}  "
            f"{'; '.join(verdict) or 'ok'}"
        )


def print_scaling(runs: list[dict]) -> dict:
    scaling = {}
    for smaller, larger in zip(runs, runs[1:], strict=False):
        key = f"{larger['children']}/{smaller['children']}"
        print(
            f"\nScaling {larger['children']:,} vs {smaller['children']:,} children "
            "(median ratio, each relative to its own run's floor)"
        )
        scaling[key] = {}
        print(f"  {'page':<28}{'raw':>6}{'vs floor':>10}")
        for name in larger["pages"]:
            raw = round(larger["pages"][name]["median_ms"] / smaller["pages"][name]["median_ms"], 2)
            ratio = round(
                larger["pages"][name]["median_x_floor"] / smaller["pages"][name]["median_x_floor"],
                2,
            )
            scaling[key][name] = {"raw": raw, "relative_to_floor": ratio}
            verdict = "GROWS WITH DATA" if min(raw, ratio) > 1.2 else "ok"
            print(f"  {name:<28}{raw:>6}{ratio:>10}  {verdict}")
    return scaling


# --- Load run: virtual users with think time and the product's journeys ----------------------

# (weight, page name) of the journeys a working day is made of.
JOURNEYS = [
    (20, "home"),
    (25, "child register, page 1"),
    (25, "child record"),
    (5, "referrals landing"),
    (5, "strategy landing"),
    (5, "intelligence landing"),
    (10, "API child list"),
    (5, "access log"),
]


def load_run(pg: Postgres, args) -> dict:
    database = ensure_data_set(pg, args.children[-1], args.seed)
    env = app_env(pg.url(database))
    by_name = {page.name: page for page in PAGES}
    roles = {by_name[name].role for _, name in JOURNEYS}
    password, codes, ids = credentials(env, roles, args.users)
    server = Gunicorn(env, args.workers)
    sign_in = signer(server.port, password, codes)
    timings = {name: Timing() for _, name in JOURNEYS}
    lock = threading.Lock()
    rng = random.Random(args.seed)  # noqa: S311 - think times, not security
    names = [name for _, name in JOURNEYS]
    weights = [weight for weight, _ in JOURNEYS]

    # Everyone signs in first; the measured period starts when all have (250 sign-ins in a few
    # seconds, each an Argon2 hash, is not a working day's traffic and would swamp the timings).
    ready = threading.Barrier(args.users + 1)
    window = {"stop_at": float("inf")}  # set when everyone has signed in

    def user(index: int) -> None:
        own = random.Random(index)  # noqa: S311
        sessions = {role: sign_in(role) for role in roles}
        ready.wait()
        time.sleep(own.uniform(0, 8))
        while time.monotonic() < window["stop_at"]:
            name = own.choices(names, weights)[0]
            page = by_name[name]
            timing = Timing()
            timed(sessions[page.role], page.request(ids), timing)
            with lock:
                timings[name].samples += timing.samples
                timings[name].errors += timing.errors
            time.sleep(own.uniform(2, 8))

    try:
        print(f"== {args.users} users for {args.duration}s, think time 2-8 s")
        threads = [threading.Thread(target=user, args=(i,)) for i in range(args.users)]
        for thread in threads:
            thread.start()
            time.sleep(rng.uniform(0.05, 0.2))
        ready.wait()
        window["stop_at"] = time.monotonic() + args.duration
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    everything = Timing(
        [s for t in timings.values() for s in t.samples], sum(t.errors for t in timings.values())
    )
    report = {
        "users": args.users,
        "duration_s": args.duration,
        "children": args.children[-1],
        "pages": {name: t.summary() for name, t in timings.items()},
        "overall": everything.summary(),
    }
    report["overall"]["rps"] = round(report["overall"]["requests"] / args.duration, 1)
    print(f"\nLoad run: {args.users} users, {args.duration}s, {args.children[-1]:,} children")
    print(f"{'page':<28}{'requests':>9}{'errors':>8}{'median':>8}{'p95':>8}{'p99':>8}")
    for name, row in [*report["pages"].items(), ("OVERALL", report["overall"])]:
        print(
            f"{name:<28}{row['requests']:>9}{row['errors']:>8}{row.get('median_ms', '-'):>8}"
            f"{row.get('p95_ms', '-'):>8}{row.get('p99_ms', '-'):>8}"
        )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, nargs="+", default=[10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--throughput-requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--load", action="store_true", help="a load run instead of timings")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="TEXT",
        help="time only the pages whose names contain one of these (and the floor)",
    )
    args = parser.parse_args()
    if args.pages:
        PAGES[:] = [p for p in PAGES if p.name == "floor" or any(t in p.name for t in args.pages)]

    pg = Postgres()
    pg.start()
    try:
        if args.load:
            output = {"load": load_run(pg, args)}
        else:
            runs = []
            for size in sorted(args.children):
                runs.append(measure_size(pg, args, size))
                print_table(runs[-1])  # as soon as it is measured
            output = {"runs": runs, "scaling": print_scaling(runs)}
    finally:
        pg.stop()
    output["machine"] = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}{'-load' if args.load else ''}.json"
    path.write_text(json.dumps(output, indent=2))
    print(f"\nJSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
