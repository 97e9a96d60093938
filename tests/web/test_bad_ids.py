"""Ids from forms and query strings that are no ids: a clear answer, never a 500."""

from __future__ import annotations

import pytest

from planning_cycle.models import ApiToken, TokenScope
from planning_cycle.services.tokens import api_token_create
from tests.support.world import World

BAD_IDS = ["²", "٣", "\uff11", " 1", "1 ", "+1", "1_0", "-1", "0", "", "x", "9" * 30]
TOKENS = "/konto/api-schluessel/"


@pytest.mark.parametrize("value", BAD_IDS)
def test_revoking_a_token_by_a_bad_id_says_it_does_not_exist(
    world: World, client_for, value: str
) -> None:
    user = world.users["department_head"]
    token, _secret = api_token_create(acting_user=user, name="Skript", scope=TokenScope.READ)
    client = client_for(user)

    response = client.post(TOKENS, {"revoke": value}, follow=True)

    assert response.status_code == 200
    assert "Diesen Schlüssel gibt es nicht." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_by_a_good_id_still_works(world: World, client_for) -> None:
    user = world.users["department_head"]
    token, _secret = api_token_create(acting_user=user, name="Skript", scope=TokenScope.READ)

    client_for(user).post(TOKENS, {"revoke": f"{token.pk}"}, follow=True)

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.parametrize("value", [v for v in BAD_IDS if v])
def test_a_bad_cycle_id_in_the_query_is_404(world: World, client_for, value: str) -> None:
    client = client_for(world.users["management"])
    url = f"/einheiten/{world.department.pk}/"

    assert client.get(url, {"zyklus": value}).status_code == 404
    assert client.get(url, {"zyklus": str(world.cycle.pk)}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/zyklen/{n}/",
        "/einheiten/{n}/",
        "/zielbilanzierungen/{n}/",
        "/planungen/{n}/",
        "/zielvereinbarungen/{n}/",
        "/ziele/operativ/{n}/",
    ],
)
def test_an_id_in_the_path_too_large_for_the_database_is_404(
    world: World, client_for, path: str
) -> None:
    client = client_for(world.users["management"])
    assert client.get(path.format(n="9" * 30)).status_code == 404
