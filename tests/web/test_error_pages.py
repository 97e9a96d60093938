"""Error pages are the product's own, in German and in its layout; never Django's."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client


def layout(html: str) -> None:
    """Assert the page is in the product's layout and shows no debugging details."""
    assert '<html lang="de">' in html
    assert "Strategische Planung" in html
    assert "/static/css/app.css" in html
    assert 'href="/"' in html  # the way back
    for debug in ("URLconf", "Traceback", "Django", "technical", "RuntimeError"):
        assert debug not in html


def test_missing_page_for_a_logged_in_user_is_our_german_404(world, client_for):
    response = client_for(world.users["department_head"]).get("/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    layout(html)
    assert "<title>Seite nicht gefunden \u2013 Strategische Planung</title>" in html
    assert "Diese Seite gibt es nicht, oder Sie dürfen sie nicht sehen." in html
    assert "Meine Aufgaben" in html  # the navigation of the logged-in user


@pytest.mark.urls("tests.web.error_urls")
def test_a_failing_view_renders_our_german_500(world, client_for):
    client = client_for(world.users["department_head"])
    client.raise_request_exception = False
    response = client.get("/kaputt/")
    assert response.status_code == 500
    html = response.content.decode()
    layout(html)
    assert "<title>Fehler im System \u2013 Strategische Planung</title>" in html
    assert "Ihre bisher gespeicherten Daten sind nicht verloren." in html


def test_500_page_renders_without_a_request():
    # Django renders it with no request and no context processors: nothing may need them.
    html = render_to_string("500.html")
    layout(html)
    assert "Fehler im System" in html


def test_bad_request_renders_our_german_400(db):
    response = Client().get("/", HTTP_HOST="angreifer.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    html = response.content.decode()
    layout(html)
    assert "Ungültige Anfrage" in html


def test_csrf_failure_renders_our_german_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["department_head"])
    response = client.post("/abmelden/")
    assert response.status_code == 403
    html = response.content.decode()
    layout(html)
    assert "Formular abgelaufen" in html
    assert "Bitte laden Sie die Seite neu" in html


def test_forbidden_is_our_german_403(world, client_for):
    # A department head may not watch the body's deliveries.
    response = client_for(world.users["department_head"]).get("/benachrichtigungen/zustellung/")
    assert response.status_code == 403
    html = response.content.decode()
    layout(html)
    assert "Kein Zugriff" in html
