"""Settings come from the environment; production refuses unsafe configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BASE_SNAPSHOT = """
import json
from planning_cycle.settings import base as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "port": str(db.get("PORT", "")), "user": db.get("USER", ""),
    "broker": s.CELERY_BROKER_URL,
    "broker_options": getattr(s, "CELERY_BROKER_TRANSPORT_OPTIONS", None),
    "email_backend": s.EMAIL_BACKEND, "from": s.DEFAULT_FROM_EMAIL,
    "debug": s.DEBUG, "hosts": s.ALLOWED_HOSTS,
}))
"""


# A developer's .env file must not leak into these checks.
NO_DOTENV = "import environ; environ.Env.read_env = lambda *args, **kwargs: None\n"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter whose environment holds only PATH, HOME and env."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", NO_DOTENV + code],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


IMPORT_PRODUCTION = "import planning_cycle.settings.production"


def test_production_refuses_missing_secret_key() -> None:
    result = run_python(IMPORT_PRODUCTION, DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in production." in result.stderr


def test_production_refuses_debug_on() -> None:
    result = run_python(IMPORT_PRODUCTION, SECRET_KEY="x" * 50, DEBUG="true")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off in production." in result.stderr


def test_production_imports_with_secret_and_debug_off() -> None:
    result = run_python(IMPORT_PRODUCTION + "; print('ok')", SECRET_KEY="x" * 50, DEBUG="false")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def snapshot(**env: str) -> dict:
    result = run_python(BASE_SNAPSHOT, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_base_defaults_to_embedded_sqlite_and_filesystem_broker() -> None:
    s = snapshot()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert Path(s["name"]) == ROOT / "var" / "planning_cycle.sqlite3"
    assert s["broker"] == "filesystem://"
    assert s["broker_options"]["data_folder_in"] == str(ROOT / "var" / "broker" / "queue")
    assert s["broker_options"]["processed_folder"] == str(ROOT / "var" / "broker" / "processed")
    assert s["debug"] is False


def test_base_reads_database_url_and_redis_url() -> None:
    s = snapshot(
        DATABASE_URL="postgres://planer:geheim@db.example.org:5433/planung",
        REDIS_URL="redis://cache.example.org:6379/2",
        ALLOWED_HOSTS="planung.example.org,localhost",
        EMAIL_URL="smtp://mail.example.org:25",
        DEFAULT_FROM_EMAIL="planung@landkreis.example",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["name"], s["host"], s["port"], s["user"]) == (
        "planung",
        "db.example.org",
        "5433",
        "planer",
    )
    assert s["broker"] == "redis://cache.example.org:6379/2"
    assert s["broker_options"] is None
    assert s["hosts"] == ["planung.example.org", "localhost"]
    assert s["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["from"] == "planung@landkreis.example"


@pytest.mark.parametrize("redis_url", ["", "redis://cache.example.org:6379/2"])
def test_celery_broker_url_wins_over_redis_url(redis_url: str) -> None:
    s = snapshot(REDIS_URL=redis_url, CELERY_BROKER_URL="redis://broker.example.org:6380/0")
    assert s["broker"] == "redis://broker.example.org:6380/0"
