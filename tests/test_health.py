"""Liveness and readiness: the database is required; Redis and Celery are only 'degraded'."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers(client):
    """Liveness needs nothing but the process."""
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_a_missing_worker_as_degraded(client, settings):
    """No Celery worker: ready, but degraded."""
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["ping"] == "degraded"
    assert body["status"] == "degraded"


def test_readyz_reports_redis_down_as_degraded(client, settings):
    """Redis unreachable: still ready (the database is up), reported degraded."""
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "degraded"
