"""The personal iCalendar feed: reached by its secret token, scoped to its owner, read-only."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from notifications.models import Audience, CalendarFeed, Deadline, NotificationPreference, TaskKind
from notifications.services.deadlines import end_of_day
from notifications.services.inbox import calendar_feed_create, calendar_feed_revoke
from planning_cycle.models import Phase, PhaseDeadline, PlanningCycle
from planning_cycle.scopes import scope_kinds
from tests.support.factories import cycle_for
from tests.support.notifications import DeadlineFactory
from tests.support.web import review_of
from tests.support.world import build_world

SITE = "https://planung.example.de"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def deadlines(world):
    """FD 31: an all-day deadline and one at a time; FD 32's and a done one must not show."""
    Deadline.objects.all().delete()
    today = timezone.localdate()
    return {
        "all_day": DeadlineFactory(
            review=review_of(world, 0), due_at=end_of_day(today + dt.timedelta(days=10))
        ),
        "timed": DeadlineFactory(
            review=review_of(world, 0),
            kind=TaskKind.PLAN_SUBMIT,
            url_path="/planungen/7/",
            due_at=dt.datetime.combine(
                today + dt.timedelta(days=3), dt.time(14, 30), tzinfo=BERLIN
            ),
        ),
        "other_department": DeadlineFactory(review=review_of(world, 1)),
        "management": DeadlineFactory(
            review=review_of(world, 1), kind=TaskKind.REVIEW_DECIDE, audience=Audience.MANAGEMENT
        ),
        "done": DeadlineFactory(
            review=review_of(world, 0),
            kind=TaskKind.AGREEMENT_SUBMIT,
            state="done",
            closed_at=timezone.now(),
            next_check_at=None,
        ),
    }


def feed_path(user) -> str:
    _feed, token = calendar_feed_create(acting_user=user)
    return f"/kalender/{token}.ics"


def fetch(client, path) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_feed_contains_the_users_open_deadlines(world, deadlines, client):
    head = world.users["department_head"]
    calendar = fetch(client, feed_path(head))
    assert str(calendar["VERSION"]) == "2.0"
    found = events(calendar)
    deadline_uids = {uid for uid in found if uid.startswith("frist-")}
    assert deadline_uids == {
        f"frist-{deadlines['all_day'].pk}@planung.example.de",
        f"frist-{deadlines['timed'].pk}@planung.example.de",
    }

    all_day = found[f"frist-{deadlines['all_day'].pk}@planung.example.de"]
    day = timezone.localdate() + dt.timedelta(days=10)
    assert all_day.decoded("DTSTART") == day
    assert all_day.decoded("DTEND") == day + dt.timedelta(days=1)
    assert "Zielbilanzierung einreichen, FD 31 Fachdienst 31 (2026)" in str(all_day["SUMMARY"])
    assert str(all_day["URL"]) == f"{SITE}/zielbilanzierungen/{deadlines['all_day'].object_id}/"
    (alarm,) = all_day.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == dt.timedelta(hours=-15)  # 9:00 the day before

    timed = found[f"frist-{deadlines['timed'].pk}@planung.example.de"]
    start = timed.decoded("DTSTART")
    assert isinstance(start, dt.datetime)
    assert start == deadlines["timed"].due_at
    assert str(timed["URL"]) == f"{SITE}/planungen/7/"
    (alarm,) = timed.walk("VALARM")
    assert alarm.decoded("TRIGGER") == dt.timedelta(days=-1)


def test_management_sees_management_deadlines(world, deadlines, client):
    found = events(fetch(client, feed_path(world.users["management"])))
    assert {uid for uid in found if uid.startswith("frist-")} == {
        f"frist-{deadlines['management'].pk}@planung.example.de"
    }


def test_feed_contains_phase_dates_of_open_cycles_only(world, deadlines, client):
    closed = cycle_for(world.body, year=2025)
    PlanningCycle.objects.filter(pk=closed.pk).update(phase=Phase.CLOSED)
    found = events(fetch(client, feed_path(world.users["council_member"])))
    phase_events = {uid: e for uid, e in found.items() if uid.startswith("phase-")}
    expected = PhaseDeadline.objects.filter(cycle=world.cycle)
    assert expected.count() == len(phase_events) > 0
    assert not PhaseDeadline.objects.filter(
        cycle=closed, pk__in=[int(uid.split("@")[0].split("-")[1]) for uid in phase_events]
    ).exists()
    retreat = expected.get(phase=Phase.RETREAT)
    event = phase_events[f"phase-{retreat.pk}@planung.example.de"]
    assert str(event["SUMMARY"]) == "Strategieklausur (Planungszyklus 2026)"
    assert event.decoded("DTSTART") == retreat.due_date
    assert str(event["URL"]) == f"{SITE}/zyklen/{world.cycle.pk}/"
    # A council member has no deadlines of their own.
    assert not [uid for uid in found if uid.startswith("frist-")]


