"""Content-Security-Policy (django-csp) on every page; no inline script or style in our pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.support.world import World

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {d[0]: d[1:] for d in directives}


def assert_strict(csp: dict[str, list[str]]) -> None:
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]


def test_the_login_page_has_a_strict_policy(client: Client) -> None:
    response = client.get("/anmelden/")

    assert response.status_code == 200
    assert_strict(policy(response))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ziele/",
        "/ziele/pruefung/",
        "/ziele/controlling/",
        "/konto/api-schluessel/",
        "/benachrichtigungen/",
    ],
)
def test_pages_of_a_member_have_the_strict_policy_and_no_inline_code(
    world: World, client_for, path: str
) -> None:
    response = client_for(world.users["management"]).get(path)

    assert response.status_code == 200
    assert_strict(policy(response))
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not EVENT_HANDLER.search(html)
    assert not STYLE_ATTRIBUTE.search(html) and not STYLE_ELEMENT.search(html)
    # htmx would insert a <style> element of its own, which the policy refuses.
    assert '"includeIndicatorStyles":false' in html


def test_error_pages_have_the_policy_too(world: World, client_for) -> None:
    response = client_for(world.users["management"]).get("/zyklen/999999/")
    assert response.status_code == 404
    assert_strict(policy(response))


def test_no_page_template_has_inline_script_or_style() -> None:
    """E-mail templates are not pages (mail clients need inline styles); every other one is."""
    root = Path(settings.BASE_DIR) / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if "email" in path.relative_to(root).parts:
            continue
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(root)}: {pattern.pattern}")
    assert offenders == []


def test_the_swagger_page_runs_no_inline_script(client: Client) -> None:
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in csp["style-src"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html)
    assert script is not None
    init = client.get(script.group(1).replace("&amp;", "&"))
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.content.decode()


def test_only_the_api_doc_pages_relax_the_policy(client: Client) -> None:
    redoc = policy(client.get("/api/v1/redoc/"))
    assert "'unsafe-inline'" in redoc["script-src"]
    assert redoc["worker-src"] == ["blob:"]
    assert_strict(policy(client.get("/anmelden/")))
