"""The MACSE agenda pack of a meeting with 60 children: the whole pack as the Celery task makes it
(gather, lay out, render, keep) beside WeasyPrint rendering the same finished HTML alone.

    DATABASE_URL= REDIS_URL= .venv/bin/python bench/macse_pack.py              # 60 children
    DATABASE_URL= REDIS_URL= .venv/bin/python bench/macse_pack.py --children 20 --runs 5

It runs on a throwaway SQLite test database (in memory, migrated at the start and dropped at the
end; never the development database), and starts no worker and no broker: the task's service is
called in this process. The meeting is built through the services, as the tests build it
(tests/macse/pack_data.py): each child adopted at an earlier meeting, with a CSE2 before each
meeting and a plan of 3 actions. Each timing is the median of ``--runs`` (3) after one warm-up.
Prints a table and writes bench/results/macse-pack-<timestamp>.json (docs/performance.md,
"MACSE agenda pack")."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def _timed_ms(run) -> float:
    gc.collect()  # each run starts without the last one's garbage
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def _interleaved(runs: int, **named) -> dict[str, list[float]]:
    """Each callable timed ``runs`` times, round-robin, so the machine's drift (other work on
    the same two cores) hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in named}
    for _ in range(runs):
        for name, run in named.items():
            times[name].append(_timed_ms(run))
    return times


def measure(children: int, actions: int, runs: int) -> dict:
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from cse_framework.pdf import pdf_from_html
    from macse import document_services, pack
    from macse.models import MeetingDocument
    from tests.macse.pack_data import make_review_meeting

    started = time.perf_counter()
    meeting = make_review_meeting(children, actions=actions)
    built_s = time.perf_counter() - started
    user = meeting.administrator

    def whole() -> MeetingDocument:
        document = MeetingDocument.objects.create(
            meeting=meeting, kind=MeetingDocument.Kind.AGENDA_PACK, requested_by=user
        )
        done = document_services.document_render(document_id=document.pk)
        if done is None or done.status != MeetingDocument.Status.DONE:
            raise SystemExit(f"the pack failed: {done.error if done else 'vanished'}")
        return done

    def gather():
        return pack.gather_pack(meeting.pk, user=user)

    gathered = gather()
    html = render_to_string("macse/pack.html", {"pack": gathered})
    whole()  # warm-up: fonts, templates, WeasyPrint's caches
    pdf_from_html(html)
    connection.queries_log.clear()  # the build ran past the log's limit
    with CaptureQueriesContext(connection) as queries:
        gather()
    times = _interleaved(
        runs,
        whole=whole,
        render=lambda: pdf_from_html(html),
        gather=gather,
        layout=lambda: render_to_string("macse/pack.html", {"pack": gather()}),
    )
    whole_ms, render_ms, gather_ms, layout_ms = (
        statistics.median(times[name]) for name in ("whole", "render", "gather", "layout")
    )
    whole_runs, render_runs, gather_runs = times["whole"], times["render"], times["gather"]
    last = MeetingDocument.objects.filter(status="done").order_by("-pk").first()
    return {
        "children": children,
        "actions_per_child": actions,
        "runs": runs,
        "built_s": round(built_s, 1),
        "pages": last.pages,
        "pdf_bytes": len(bytes(last.pdf)),
        "html_bytes": len(html),
        "gather_queries": len(queries),
        "whole_pack_ms": round(whole_ms, 1),
        "whole_pack_runs_ms": [round(t, 1) for t in whole_runs],
        "weasyprint_alone_ms": round(render_ms, 1),
        "weasyprint_alone_runs_ms": [round(t, 1) for t in render_runs],
        "gather_ms": round(gather_ms, 1),
        "gather_runs_ms": [round(t, 1) for t in gather_runs],
        "gather_and_template_ms": round(layout_ms, 1),
        "ratio_whole_to_weasyprint": round(whole_ms / render_ms, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=60)
    parser.add_argument("--actions", type=int, default=3, help="actions in each child's plan")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_framework.settings")
    if os.environ.get("DATABASE_URL"):
        print("bench: run with DATABASE_URL= (a throwaway SQLite database)", file=sys.stderr)
        return 2
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    # As the tests do: the fictional users' passwords need no slow hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        result = measure(args.children, args.actions, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    result["at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["machine"] = f"{platform.python_version()}, {os.cpu_count()} CPUs"
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"macse-pack-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(result, indent=2))
    print(
        f"{result['children']} children, {result['pages']} pages, "
        f"{result['gather_queries']} queries to gather (built in {result['built_s']} s)\n"
        f"whole pack (task: gather, lay out, render, keep): {result['whole_pack_ms']} ms "
        f"{result['whole_pack_runs_ms']}\n"
        f"WeasyPrint alone, the same HTML:                  {result['weasyprint_alone_ms']} ms "
        f"{result['weasyprint_alone_runs_ms']}\n"
        f"gathering alone: {result['gather_ms']} ms; gathering and the template: "
        f"{result['gather_and_template_ms']} ms\n"
        f"ratio whole / WeasyPrint alone: {result['ratio_whole_to_weasyprint']}\n{path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
