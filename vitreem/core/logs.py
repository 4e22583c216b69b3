"""Log lines: one JSON object per line in production, readable text in the demo.

Kept free of Django so that gunicorn's master process can use the same formatter for its access
log before any application is loaded.
"""

import json
import logging
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request being served in this thread or task (set by RequestIdMiddleware).
request_id: ContextVar[str] = ContextVar("request_id", default="-")
# The same request named by this server alone: what records may be grouped by, since a client
# can send any X-Request-ID (and so make its reads of children look like one).
served_id: ContextVar[str] = ContextVar("served_id", default="-")

# Access-log fields → gunicorn's atoms (M: duration in milliseconds; {…}o: a response header).
_ACCESS_FIELDS = {
    "method": "m",
    "path": "U",
    "query": "q",
    "status": "s",
    "duration_ms": "M",
    "bytes": "B",
    "remote": "h",
    "request_id": "{x-request-id}o",
}


class RequestIdFilter(logging.Filter):
    """Give every record the current request id, so that a text format may name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs some responses after the middleware is done: ask its request.
            current = request_id.get()
            if current == "-":
                current = getattr(getattr(record, "request", None), "request_id", "-")
            record.request_id = current
        return True


def _number(value: object) -> object:
    try:
        return int(str(value))
    except ValueError:
        return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            # Chosen atoms only: the request's headers (cookies, tokens) stay out of the log.
            line["message"] = "request"
            for field, atom in _ACCESS_FIELDS.items():
                value = record.args[atom]
                if value not in (None, "-", ""):
                    line[field] = _number(value) if field in {"status", "bytes"} else value
        else:
            line["message"] = record.getMessage()
            current = getattr(record, "request_id", None) or request_id.get()
            if current != "-":
                line["request_id"] = current
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
