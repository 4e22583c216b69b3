"""/api/v1/health answers for the database and the queue; 503 names the part that failed."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from vitreem.core import health

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_healthy(client, settings):
    settings.TASKS = DB_TASKS
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok", "failed": []}


def test_a_job_waiting_too_long_means_no_worker_runs(client, settings):
    from django_tasks_db.models import DBTaskResult

    from vitreem.reporting.tasks import rebuild_totals

    settings.TASKS = DB_TASKS
    result = rebuild_totals.enqueue(0)
    assert client.get("/api/v1/health").status_code == 200  # just queued: fine
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - settings.TASKS_STALLED_AFTER - timedelta(minutes=1)
    )
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "queue": "stalled",
        "failed": ["queue"],
    }


def test_the_balancers_check_leaves_the_queue_out(client, settings):
    from django_tasks_db.models import DBTaskResult

    from vitreem.reporting.tasks import rebuild_totals

    settings.TASKS = DB_TASKS
    result = rebuild_totals.enqueue(0)
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - timedelta(days=1))
    assert client.get("/api/v1/health").status_code == 503
    response = client.get("/api/v1/health?queue=false")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "skipped", "failed": []}


def test_an_unreadable_queue_is_503(client, settings, monkeypatch):
    settings.TASKS = DB_TASKS

    def broken(*args, **kwargs):
        raise OperationalError("no such table")

    monkeypatch.setattr(health.DBTaskResult.objects, "ready", broken)
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["queue"] == "unavailable"
    assert response.json()["failed"] == ["queue"]


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    class Down:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Down())
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unavailable",
        "queue": "unavailable",
        "failed": ["database", "queue"],
    }