def test_uids_are_stable_and_follow_an_extension(world, deadlines, client):
    path = feed_path(world.users["department_head"])
    first = events(fetch(client, path))
    Deadline.objects.filter(pk=deadlines["all_day"].pk).update(
        due_at=deadlines["all_day"].due_at + dt.timedelta(days=7)
    )
    second = events(fetch(client, path))
    assert first.keys() == second.keys()
    uid = f"frist-{deadlines['all_day'].pk}@planung.example.de"
    assert second[uid].decoded("DTSTART") - first[uid].decoded("DTSTART") == dt.timedelta(days=7)


def test_feed_never_shows_another_bodys_data(world, deadlines, client):
    other = build_world(key="andere")
    path = feed_path(other.users["department_head"])
    response = client.get(path)
    text = response.content.decode()
    assert "landkreis-test" not in text
    found = events(Calendar.from_ical(response.content))
    own_ids = {f"frist-{d.pk}@planung.example.de" for d in deadlines.values()}
    assert not own_ids & found.keys()
    own_phases = {
        f"phase-{pk}@planung.example.de"
        for pk in PhaseDeadline.objects.filter(body=world.body).values_list("pk", flat=True)
    }
    assert not own_phases & found.keys()
    assert any(uid.startswith("frist-") for uid in found)  # their own, opened with the cycle


@pytest.mark.parametrize(
    "path",
    [
        "/kalender/" + "A" * 43 + ".ics",  # unknown token
        "/kalender/kurz.ics",  # not a token
        "/kalender/" + "A" * 43 + ".txt",
    ],
)
def test_unknown_tokens_are_not_found(world, client, path):
    assert client.get(path).status_code == 404


def test_revoked_or_deactivated_feeds_are_not_found(world, deadlines, client):
    head = world.users["department_head"]
    path = feed_path(head)
    calendar_feed_revoke(acting_user=head)
    assert client.get(path).status_code == 404

    editor = world.users["department_editor"]
    path = feed_path(editor)
    assert client.get(path).status_code == 200
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    assert client.get(path).status_code == 404


def test_external_stakeholders_get_no_feed(world, client):
    external = world.users["external_stakeholder"]
    _feed, token = calendar_feed_create(acting_user=external)
    assert client.get(f"/kalender/{token}.ics").status_code == 404


def test_feed_is_read_only(world, deadlines, client):
    head = world.users["department_head"]
    path = feed_path(head)
    before = list(CalendarFeed.objects.values())
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert list(CalendarFeed.objects.values()) == before
    assert CalendarFeed.objects.get().last_used_at is None
    assert client.post(path).status_code == 405


def test_feed_texts_follow_the_users_email_language(world, deadlines, client):
    head = world.users["department_head"]
    NotificationPreference.objects.create(user=head, email_mode="off", language="en")
    response = client.get(feed_path(head))
    assert response.status_code == 200
    assert response["Content-Language"] == "de"  # the page language is untouched
    # The English catalogue may not list the newest texts yet; the feed still parses.
    assert Calendar.from_ical(response.content).walk("VEVENT")


def test_feed_query_count_is_constant(world, client, django_assert_max_num_queries):
    Deadline.objects.all().delete()
    management = world.users["management"]
    path = feed_path(management)
    reviews = [review_of(world, i) for i in range(3)]
    pairs = [(review, kind) for review in reviews for kind in TaskKind]

    def queries() -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    DeadlineFactory(review=reviews[0], kind=pairs[0][1], audience=Audience.MANAGEMENT)
    few = queries()
    for review, kind in pairs[1:]:
        DeadlineFactory(review=review, kind=kind, audience=Audience.MANAGEMENT)
    many = queries()
    assert few == many
    # 6 (the cycles' milestones are one of them), plus the owner's permissions read once
    # (3 per scope kind: its rows, the user's and the groups' object permissions on them):
    # a task names what its reader may do.
    assert many <= 6 + 3 * len(scope_kinds())
