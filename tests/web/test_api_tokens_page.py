"""The API tokens page (/konto/api-schluessel/): list, create (secret shown once), revoke."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from planning_cycle.models import ApiToken, TokenScope
from planning_cycle.services.tokens import api_token_create
from tests.support.world import World, build_world

URL = "/konto/api-schluessel/"
SECRET = re.compile(r'id="neuer-schluessel" value="(pc_[A-Za-z0-9_-]+)"')


def test_login_is_required(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_the_empty_page_offers_the_form(world: World, client_for) -> None:
    response = client_for(world.users["department_head"]).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Sie haben noch keinen API-Schlüssel." in html
    assert 'for="id_name"' in html and 'type="date"' in html
    assert 'value="read" checked' in html
    assert "no-cache" in response["Cache-Control"]
    assert f'<a class="kern-link" href="{URL}">API-Schlüssel</a>' in html  # in the header


def test_create_shows_the_secret_once_and_it_works(world: World, client_for) -> None:
    user = world.users["department_head"]
    client = client_for(user)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(
        URL, {"name": "Finanzsoftware", "scope": "read_write", "expires_on": tomorrow.isoformat()}
    )

    assert response.status_code == 200
    html = response.content.decode()
    secret = SECRET.search(html).group(1)  # type: ignore[union-attr]
    assert "nur dieses eine Mal angezeigt" in html
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.scope) == ("Finanzsoftware", TokenScope.READ_WRITE)
    assert timezone.localtime(token.expires_at).date() == tomorrow
    assert secret not in token.token_hash
    # The secret authenticates the API; the page never shows it again.
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.json()["username"] == user.username
    again = client.get(URL).content.decode()
    assert secret not in again
    assert "Finanzsoftware" in again and token.prefix in again
    assert "Lesen und Schreiben" in again or "lesen und schreiben" in again


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "read"}, "Bitte geben Sie eine Bezeichnung ein."),
        ({"name": "x", "scope": "admin"}, "Bitte wählen Sie eine der angebotenen Berechtigungen."),
        ({"name": "x", "scope": "read", "expires_on": "morgen"}, "Bitte geben Sie ein Datum ein."),
        ({"name": "x", "scope": "read", "expires_on": "2000-01-01"}, "in der Zukunft"),
        ({"name": "x", "scope": "read", "expires_on": "2999-01-01"}, "höchstens zwei Jahre"),
        ({"name": "Tab\there", "scope": "read"}, "Steuerzeichen"),
    ],
)
def test_invalid_input_is_explained(world: World, client_for, data: dict, message: str) -> None:
    response = client_for(world.users["management"]).post(URL, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html or "kern-fieldset--error" in html
    assert not ApiToken.objects.exists()


def test_a_second_active_token_of_the_same_name_is_refused(world: World, client_for) -> None:
    client = client_for(world.users["management"])
    client.post(URL, {"name": "Skript", "scope": "read"})

    response = client.post(URL, {"name": "Skript", "scope": "read"})

    assert response.status_code == 400
    assert "bereits einen gültigen Schlüssel" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_revoke_stops_the_token(world: World, client_for) -> None:
    user = world.users["management"]
    token, secret = api_token_create(acting_user=user, name="Skript", scope=TokenScope.READ)
    client = client_for(user)

    response = client.post(URL, {"revoke": token.pk}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "ist widerrufen" in html and "widerrufen am" in html
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_tokens_of_others_are_neither_listed_nor_revocable(world: World, client_for) -> None:
    other = build_world(key="andere")
    foreign, _secret = api_token_create(
        acting_user=other.users["management"], name="Fremd", scope=TokenScope.READ
    )
    colleague, _secret = api_token_create(
        acting_user=world.users["strategy_unit"], name="Kollege", scope=TokenScope.READ
    )
    client = client_for(world.users["management"])

    assert "Fremd" not in client.get(URL).content.decode()
    assert "Kollege" not in client.get(URL).content.decode()
    for token in (foreign, colleague):
        response = client.post(URL, {"revoke": token.pk}, follow=True)
        assert "Diesen Schlüssel gibt es nicht." in response.content.decode()
        token.refresh_from_db()
        assert token.revoked_at is None
    assert (
        "Diesen Schlüssel gibt es nicht."
        in client.post(URL, {"revoke": "x"}, follow=True).content.decode()
    )
