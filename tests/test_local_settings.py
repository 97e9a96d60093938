"""The demo settings (make run): links follow WEB_ADDRESS; DEBUG only when asked for."""

from __future__ import annotations

import json

import pytest

from tests.test_settings import run_python

LOCAL_SNAPSHOT = """
import json
from planning_cycle.settings import local as s
print(json.dumps({"site_url": s.SITE_URL, "debug": s.DEBUG}))
"""


def local_settings(**env: str) -> dict[str, object]:
    result = run_python(LOCAL_SNAPSHOT, **env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


@pytest.mark.parametrize(
    ("web_address", "site_url"),
    [
        ("127.0.0.1:8012", "http://127.0.0.1:8012"),
        ("localhost:9000", "http://localhost:9000"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("8013", "http://127.0.0.1:8013"),
        ("[::1]:8014", "http://[::1]:8014"),
    ],
)
def test_site_url_follows_web_address(web_address: str, site_url: str) -> None:
    assert local_settings(WEB_ADDRESS=web_address)["site_url"] == site_url


def test_site_url_defaults_to_the_default_address_and_wins_when_set() -> None:
    assert local_settings()["site_url"] == "http://127.0.0.1:8000"
    explicit = local_settings(WEB_ADDRESS="127.0.0.1:8012", SITE_URL="https://planung.example.org")
    assert explicit["site_url"] == "https://planung.example.org"


def test_demo_runs_without_debug_unless_asked() -> None:
    assert local_settings()["debug"] is False
    assert local_settings(DEBUG="true")["debug"] is True


@pytest.mark.django_db
def test_demo_logins_name_the_site_address() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    out = StringIO()
    with override_settings(SITE_URL="http://127.0.0.1:8012"):
        call_command("seed_demo", stdout=out)
    assert "Demo-Zugänge (http://127.0.0.1:8012/):" in out.getvalue()
