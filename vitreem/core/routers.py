"""Reads of the reports from the read replica, when there is one (DATABASE_REPLICA_URL).

The consolidated and national tables read many rows and tolerate a replica's lag of seconds;
everything else, and every read inside a transaction (a service that reads what it is about to
write), stays on the primary.
"""

from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model

# Models whose reads are reports: the consolidated totals behind every consolidated table.
REPORT_MODELS = {"reporting.consolidatedvalue"}


class ReportsReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        alias: str = settings.REPORTS_DATABASE
        if alias == "default" or model._meta.label_lower not in REPORT_MODELS:
            return None
        if connections["default"].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: objects of both may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary (streaming replication); it is never migrated itself.
        return db == "default"
