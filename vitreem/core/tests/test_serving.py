"""gunicorn's configuration takes its values from the environment, with defaults for the box."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def gunicorn_config(**env: str) -> dict[str, str]:
    """The configuration gunicorn would run with (it loads the application to print it: in demo
    mode here, which needs no secret)."""
    result = subprocess.run(
        [
            str(GUNICORN if GUNICORN.exists() else shutil.which("gunicorn")),
            "-c",
            "gunicorn.conf.py",
            "--print-config",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "WEB_"))},
            "VITREEM_DEMO": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {
        name.strip(): value.strip()
        for name, _sep, value in (line.partition("=") for line in result.stdout.splitlines())
    }


def test_bind_and_processes_come_from_the_environment():
    config = gunicorn_config(GUNICORN_BIND="127.0.0.1:8199", WEB_CONCURRENCY="4")
    assert config["bind"] == "['127.0.0.1:8199']"
    assert config["workers"] == "4"


def test_defaults_suit_the_machine():
    config = gunicorn_config()
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["workers"] == str(2 * os.cpu_count() + 1)
    assert config["timeout"] == "60"
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "vitreem.wsgi:application"
