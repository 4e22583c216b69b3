"""With REDIS_URL, the cache and the sessions are Redis's (shared by every web server)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

PROBE = """
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
print(settings.CACHES["default"]["BACKEND"])
print(settings.SESSION_ENGINE)
if "--round-trip" in __import__("sys").argv:
    cache.set("vitreem-probe", "ok", 5)
    print(cache.get("vitreem-probe"))
"""


def probe(*args: str, redis_url: str = REDIS) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "vitreem.settings", "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_redis_url_selects_the_redis_cache_and_cached_sessions():
    assert probe() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_the_cache_round_trips_through_redis():
    assert probe("--round-trip")[-1] == "ok"
