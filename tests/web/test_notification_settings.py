"""The notification settings page: e-mail mode and language, and the calendar feed's management."""

from __future__ import annotations

import hashlib
import re

import pytest

from notifications.models import CalendarFeed, EmailMode, NotificationPreference
from tests.support.world import build_world

URL = "/benachrichtigungen/einstellungen/"
CREATE = "/benachrichtigungen/einstellungen/kalender/"
REVOKE = "/benachrichtigungen/einstellungen/kalender/widerrufen/"
FEED_URL = re.compile(r'value="(https?://[^"]+/kalender/([A-Za-z0-9_-]+)\.ics)"')


def test_settings_page_shows_defaults(world, client_for):
    response = client_for(world.users["department_head"]).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    # Every choice is a labelled radio button in a fieldset with a legend.
    assert "<legend" in html
    for mode in EmailMode:
        assert f'value="{mode.value}"' in html
        assert str(mode.label) in html
    assert re.search(r'value="immediate" checked', html)
    assert '<option value="de" lang="de" selected>' in html
    assert 'for="id_language"' in html
    assert "Kalender-Abonnement einrichten" in html
    assert not NotificationPreference.objects.exists()  # GET writes nothing


def test_save_preferences(world, client_for):
    user = world.users["department_head"]
    client = client_for(user)
    response = client.post(URL, {"email_mode": "digest", "language": "en"})
    assert response.status_code == 302
    assert response["Location"] == URL
    preference = NotificationPreference.objects.get(user=user)
    assert (preference.email_mode, preference.language) == ("digest", "en")
    html = client.get(URL).content.decode()
    assert "Ihre Einstellungen sind gespeichert." in html
    assert re.search(r'value="digest" checked', html)
    assert '<option value="en" lang="en" selected>' in html
    # Changing again updates the one row.
    client.post(URL, {"email_mode": "off", "language": "de"})
    assert NotificationPreference.objects.get(user=user).email_mode == "off"
    assert NotificationPreference.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": "de"}, "Bitte wählen Sie, ob und wie Sie E-Mails erhalten möchten."),
        ({"email_mode": "weekly", "language": "de"}, "angebotenen Möglichkeiten"),
        ({"email_mode": "off"}, "Bitte wählen Sie eine Sprache für die E-Mails."),
        ({"email_mode": "off", "language": "fr"}, "Bitte wählen Sie Deutsch oder Englisch."),
    ],
)
def test_invalid_preferences_are_refused_with_german_messages(world, client_for, data, message):
    response = client_for(world.users["management"]).post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="kern-error"' in html
    assert " autofocus" in html  # the field with the error gets the focus
    assert not NotificationPreference.objects.exists()


def test_settings_only_by_post_and_for_members(world, client, client_for):
    assert client.get(URL)["Location"].startswith("/anmelden/")
    assert client.post(URL, {"email_mode": "off", "language": "de"}).status_code == 302
    external = client_for(world.users["external_stakeholder"])
    assert external.post(URL, {"email_mode": "off", "language": "de"}).status_code == 403
    assert external.post(CREATE).status_code == 403
    head = client_for(world.users["department_head"])
    assert head.get(CREATE).status_code == 405
    assert head.get(REVOKE).status_code == 405
    assert not NotificationPreference.objects.exists()
    assert not CalendarFeed.objects.exists()


def test_create_shows_address_once_and_stores_only_its_hash(world, client_for):
    user = world.users["department_head"]
    client = client_for(user)
    response = client.post(CREATE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    match = FEED_URL.search(html)
    assert match, html
    url, token = match.groups()
    assert len(token) >= 40
    assert "wird nur dieses eine Mal angezeigt" in html
    assert 'role="status"' in html
    assert 'id="kalender-adresse"' in html and 'for="kalender-adresse"' in html
    feed = CalendarFeed.objects.get(user=user)
    assert feed.body == world.body
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.values_list().get())
    # The address is not shown again.
    html = client.get(URL).content.decode()
    assert token not in html
    assert "Ihr Kalender-Abonnement besteht seit" in html
    assert "Neue Adresse erstellen" in html
    # And it works (the URL is absolute, built from SITE_URL).
    assert url.startswith("http")
    assert client.get(url[url.index("/kalender/") :]).status_code == 200


def test_new_address_replaces_the_old(world, client, client_for):
    head = client_for(world.users["department_head"])
    first = FEED_URL.search(head.post(CREATE).content.decode()).group(1)
    second = FEED_URL.search(head.post(CREATE).content.decode()).group(1)
    assert first != second
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1
    assert CalendarFeed.objects.count() == 2
    assert client.get(first[first.index("/kalender/") :]).status_code == 404
    assert client.get(second[second.index("/kalender/") :]).status_code == 200


def test_revoke(world, client, client_for):
    head = client_for(world.users["department_head"])
    url = FEED_URL.search(head.post(CREATE).content.decode()).group(1)
    path = url[url.index("/kalender/") :]
    response = head.post(REVOKE)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#kalender"
    assert client.get(path).status_code == 404
    html = head.get(URL).content.decode()
    assert "Das Kalender-Abonnement ist widerrufen." in html
    assert "Kalender-Abonnement einrichten" in html
    response = head.post(REVOKE, follow=True)
    assert "Es gab kein aktives Kalender-Abonnement." in response.content.decode()


def test_revoke_touches_only_own_feed(world, client, client_for):
    other = build_world(key="andere")
    url_other = FEED_URL.search(
        client_for(other.users["management"]).post(CREATE).content.decode()
    ).group(1)
    url_colleague = FEED_URL.search(
        client_for(world.users["management"]).post(CREATE).content.decode()
    ).group(1)
    client_for(world.users["department_head"]).post(REVOKE)
    for url in (url_other, url_colleague):
        assert client.get(url[url.index("/kalender/") :]).status_code == 200
