"""What /api/v1/health checks: the database answers, and the queue's jobs are being taken."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("health: the database does not answer")
        return "unavailable"
    return "ok"


def queue_state() -> str:
    """The queue answers, and no job has waited so long that no worker can be running."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return "ok"  # jobs run in the process itself (tests): nothing waits
    try:
        oldest = (
            DBTaskResult.objects.ready()
            .filter(backend_name=backend.alias)
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    except DatabaseError:
        logger.exception("health: the queue's table cannot be read")
        return "unavailable"
    if oldest is not None and timezone.now() - oldest > settings.TASKS_STALLED_AFTER:
        logger.error("health: a job has waited since %s: are the workers running?", oldest)
        return "stalled"
    return "ok"
