"""API authentication: session and personal tokens, scopes, expiry, problem details."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from planning_cycle.models import ApiToken, TokenScope
from planning_cycle.services.tokens import TokenError, api_token_create, api_token_revoke
from tests.support.world import World, build_world

PROBLEM = "application/problem+json"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_session_user_reads_who_they_are(world: World, client: Client) -> None:
    client.force_login(world.users["department_head"])

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["body"] == world.body.pk
    assert response.json()["roles"] == [
        {"role": "department_head", "department": world.department.pk}
    ]


def test_without_credentials_the_answer_is_401_problem_details(client: Client) -> None:
    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    body = response.json()
    assert body["status"] == 401 and body["instance"] == "/api/v1/me/"
    assert body["title"] == "Anmeldung erforderlich"


def test_problem_details_follow_the_requested_language(client: Client) -> None:
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["title"] == "Authentication required"


def test_a_token_created_in_the_browser_authenticates_scripts(world: World, client: Client) -> None:
    client.force_login(world.users["management"])
    created = client.post(
        "/api/v1/tokens/",
        {"name": "Finanzsoftware", "scope": "read"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    secret = created.json()["token"]
    assert secret.startswith("pc_") and created.json()["prefix"] == secret[:9]
    assert not ApiToken.objects.filter(token_hash__contains=secret).exists()

    script = Client()
    assert script.get("/api/v1/me/", **bearer(secret)).json()["username"] == (
        world.users["management"].username
    )
    listed = script.get("/api/v1/tokens/", **bearer(secret)).json()["results"]
    assert [t["name"] for t in listed] == ["Finanzsoftware"]
    assert "token" not in listed[0]


def test_a_read_only_token_cannot_write(world: World) -> None:
    _token, secret = api_token_create(
        acting_user=world.users["management"], name="Lesen", scope=TokenScope.READ
    )

    response = Client().post(
        "/api/v1/tokens/",
        {"name": "x", "scope": "read"},
        content_type="application/json",
        **bearer(secret),
    )

    assert response.status_code == 403
    assert "nur lesen" in response.json()["detail"]


def test_a_token_cannot_create_tokens(world: World) -> None:
    _token, secret = api_token_create(
        acting_user=world.users["management"], name="Skript", scope=TokenScope.READ_WRITE
    )

    response = Client().post(
        "/api/v1/tokens/",
        {"name": "x", "scope": "read"},
        content_type="application/json",
        **bearer(secret),
    )

    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "inactive user"])
def test_unusable_tokens_are_refused_alike(world: World, how: str) -> None:
    user = world.users["department_head"]
    now = timezone.now()
    token, secret = api_token_create(
        acting_user=user,
        name="Skript",
        scope=TokenScope.READ,
        expires_at=now + dt.timedelta(days=1),
    )
    at = now
    if how == "revoked":
        api_token_revoke(acting_user=user, token=token)
    elif how == "expired":
        at = now + dt.timedelta(days=2)
    elif how == "unknown":
        secret += "x"
    else:
        user.is_active = False
        user.save(update_fields=["is_active"])

    with time_machine.travel(at):
        response = Client().get("/api/v1/me/", **bearer(secret))

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "Ungültiger, abgelaufener oder widerrufener API-Schlüssel."
    )


@pytest.mark.parametrize(
    ("name", "scope", "days", "field"),
    [
        ("", "read", None, "name"),
        ("x" * 101, "read", None, "name"),
        ("Tab\there", "read", None, "name"),
        ("ok", "admin", None, "scope"),
        ("ok", "read", -1, "expires_at"),
        ("ok", "read", 800, "expires_at"),
    ],
)
def test_bad_token_input_names_the_field(
    world: World, name: str, scope: str, days: int | None, field: str
) -> None:
    expires_at = timezone.now() + dt.timedelta(days=days) if days is not None else None
    with pytest.raises(TokenError) as caught:
        api_token_create(
            acting_user=world.users["management"], name=name, scope=scope, expires_at=expires_at
        )
    assert caught.value.field == field
    assert ApiToken.objects.count() == 0


def test_field_errors_come_as_json_pointers(world: World, client: Client) -> None:
    client.force_login(world.users["management"])

    response = client.post("/api/v1/tokens/", {"scope": "admin"}, content_type="application/json")

    assert response.status_code == 400
    errors = {e["field"] for e in response.json()["errors"]}
    assert errors == {"/name", "/scope"}


def test_a_second_active_token_with_the_same_name_is_a_conflict(
    world: World, client: Client
) -> None:
    client.force_login(world.users["management"])
    payload = {"name": "Finanzsoftware", "scope": "read"}
    client.post("/api/v1/tokens/", payload, content_type="application/json")

    response = client.post("/api/v1/tokens/", payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "/name"


def test_tokens_of_others_are_invisible(world: World, client: Client) -> None:
    other = build_world(key="andere")
    token, _secret = api_token_create(
        acting_user=other.users["management"], name="Fremd", scope=TokenScope.READ
    )
    client.force_login(world.users["management"])

    assert client.get(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert client.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_schema_and_its_docs_are_served(world: World, client: Client) -> None:
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    client.force_login(world.users["management"])
    assert client.get("/api/v1/docs/").status_code == 200
