"""German is the default; the language switch renders English labels."""

from __future__ import annotations

import pytest

from tests.support.web import review_of

pytestmark = pytest.mark.usefixtures("english_messages")


def switch_to_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_german_by_default(world, client_for):
    html = client_for(world.users["management"]).get("/").content.decode()
    assert '<html lang="de">' in html
    assert "Aktuelle Phase" in html and "Phasenkalender" in html


def test_an_english_browser_still_gets_german_until_the_user_switches(world, client_for):
    client = client_for(world.users["management"])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="de">' in html
    switch_to_english(client)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    assert '<html lang="en">' in html


def test_english_switch(world, client_for):
    client = client_for(world.users["department_head"])
    switch_to_english(client)
    html = client.get(f"/zyklen/{world.cycle.pk}/").content.decode()
    assert '<html lang="en">' in html
    for text in (
        "Current phase",
        "Goal review",
        "Phase calendar",
        "Management framework",
        "Goal and budget planning",
        "Draft",
        "Department head",
        "Skip to content",
        "What still blocks the next phase",
        "3 of 3 departments are missing",
    ):
        assert text in html, text
    assert "Aktuelle Phase" not in html

    review = review_of(world)
    html = client.get(f"/zielbilanzierungen/{review.pk}/").content.decode()
    assert 'value="submit"' in html
    assert '<span class="kern-label">Save and submit' in html
    assert "History" in html and "Processing status" in html

    response = client.post(
        f"/uebergang/zielbilanzierung/{review.pk}/",
        {"transition": "submit", "expected_state": "draft"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "“Submit” done" in response.content.decode()
    assert "submitted" in response.content.decode()


def test_english_error_messages_from_the_service(world, client_for):
    from workflows.services.transitions import transition_fire

    review = review_of(world)
    transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")
    client = client_for(world.users["management"])
    switch_to_english(client)
    response = client.post(
        f"/uebergang/zielbilanzierung/{review.pk}/",
        {"transition": "return_", "expected_state": "submitted"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "“Return” requires a comment." in response.content.decode()
