"""The one settings module. Every deploy-time value comes from the environment (.env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

# The demo secret is public: it is accepted only in demo mode (make demo) and in tests;
# vitreem.wsgi/asgi refuse to serve with it otherwise (vitreem.core.deploy).
DEMO_SECRET_KEY = "vitreem-demo-secret-not-for-production"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEMO_MODE = env_bool("VITREEM_DEMO")
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
# Off even in the demo: a user must never meet Django's debug page (our own error pages instead).
DEBUG = env_bool("DEBUG")
# Production hardening (HTTPS redirect, HSTS, JSON logs) is the default outside the demo.
PRODUCTION = not (DEBUG or DEMO_MODE)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "axes",
    "ninja",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "vitreem.core",
    "vitreem.accounts",
    "vitreem.units",
    "vitreem.plans",
    "vitreem.reporting",
    "vitreem.children",
    "vitreem.fund",
    "vitreem.notifications",
    "vitreem.jobs",
    "vitreem.assessments",
    "vitreem.web",
    "vitreem.demo",
]

MIDDLEWARE = [
    # First: every response, errors included, carries the request id.
    "vitreem.web.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come precompressed), above whatever writes a body.
    "vitreem.web.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vitreem.web.middleware.LanguageMiddleware",
    # Before anything reads the body (CSRF does): a body over its limit is answered 413.
    "vitreem.core.limits.BodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A service's refusal a page let through: a 422 page with its reasons, not a 500.
    "vitreem.web.middleware.RefusalMiddleware",
    # Last, as django-axes requires: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vitreem.urls"
WSGI_APPLICATION = "vitreem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vitreem.web.context_processors.site",
                "vitreem.notifications.context_processors.inbox",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'vitreem.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# An optional read replica for the reports (consolidated and national tables): see
# vitreem.core.routers. Without it everything is read from and written to "default".
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests read the replica's tables through the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# The name of the database the tests create and drop (by default "test_" and the name above).
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["vitreem.core.routers.ReportsReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE avoids "database is locked" when a read transaction later writes.
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }

# Background work (ADR 0010): jobs are rows of the database, run by `manage.py worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The daily scan of deadlines (reminders, escalations, digests) runs at this hour, Vietnam's time.
REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR") or 7)
# Who appraises and recognises a child-friendly commune (Decision 06/2019/QĐ-TTg): "auto" (the
# district of a pre-reform commune, the province once the district level is gone), "province"
# or "district" (falling back to the province where there is no district).
ASSESSMENT_APPRAISER = os.environ.get("ASSESSMENT_APPRAISER") or "auto"
# The address of the site in mails (links to the inbox and to what a notice is about).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# A job waiting longer than this means no worker is taking jobs: /api/v1/health answers 503.
TASKS_STALLED_AFTER = timedelta(minutes=int(os.environ.get("TASKS_STALLED_MINUTES") or 10))
# A running import or export that has not moved for this long lost its worker: it is marked
# failed (its work ran in one transaction, so nothing of it was kept) by the next worker.
JOBS_ABANDONED_AFTER = timedelta(minutes=int(os.environ.get("JOBS_ABANDONED_MINUTES") or 30))

# Optional Redis for the cache and the sessions (several web servers share them).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # Written through to the database: a restart of Redis signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Then, still before the password check, the slowdown of a username failing everywhere.
    "vitreem.accounts.lockout.UsernameSlowdownBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A reset link opens the form for two hours, and only until the password changes.
PASSWORD_RESET_TIMEOUT = 2 * 3600

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (vitreem.accounts.lockout): django-axes locks a username from an address
# after repeated failures; a username failing from many addresses is slowed down instead.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A refused attempt (locked or slowed down) is not counted: otherwise a guesser who keeps trying
# would keep the owner out for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Reverse proxies in front of the site whose X-Forwarded-For is believed; 0 (the default)
# believes none and counts REMOTE_ADDR. Behind one proxy every client would otherwise share
# the proxy's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "vitreem.accounts.lockout.client_ip"
LOGIN_SLOWDOWN_AFTER = int(os.environ.get("LOGIN_SLOWDOWN_AFTER", "10"))
LOGIN_SLOWDOWN_MAX_SECONDS = int(os.environ.get("LOGIN_SLOWDOWN_MAX_SECONDS", "300"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vitreem.accounts.lockout.lockout_response"
AXES_VERBOSE = False

API_TOKEN_TTL = timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "7")))
# Active tokens a user may hold; issuing one more revokes the oldest.
API_TOKENS_PER_USER = int(os.environ.get("API_TOKENS_PER_USER", "10"))

# E-mail: notices to leaders (e.g. a change of the right to children's sensitive data).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vitreem <no-reply@localhost>")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "vitreem" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["vitreem.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "var" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE
# Browser libraries from the npm registry (package.json, installed by `make install`), served
# from this site under static/vendor/ like every other asset (vitreem.core.assets): only the
# files the pages load. Chart.js draws the charts of the leader's dashboard.
NODE_MODULES = BASE_DIR / "node_modules"
NODE_ASSETS = [
    "chart.js/dist/chart.umd.min.js",
    "chart.js/dist/chart.umd.min.js.map",
    "chart.js/LICENSE.md",
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "vitreem.core.assets.NodeModulesFinder",
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# The largest request body, in bytes, per class of endpoint (vitreem.core.limits); a larger one
# is answered 413. Each upload class leaves room above its file's own limit for the form.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", 2_621_440))  # 2.5 MB
UPLOAD_WORKBOOK_MAX_BYTES = int(os.environ.get("UPLOAD_WORKBOOK_MAX_BYTES", 6 * 2**20))
UPLOAD_ATTACHMENT_MAX_BYTES = int(os.environ.get("UPLOAD_ATTACHMENT_MAX_BYTES", 11 * 2**20))
UPLOAD_ARCHIVE_MAX_BYTES = int(os.environ.get("UPLOAD_ARCHIVE_MAX_BYTES", 201 * 2**20))
# Form fields other than files: the same ceiling as any body.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# The health check is asked by the load balancer over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (31536000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")

# Content Security Policy: scripts, styles and images only from this site; no inline script,
# no inline event handler, no inline style; no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# One line per event on standard error: JSON in production (for the log collector), readable text
# in the demo; every line of a request carries its request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "vitreem.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "vitreem.core.logs.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
