"""Creating a cycle with its calendar: service, web form and API refuse bad calendars whole."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from notifications.models import Deadline
from planning_cycle.models import (
    BodyCalendarEntry,
    CycleMilestone,
    Phase,
    PhaseDeadline,
    PlanningCycle,
    User,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.calendar import (
    CalendarError,
    CalendarSpec,
    MilestoneSpec,
)
from planning_cycle.services.cycles import CycleError, cycle_create
from planning_cycle.services.tokens import api_token_create
from tests.support.api import bearer
from tests.support.world import World, build_world
from workflows.models import DepartmentReview

pytestmark = pytest.mark.django_db

BACKWARDS = {"budget_resolution": dt.date(2027, 3, 31)}
BACKWARDS_JSON = {"budget_resolution": "2027-03-31"}
BACKWARDS_MESSAGE = (
    "Haushaltsbeschluss (31.03.2027) liegt vor Einbringung des Haushalts (15.12.2027)"
)


def nothing_written(world: World) -> None:
    assert not PlanningCycle.objects.filter(body=world.body, year=2027).exists()
    assert not PhaseDeadline.objects.filter(cycle__year=2027).exists()
    assert not CycleMilestone.objects.exists()
    assert not DepartmentReview.objects.filter(cycle__year=2027).exists()


def create(world: World, calendar: CalendarSpec) -> PlanningCycle:
    return cycle_create(acting_user=SYSTEM, body=world.body, year=2027, calendar=calendar)


# --- the service ----------------------------------------------------------------------


def test_a_calendar_with_dates_switched_off_phases_and_milestones(world: World) -> None:
    cycle = create(
        world,
        CalendarSpec(
            dates={"retreat_preparation": dt.date(2027, 5, 20)},
            switched_off=frozenset({Phase.RETREAT}),
            milestones=(
                MilestoneSpec(
                    "  Zwischenbericht  I ", "interim_report", dt.date(2027, 9, 1), "council_office"
                ),
            ),
        ),
    )
    entries = {d.phase: d for d in cycle.deadlines.all()}
    assert entries[Phase.RETREAT_PREPARATION].due_date == dt.date(2027, 5, 20)
    assert entries[Phase.RETREAT].switched_off and entries[Phase.RETREAT].due_date is None
    assert entries[Phase.PLANNING].due_date == dt.date(2027, 11, 30)  # the body's calendar
    assert cycle.phases_switched_off() == {Phase.RETREAT}
    (milestone,) = cycle.milestones.all()
    assert milestone.title == "Zwischenbericht I"


def test_the_body_calendar_switches_phases_off_for_new_cycles(world: World) -> None:
    BodyCalendarEntry.objects.create(
        body=world.body, phase=Phase.RETREAT, month=6, day=30, switched_off=True
    )
    cycle = create(world, CalendarSpec())
    assert cycle.phases_switched_off() == {Phase.RETREAT}


def test_dates_running_backwards_are_refused_naming_both(world: World) -> None:
    with pytest.raises(CalendarError) as refused:
        create(world, CalendarSpec(dates=BACKWARDS))
    assert BACKWARDS_MESSAGE in refused.value.message
    assert refused.value.phase == Phase.BUDGET_RESOLUTION
    nothing_written(world)


def test_dates_are_compared_across_a_switched_off_phase(world: World) -> None:
    with pytest.raises(CalendarError, match=r"Beratung und Beschluss \(01.05.2027\) liegt vor "):
        create(
            world,
            CalendarSpec(
                dates={"council_resolution": dt.date(2027, 5, 1)},
                switched_off=frozenset({Phase.RETREAT}),
            ),
        )
    nothing_written(world)


@pytest.mark.parametrize(
    ("calendar", "message"),
    [
        (
            CalendarSpec(switched_off=frozenset({"goal_review"})),
            "„Zielbilanzierung“ kann nicht abgeschaltet",
        ),
        (
            CalendarSpec(switched_off=frozenset({"planning"})),
            "„Ziel- und Haushaltsplanung“ kann nicht",
        ),
        (CalendarSpec(switched_off=frozenset({"klausur"})), "Unbekannte Phase: klausur"),
        (CalendarSpec(dates={"klausur": dt.date(2027, 6, 1)}), "Unbekannte Phase: klausur"),
        (CalendarSpec(dates={"closed": dt.date(2027, 6, 1)}), "Unbekannte Phase: closed"),
        (
            CalendarSpec(
                switched_off=frozenset({"retreat"}), dates={"retreat": dt.date(2027, 6, 1)}
            ),
            "„Strategieklausur“ ist abgeschaltet und kann keinen Termin haben",
        ),
        (
            CalendarSpec(
                milestones=(MilestoneSpec("X", "party", dt.date(2027, 6, 1), "management"),)
            ),
            "Termin 1 („X“): Unbekannte Art „party“",
        ),
        (
            CalendarSpec(milestones=(MilestoneSpec("X", "other", dt.date(2027, 6, 1), "mayor"),)),
            "Unbekannte Zuständigkeit „mayor“",
        ),
        (
            CalendarSpec(
                milestones=(MilestoneSpec(" ", "other", dt.date(2027, 6, 1), "management"),)
            ),
            "Termin 1: Bitte geben Sie einen Titel an.",
        ),
        (
            CalendarSpec(
                switched_off=frozenset({"retreat"}),
                milestones=(
                    MilestoneSpec("X", "other", dt.date(2027, 6, 1), "management", "retreat"),
                ),
            ),
            "gehört zur Phase „Strategieklausur“, die abgeschaltet ist",
        ),
        (
            CalendarSpec(
                milestones=(MilestoneSpec("X", "other", dt.date(2062, 6, 1), "management"),)
            ),
            "Der Termin „X“ am 01.06.2062 liegt außerhalb des Zyklus (01.01.2027 bis",
        ),
        (
            CalendarSpec(
                milestones=(MilestoneSpec("X", "other", dt.date(2026, 12, 31), "management"),)
            ),
            "Der Termin „X“ am 31.12.2026 liegt außerhalb des Zyklus (01.01.2027 bis",
        ),
    ],
)
def test_a_bad_calendar_is_refused_and_nothing_written(
    world: World, calendar: CalendarSpec, message: str
) -> None:
    with pytest.raises(CalendarError) as refused:
        create(world, calendar)
    assert message in refused.value.message
    nothing_written(world)


def test_a_duplicate_year_is_refused_with_its_milestones_unwritten(world: World) -> None:
    milestone = MilestoneSpec(
        "Zwischenbericht", "interim_report", dt.date(2026, 9, 1), "management"
    )
    with pytest.raises(CycleError, match="bereits einen Planungszyklus 2026"):
        cycle_create(
            acting_user=SYSTEM,
            body=world.body,
            year=2026,
            calendar=CalendarSpec(milestones=(milestone,)),
        )
    assert not CycleMilestone.objects.exists()
    assert not Deadline.objects.filter(kind__startswith="milestone_").exists()


# --- the web form ---------------------------------------------------------------------


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**extra: Any) -> dict[str, Any]:
    return {"year": "2027", "title": "", "milestones": "", **extra}


def test_the_form_shows_a_date_input_and_a_switch_per_phase(world: World) -> None:
    html = web(world.users["management"]).get("/zyklen/neu/").content.decode()
    assert 'type="date" id="id_date_budget_resolution"' in html
    assert 'id="id_off_retreat"' in html
    assert 'id="id_off_goal_review"' not in html  # every cycle runs it
    assert "üblich: 31.03. des Folgejahres" in html


def test_management_creates_a_cycle_without_a_retreat_with_an_interim_report(
    world: World,
) -> None:
    response = web(world.users["management"]).post(
        "/zyklen/neu/",
        form(
            off_retreat="on",
            date_council_resolution="2027-07-10",
            milestones=(
                "15.09.2027; Zwischenbericht an den Rat; Sitzungsdienst; Zwischenbericht I; "
                "planning"
            ),
        ),
        follow=True,
    )
    cycle = PlanningCycle.objects.get(body=world.body, year=2027)
    assert response.redirect_chain == [(f"/zyklen/{cycle.pk}/", 302)]
    html = response.content.decode()
    assert "Zwischenbericht I" in html and "Termine im Jahr" in html
    assert ">Strategieklausur<" not in html  # the calendar skips the switched-off phase
    assert cycle.phases_switched_off() == {Phase.RETREAT}
    assert cycle.deadlines.get(phase=Phase.COUNCIL_RESOLUTION).due_date == dt.date(2027, 7, 10)
    milestone = cycle.milestones.get()
    assert (milestone.kind, milestone.audience, milestone.phase) == (
        "interim_report",
        "council_office",
        "planning",
    )


def test_the_form_names_the_backward_dates_at_the_phase(world: World) -> None:
    response = web(world.users["management"]).post(
        "/zyklen/neu/", form(date_budget_resolution="2027-03-31")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert BACKWARDS_MESSAGE in html
    assert 'id="id_date_budget_resolution-error"' in html
    nothing_written(world)


def test_the_form_refuses_a_bad_milestone_line(world: World) -> None:
    response = web(world.users["management"]).post(
        "/zyklen/neu/", form(milestones="morgen; other; management; X")
    )
    assert response.status_code == 400
    assert "Zeile 1: „morgen“ ist kein Datum" in response.content.decode()
    nothing_written(world)


def test_the_form_takes_a_calendar_file(world: World) -> None:
    upload = SimpleUploadedFile(
        "kalender.yaml",
        b"phases:\n  retreat: aus\nmilestones:\n  - {title: Z1, kind: interim_report, "
        b"due: 2027-09-15, audience: council_office}\n",
    )
    response = web(world.users["management"]).post("/zyklen/neu/", form(calendar_file=upload))
    assert response.status_code == 302
    cycle = PlanningCycle.objects.get(body=world.body, year=2027)
    assert cycle.phases_switched_off() == {Phase.RETREAT}
    assert cycle.milestones.get().title == "Z1"


def test_a_file_with_backward_dates_is_refused_on_the_form(world: World) -> None:
    upload = SimpleUploadedFile("k.csv", b"entry;name;date\nphase;budget_resolution;31.03.2027\n")
    response = web(world.users["management"]).post("/zyklen/neu/", form(calendar_file=upload))
    assert response.status_code == 400
    assert BACKWARDS_MESSAGE in response.content.decode()
    nothing_written(world)


# --- the API ----------------------------------------------------------------------------


def post(world: World, body: dict[str, Any], role: str = "management") -> Any:
    _token, secret = api_token_create(
        acting_user=world.users[role], name="Skript", scope="read_write"
    )
    return Client().post(
        "/api/v1/cycles/", json.dumps(body), content_type="application/json", **bearer(secret)
    )


def test_the_api_creates_a_cycle_with_its_calendar(world: World) -> None:
    response = post(
        world,
        {
            "year": 2027,
            "dates": {"council_resolution": "2027-07-10"},
            "switched_off": ["retreat"],
            "milestones": [
                {
                    "title": "Zwischenbericht I",
                    "kind": "interim_report",
                    "due_date": "2027-09-15",
                    "responsible": "council_office",
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    phases = {d["phase"]: d for d in data["deadlines"]}
    assert phases["retreat"] == {"phase": "retreat", "due_date": None, "switched_off": True}
    assert phases["council_resolution"]["due_date"] == "2027-07-10"
    assert [m["title"] for m in data["milestones"]] == ["Zwischenbericht I"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"year": 2027, "dates": BACKWARDS_JSON}, "dates", BACKWARDS_MESSAGE),
        (
            {"year": 2027, "switched_off": ["goal_review"]},
            "switched_off",
            "kann nicht abgeschaltet",
        ),
        (
            {"year": 2027, "switched_off": ["klausur"]},
            "switched_off/0",
            '"klausur" ist keine gültige Option',
        ),
        ({"year": 2027, "dates": {"klausur": "2027-06-01"}}, "dates", "Unbekannte Phase: klausur"),
    ],
)
def test_the_api_refuses_a_bad_calendar(
    world: World, body: dict[str, Any], field: str, message: str
) -> None:
    response = post(world, body)
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert error["field"] == f"/{field}"
    assert message in error["message"]
    nothing_written(world)


def test_the_api_refuses_a_taken_year(world: World) -> None:
    response = post(world, {"year": 2026})
    assert response.status_code == 409
    assert "bereits einen Planungszyklus 2026" in response.json()["detail"]


@pytest.mark.parametrize("role", ["strategy_unit", "department_head", "council_member"])
def test_only_management_creates_cycles_by_api(world: World, role: str) -> None:
    response = post(world, {"year": 2027}, role=role)
    assert response.status_code == 403
    nothing_written(world)


def test_another_bodys_cycle_is_not_found(world: World) -> None:
    other = build_world(key="anderswo", departments=2)
    _token, secret = api_token_create(
        acting_user=world.users["management"], name="Skript", scope="read"
    )
    api = Client().get(f"/api/v1/cycles/{other.cycle.pk}/", **bearer(secret))
    page = web(world.users["management"]).get(f"/zyklen/{other.cycle.pk}/")
    transitions = Client().get(f"/api/v1/cycles/{other.cycle.pk}/transitions/", **bearer(secret))
    assert (api.status_code, page.status_code, transitions.status_code) == (404, 404, 404)


def test_a_form_body_gives_the_calendar_as_json_text(world: World) -> None:
    _token, secret = api_token_create(
        acting_user=world.users["management"], name="Formular", scope="read_write"
    )
    milestone = {
        "title": "Zwischenbericht I",
        "kind": "interim_report",
        "due_date": "2027-09-15",
        "responsible": "council_office",
    }

    def send(milestones: list[dict[str, Any]]) -> Any:
        return Client().post(
            "/api/v1/cycles/",
            {
                "year": "2027",
                "switched_off": ["retreat"],
                "milestones": json.dumps(milestones),
            },
            **bearer(secret),
        )

    refused = send([{**milestone, "colour": "blau"}])
    assert refused.status_code == 400
    assert "Dieses Feld gibt es hier nicht" in json.dumps(refused.json(), ensure_ascii=False)
    nothing_written(world)

    assert send([milestone]).status_code == 201
    cycle = PlanningCycle.objects.get(body=world.body, year=2027)
    assert cycle.phases_switched_off() == {Phase.RETREAT}
    assert cycle.milestones.get().title == "Zwischenbericht I"
