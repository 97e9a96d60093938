"""Settings come from the environment; production refuses unsafe configuration."""

from __future__ import annotations

import json
import os
import re
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
# 50 characters, many distinct: what production accepts.
STRONG_KEY = "k3Vq9-Zt7Lw2Rb8Nx4Hc6Pj1Md5Gf0Sa_Ye3Uo7Ii9Tr2Ww4Qe6"


def test_production_refuses_missing_secret_key() -> None:
    result = run_python(IMPORT_PRODUCTION, DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in production." in result.stderr


def test_production_refuses_debug_on() -> None:
    result = run_python(IMPORT_PRODUCTION, SECRET_KEY=STRONG_KEY, DEBUG="true")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off in production." in result.stderr


def test_production_imports_with_secret_and_debug_off() -> None:
    result = run_python(IMPORT_PRODUCTION + "; print('ok')", SECRET_KEY=STRONG_KEY, DEBUG="false")
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


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("x" * 60, "SECRET_KEY has only 1 distinct characters, at least 5 are needed."),
        ("abcdefghij" * 4, "SECRET_KEY is too short: 40 characters, at least 50 are needed."),
        ("django-insecure-" + STRONG_KEY, "SECRET_KEY starts with 'django-insecure'"),
    ],
)
def test_production_refuses_a_weak_secret_key(key: str, problem: str) -> None:
    result = run_python(IMPORT_PRODUCTION, SECRET_KEY=key, DEBUG="false")
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {problem}" in result.stderr


def test_production_accepts_fifty_characters_of_five_distinct_ones() -> None:
    result = run_python(IMPORT_PRODUCTION, SECRET_KEY="abcde" * 10, DEBUG="false")
    assert result.returncode == 0, result.stderr


PRODUCTION_SNAPSHOT = """
import json
from planning_cycle.settings import production as s
print(json.dumps({
    "ssl_redirect": s.SECURE_SSL_REDIRECT, "hsts": s.SECURE_HSTS_SECONDS,
    "hsts_subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "hsts_preload": s.SECURE_HSTS_PRELOAD,
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
}))
"""


def production(**env: str) -> dict:
    result = run_python(PRODUCTION_SNAPSHOT, SECRET_KEY=STRONG_KEY, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_to_https_only_with_hsts() -> None:
    p = production()
    assert p["ssl_redirect"] is True
    assert p["hsts"] == 31536000
    assert (p["hsts_subdomains"], p["hsts_preload"]) == (False, False)
    assert p["session_secure"] and p["csrf_secure"]


def test_production_hsts_and_ssl_redirect_come_from_the_environment() -> None:
    p = production(
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
    )
    assert p["ssl_redirect"] is False
    assert p["hsts"] == 3600
    assert (p["hsts_subdomains"], p["hsts_preload"]) == (True, True)


CACHE_SNAPSHOT = """
import json
from planning_cycle.settings import base as s
print(json.dumps(s.CACHES["default"]))
"""


def test_cache_is_redis_when_redis_url_is_set_else_local_memory() -> None:
    result = run_python(CACHE_SNAPSHOT, REDIS_URL="redis://cache.example.org:6379/2")
    assert result.returncode == 0, result.stderr
    cache = json.loads(result.stdout)
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.example.org:6379/2"

    result = run_python(CACHE_SNAPSHOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["BACKEND"] == ("django.core.cache.backends.locmem.LocMemCache")


def test_login_throttle_comes_from_the_environment() -> None:
    code = (
        "import json\nfrom planning_cycle.settings import base as s\n"
        "print(json.dumps([s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), "
        "s.AXES_LOCKOUT_PARAMETERS]))"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [5, 900.0, ["username", "ip_address"]]
    result = run_python(code, LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="60")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[:2] == [3, 3600.0]


DEFAULT_SETTINGS = re.compile(
    r"""os\.environ\.setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']"""
)


def test_manage_celery_and_wsgi_default_to_the_same_settings() -> None:
    defaults = {
        path: DEFAULT_SETTINGS.findall((ROOT / path).read_text())
        for path in ("manage.py", "planning_cycle/celery.py", "planning_cycle/wsgi.py")
    }
    assert defaults == {
        "manage.py": ["planning_cycle.settings.local"],
        "planning_cycle/celery.py": ["planning_cycle.settings.local"],
        "planning_cycle/wsgi.py": ["planning_cycle.settings.local"],
    }


def test_the_wsgi_application_loads_with_its_default_settings() -> None:
    result = run_python(
        "import os\nfrom planning_cycle.wsgi import application\n"
        "print(os.environ['DJANGO_SETTINGS_MODULE'], type(application).__name__)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["planning_cycle.settings.local", "WSGIHandler"]
