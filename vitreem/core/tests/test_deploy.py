"""The production entry points refuse unsafe settings; demo mode is allowed its demo secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def start_wsgi(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "VITREEM_DEMO"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import vitreem.wsgi"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "vitreem.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_demo_secret():
    result = start_wsgi()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = start_wsgi(SECRET_KEY="x" * 50, DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.parametrize("env", [{"SECRET_KEY": "k" * 50}, {"VITREEM_DEMO": "1"}])
def test_safe_configurations_start(env):
    result = start_wsgi(**env)
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "VITREEM_DEMO"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "vitreem.settings",
            "SECRET_KEY": "production-like-" + "k7Qz" * 12,
            "ALLOWED_HOSTS": "vitreem.example.vn",
            "SECURE_HSTS_PRELOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_demo_runs_with_debug_off():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DEBUG, settings.WHITENOISE_USE_FINDERS, settings.SECURE_SSL_REDIRECT)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL_REDIRECT"}},
            "DJANGO_SETTINGS_MODULE": "vitreem.settings",
            "VITREEM_DEMO": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Debug pages off; the assets served from the apps without collectstatic; plain HTTP.
    assert result.stdout.split() == ["False", "True", "False"], result.stderr
