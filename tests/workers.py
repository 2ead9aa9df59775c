"""Real Celery workers for tests that need one, on the database and broker of the test run."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def worker_env() -> dict:
    """The environment a worker needs to use this test run's database (and its Redis)."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
            if connection.vendor == "postgresql"
            else f"sqlite:///{database['NAME']}"
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }


@contextlib.contextmanager
def celery_workers(count: int = 1):
    """``count`` real worker processes (solo pool); stopped on exit. Yields a function that
    returns their combined output once they have stopped."""
    workers = [
        subprocess.Popen(  # noqa: S603 - our own worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cse_framework",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                f"--hostname=test{number}@%h",
                "-Q",
                "celery",
            ],
            cwd=ROOT,
            env=worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for number in range(count)
    ]
    outputs: list[str] = []
    try:
        yield lambda: "\n".join(outputs)
    finally:
        for worker in workers:
            worker.terminate()
        outputs.extend(worker.communicate(timeout=30)[0].decode() for worker in workers)
