"""Overdue phases and tasks are marked "überfällig" in words on every page that shows a due date."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client

from planning_cycle.management.commands.seed_demo import DEMO_PHASE_DAYS, PASSWORD
from planning_cycle.models import Phase, PlanningCycle, User
from tests.support.world import World, build_world

BERLIN = ZoneInfo("Europe/Berlin")
# The test world's cycle follows the default calendar: its goal review ends on 30 April 2026.
BEFORE = dt.datetime(2026, 4, 20, 10, tzinfo=BERLIN)
LAST_DAY = dt.datetime(2026, 4, 30, 23, 0, tzinfo=BERLIN)
AFTER = dt.datetime(2026, 5, 2, 10, tzinfo=BERLIN)
OVERDUE = "überfällig"


@pytest.fixture
def world(db: None) -> World:
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=BERLIN), tick=False):
        return build_world()


def page(user: User, path: str, at: dt.datetime) -> str:
    client = Client()
    client.force_login(user)
    with time_machine.travel(at, tick=False):
        response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def calendar_row(html: str, label: str) -> str:
    """Return the phase calendar's table row of a phase."""
    rows = re.findall(r"<tr class=\"kern-table__row[^\"]*\"[^>]*>.*?</tr>", html, re.S)
    (row,) = [r for r in rows if f'scope="row">{label}</th>' in r]
    return row


def current_phase_due(html: str) -> str:
    """Return the "fällig am" entry of the current phase at the top of the cycle page."""
    start = html.index("fällig am</dt>")
    return html[start : html.index("</dd>", start)]


@pytest.mark.parametrize("path", ["/", "/zyklen/{pk}/"])
def test_cycle_page_marks_the_current_phase_overdue_after_its_date(world: World, path) -> None:
    user = world.users["department_head"]
    url = path.format(pk=world.cycle.pk)
    for at in (BEFORE, LAST_DAY):
        html = page(user, url, at)
        assert OVERDUE not in calendar_row(html, "Zielbilanzierung")
        assert OVERDUE not in current_phase_due(html)

    html = page(user, url, AFTER)
    row = calendar_row(html, "Zielbilanzierung")
    assert "aktuelle Phase" in row and OVERDUE in row
    assert OVERDUE in current_phase_due(html)
    # Only the phase the cycle is still in: upcoming phases are not overdue.
    assert OVERDUE not in calendar_row(html, "Rahmenvorgaben")


def test_a_phase_left_in_time_is_not_overdue(world: World) -> None:
    with time_machine.travel(BEFORE, tick=False):
        PlanningCycle.objects.filter(pk=world.cycle.pk).update(phase=Phase.FRAMEWORK)
    html = page(world.users["department_head"], f"/zyklen/{world.cycle.pk}/", AFTER)
    assert OVERDUE not in calendar_row(html, "Zielbilanzierung")
    assert "abgeschlossen" in calendar_row(html, "Zielbilanzierung")


def test_my_tasks_and_deadlines_mark_overdue_tasks(world: World) -> None:
    head, management = world.users["department_head"], world.users["management"]
    assert OVERDUE not in page(head, "/aufgaben/", BEFORE)
    assert OVERDUE not in page(management, "/fristen/", BEFORE)
    tasks = page(head, "/aufgaben/", AFTER)
    assert "davon 1 überfällig" in tasks
    assert tasks.count(f'<span class="kern-label kern-label--small">{OVERDUE}</span>') == 1
    deadlines = page(management, "/fristen/", AFTER)
    # Each department's open goal review is overdue (one row per taking-part department).
    assert deadlines.count(f'<span class="kern-label kern-label--small">{OVERDUE}</span>') == 3


def seed_demo() -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.django_db
def test_demo_second_body_gets_current_dates_and_shows_overdue_when_late() -> None:
    seeded = dt.datetime(2026, 9, 14, 8, tzinfo=BERLIN)
    with time_machine.travel(seeded, tick=False):
        seed_demo()
    management = User.objects.get(username="laatzen-leitung")
    cycle = PlanningCycle.objects.get(body=management.body)
    dates = dict(cycle.deadlines.values_list("phase", "due_date"))
    assert dates == {
        phase: seeded.date() + dt.timedelta(days=days) for phase, days in DEMO_PHASE_DAYS.items()
    }

    # Seeded today, nothing is overdue; a week later the goal review is.
    assert OVERDUE not in page(management, "/", seeded)
    late = seeded + dt.timedelta(days=DEMO_PHASE_DAYS[Phase.GOAL_REVIEW] + 1)
    html = page(management, "/", late)
    assert OVERDUE in calendar_row(html, "Zielbilanzierung")
    head = User.objects.get(username="laatzen-fdleitung")
    assert Client().login(request=HttpRequest(), username=head.username, password=PASSWORD)
    assert "davon 1 überfällig" in page(head, "/aufgaben/", late)
