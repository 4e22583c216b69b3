"""gunicorn's configuration for vitreem (`gunicorn -c gunicorn.conf.py`).

Every value can be set from the environment; the defaults suit one machine behind a TLS proxy.
"""

import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "vitreem.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"
# Requests mostly wait on PostgreSQL, so more processes than cores keep the cores busy.
workers = _env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = _env_int("GUNICORN_THREADS", 1)
# A request still running after this is killed and logged: slow work belongs on the queue.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced now and then, so a slow leak cannot grow without bound.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The proxy's X-Forwarded-* headers are trusted from these addresses only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
# No control socket: it lives at one path per user, which several servers on a machine share.
control_socket_disable = True

# One access line per request, and gunicorn's own messages, on standard error: JSON lines in
# production, text in the demo (as the application's own logs: LOG_FORMAT in settings).
_demo = os.environ.get("VITREEM_DEMO", "").lower() in {"1", "true", "yes", "on"}
_format = os.environ.get("LOG_FORMAT") or ("text" if _demo else "json")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "vitreem.core.logs.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _format,
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": [], "level": "WARNING"},
}
