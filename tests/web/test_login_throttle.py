"""Brute-force protection of the login (django-axes) and management's unlock page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from planning_cycle.models import Role, User
from planning_cycle.services.lockouts import LockoutError, login_lockout_release
from tests.support.factories import user_with_role
from tests.support.world import World, build_world

LOGIN = "/anmelden/"
LOCKOUTS = "/konto/anmeldesperren/"
PASSWORD = "demo-passwort"
LOCKED_TEXT = "Zu viele fehlgeschlagene Anmeldeversuche"


def attempt(client: Client, username: str, password: str, address: str = "10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def hammer(client: Client, user: User, times: int = 30) -> None:
    for _ in range(times):
        response = attempt(client, user.username, "falsch")
        assert response.status_code in (200, 429)


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(world: World) -> None:
    user = world.users["department_head"]
    client = Client()
    hammer(client, user)

    response = attempt(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)
    html = response.content.decode()
    # Our login page in the product's layout, with the reason in German.
    assert html.count("<h1") == 1 and "Anmelden" in html
    assert LOCKED_TEXT in html and "15 Minuten" in html
    assert 'role="alert"' in html
    assert f'value="{user.username}"' in html


def test_the_lockout_starts_at_the_fifth_failure(world: World) -> None:
    user = world.users["department_head"]
    client = Client()
    for _ in range(4):
        assert attempt(client, user.username, "falsch").status_code == 200
    assert attempt(client, user.username, "falsch").status_code == 429
    assert LOCKED_TEXT in attempt(client, user.username, PASSWORD).content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_a_setting(world: World) -> None:
    user = world.users["department_head"]
    client = Client()
    assert attempt(client, user.username, "falsch").status_code == 200
    assert attempt(client, user.username, "falsch").status_code == 200
    assert attempt(client, user.username, "falsch").status_code == 429


def test_a_locked_account_is_locked_from_every_address(world: World) -> None:
    user = world.users["department_head"]
    hammer(Client(), user, times=5)

    other = Client()
    response = attempt(other, user.username, PASSWORD, address="10.9.9.9")

    assert response.status_code == 429
    assert not is_logged_in(other)


def test_an_address_trying_many_names_is_locked_for_every_name(world: World) -> None:
    client = Client()
    for i in range(5):
        attempt(client, f"geraten{i}", "falsch", address="10.2.2.2")
    user = world.users["council_member"]

    assert attempt(client, user.username, PASSWORD, address="10.2.2.2").status_code == 429
    assert not is_logged_in(client)
    # The same user from another address logs in.
    elsewhere = Client()
    assert attempt(elsewhere, user.username, PASSWORD, address="10.3.3.3").status_code == 302
    assert is_logged_in(elsewhere)


def test_a_successful_login_clears_earlier_failures(world: World) -> None:
    user = world.users["department_head"]
    client = Client()
    for _ in range(4):
        attempt(client, user.username, "falsch")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.post("/abmelden/")
    for _ in range(4):
        assert attempt(client, user.username, "falsch").status_code == 200


def test_management_unlocks_and_the_right_password_then_logs_in(world: World, client_for) -> None:
    user = world.users["department_head"]
    client = Client()
    hammer(client, user)
    management = client_for(world.users["management"])

    page = management.get(LOCKOUTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1 and "Anmeldesperren" in html
    assert f'name="username" value="{user.username}"' in html
    assert "Entsperren" in html

    response = management.post(LOCKOUTS, {"username": user.username}, follow=True)
    assert response.status_code == 200
    assert f"Die Anmeldesperre für „{user.username}“ ist aufgehoben." in response.content.decode()
    assert f'value="{user.username}"' not in response.content.decode()

    assert attempt(client, user.username, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_another_bodys_management_cannot_unlock_nor_see(world: World, client_for) -> None:
    user = world.users["department_head"]
    client = Client()
    hammer(client, user)
    other = build_world(key="landkreis-fremd")
    stranger = client_for(other.users["management"])

    assert user.username not in stranger.get(LOCKOUTS).content.decode()
    assert stranger.post(LOCKOUTS, {"username": user.username}).status_code == 404
    with pytest.raises(LockoutError) as exc:
        login_lockout_release(acting_user=other.users["management"], username=user.username)
    assert exc.value.status == 404

    assert attempt(client, user.username, PASSWORD).status_code == 429
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    "role", ["strategy_unit", "department_head", "council_member", "committee_secretary"]
)
def test_only_management_has_the_unlock(world: World, client_for, role: str) -> None:
    user = world.users["department_editor"]
    hammer(Client(), user, times=5)
    client = client_for(world.users[role])

    assert client.get(LOCKOUTS).status_code == 403
    assert client.post(LOCKOUTS, {"username": user.username}).status_code == 403
    assert "Anmeldesperren" not in client.get("/").content.decode()
    assert AccessAttempt.objects.filter(username=user.username).exists()


def test_the_header_links_the_page_for_management(world: World, client_for) -> None:
    html = client_for(world.users["management"]).get("/").content.decode()
    assert f'href="{LOCKOUTS}"' in html


def test_unknown_or_overlong_usernames_are_404_not_500(world: World, client_for) -> None:
    management = client_for(world.users["management"])
    assert management.post(LOCKOUTS, {"username": "gibt-es-nicht"}).status_code == 404
    assert management.post(LOCKOUTS, {"username": "x" * 10_000}).status_code == 404
    assert management.post(LOCKOUTS, {}).status_code == 404


def test_the_page_lists_only_locked_users_of_the_body(world: World, client_for) -> None:
    locked = world.users["department_head"]
    tried_once = world.users["council_member"]
    hammer(Client(), locked, times=5)
    attempt(Client(), tried_once.username, "falsch", address="10.5.5.5")
    other = build_world(key="landkreis-fremd")
    hammer(Client(), other.users["department_head"], times=5)
    extra = user_with_role(world.body, Role.DEPARTMENT_EDITOR, world.department)

    html = client_for(world.users["management"]).get(LOCKOUTS).content.decode()

    assert f'value="{locked.username}"' in html
    assert f'value="{tried_once.username}"' not in html
    assert f'value="{other.users["department_head"].username}"' not in html
    assert f'value="{extra.username}"' not in html


def test_the_lockout_and_the_unlock_page_speak_english_too(
    world: World, client_for, english_messages: None
) -> None:
    user = world.users["department_head"]
    client = Client()
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    hammer(client, user, times=5)
    assert (
        "Too many failed login attempts"
        in attempt(client, user.username, PASSWORD).content.decode()
    )

    management = client_for(world.users["management"])
    management.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = management.get(LOCKOUTS).content.decode()
    assert "Login lockouts" in html and "Unlock" in html
