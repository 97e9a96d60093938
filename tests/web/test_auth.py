"""Login page, login and logout by POST."""

from __future__ import annotations


def test_login_page_and_login(world, client):
    response = client.get("/anmelden/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert html.count("<h1") == 1
    user = world.users["department_head"]
    response = client.post("/anmelden/", {"username": user.username, "password": "falsch"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    response = client.post("/anmelden/", {"username": user.username, "password": "demo-passwort"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_logout_by_post_only(world, client_for):
    client = client_for(world.users["management"])
    assert client.get("/abmelden/").status_code == 405
    response = client.post("/abmelden/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
