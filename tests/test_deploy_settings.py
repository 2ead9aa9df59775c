"""Production settings differ only by environment variables, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 64 + "-not-a-real-secret-only-for-the-deploy-check",
    "ALLOWED_HOSTS": "cse.example.org",
    "DATABASE_URL": "postgres://cse:cse@db.invalid:5432/cse_framework",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_environment():
    """manage.py check --deploy --fail-level WARNING is clean in production settings."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_in_development_settings():
    """The same check fails on the development defaults, so the test above can fail."""
    env = {"DJANGO_ENV": "development", "DATABASE_URL": "", "REDIS_URL": ""}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0


def test_seed_demo_refuses_production():
    """Demo data never goes into a production database."""
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "refuses to run with production settings" in result.stderr
