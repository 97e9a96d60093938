"""Who may use the API (services/tokens.py API_ROLES) and how many tokens one user may hold."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from planning_cycle.models import ApiToken, Role, TokenScope
from planning_cycle.services.tokens import (
    API_ROLES,
    TokenError,
    api_token_create,
    api_token_revoke,
)
from tests.support.factories import UserFactory
from tests.support.world import World

TOKENS = "/api/v1/tokens/"
PAGE = "/konto/api-schluessel/"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def session(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_every_role_but_external_stakeholders_has_api_use() -> None:
    assert {r.value for r in Role} - {Role.EXTERNAL_STAKEHOLDER.value} == API_ROLES


def test_extern_cannot_create_a_token_through_the_api(world: World) -> None:
    extern = world.users["external_stakeholder"]

    response = session(extern).post(
        TOKENS, {"name": "Skript", "scope": "read"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Ihre Rolle hat keinen Zugang zur API; Sie können keine API-Schlüssel erstellen."
    )
    assert not ApiToken.objects.filter(user=extern).exists()


def test_extern_cannot_create_a_token_on_the_page_nor_by_the_service(world: World) -> None:
    extern = world.users["external_stakeholder"]

    response = session(extern).post(PAGE, {"name": "Skript", "scope": "read"})

    assert response.status_code == 403
    with pytest.raises(TokenError) as exc:
        api_token_create(acting_user=extern, name="Skript", scope=TokenScope.READ)
    assert exc.value.status == 403
    assert not ApiToken.objects.filter(user=extern).exists()


def test_a_body_member_without_any_role_gets_no_token(world: World) -> None:
    nobody = UserFactory(body=world.body)
    client = session(nobody)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "Skript", "scope": "read"}).status_code == 403
    response = client.post(
        TOKENS, {"name": "Skript", "scope": "read"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=nobody).exists()


@pytest.mark.parametrize("role", sorted(API_ROLES))
def test_every_api_role_creates_a_token_and_uses_it(world: World, role: str) -> None:
    response = session(world.users[role]).post(
        TOKENS, {"name": "Skript", "scope": "read"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    me = Client().get("/api/v1/me/", **bearer(response.json()["token"]))
    assert me.status_code == 200


def make_tokens(user, count: int) -> list[ApiToken]:  # type: ignore[no-untyped-def]
    return [
        api_token_create(acting_user=user, name=f"Schlüssel {i}", scope=TokenScope.READ)[0]
        for i in range(count)
    ]


def test_ten_active_tokens_are_the_limit_and_the_message_names_it(world: World) -> None:
    user = world.users["department_head"]
    make_tokens(user, 10)
    client = session(user)

    api = client.post(TOKENS, {"name": "elf", "scope": "read"}, content_type="application/json")
    page = client.post(PAGE, {"name": "elf", "scope": "read"})

    assert api.status_code == 409
    assert "Sie haben bereits 10 gültige API-Schlüssel" in api.json()["detail"]
    assert page.status_code == 400
    assert "Sie haben bereits 10 gültige API-Schlüssel" in page.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 10


def test_revoked_and_expired_tokens_do_not_count(world: World) -> None:
    user = world.users["department_head"]
    tokens = make_tokens(user, 10)
    api_token_revoke(acting_user=user, token=tokens[0])
    ApiToken.objects.filter(pk=tokens[1].pk).update(
        created_at=timezone.now() - dt.timedelta(days=2),
        expires_at=timezone.now() - dt.timedelta(days=1),
    )

    api_token_create(acting_user=user, name="neu 1", scope=TokenScope.READ)
    api_token_create(acting_user=user, name="neu 2", scope=TokenScope.READ)
    with pytest.raises(TokenError) as exc:
        api_token_create(acting_user=user, name="neu 3", scope=TokenScope.READ)
    assert exc.value.status == 409


def test_the_limit_is_per_user(world: World) -> None:
    make_tokens(world.users["department_head"], 10)
    api_token_create(acting_user=world.users["management"], name="eigen", scope=TokenScope.READ)


@override_settings(API_TOKENS_PER_USER=2)
def test_the_limit_is_a_setting(world: World) -> None:
    user = world.users["management"]
    make_tokens(user, 2)
    with pytest.raises(TokenError, match="Sie haben bereits 2 gültige API-Schlüssel"):
        api_token_create(acting_user=user, name="drei", scope=TokenScope.READ)
