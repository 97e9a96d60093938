"""A body's calendar with an interim report and without a retreat imports and runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from notifications.models import Deadline, DeadlineState, Notification, NotificationKind, TaskKind
from notifications.services.milestones import milestone_done
from notifications.services.sweep import deadline_sweep
from planning_cycle.catalog import CatalogError
from planning_cycle.catalog.importer import catalog_import
from planning_cycle.models import Body, CycleMilestone, Phase, PlanningCycle, Role
from tests.support.factories import user_with_role
from tests.support.workflows import walk
from tests.support.world import World
from workflows.models import DepartmentPlan, DepartmentReview, TransitionLog
from workflows.services.transitions import transition_fire

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")

CATALOG = """\
format: 1
body: {key: testkreis, name: Testkreis, kind: landkreis, state: NI}
calendar:
  - {phase: goal_review, month: 4, day: 30}
  - {phase: framework, month: 5, day: 15}
  - {phase: retreat_preparation, month: 5, day: 31}
  - {phase: retreat, month: 6, day: 30, switched_off: true}
  - {phase: council_resolution, month: 7, day: 15}
  - {phase: planning, month: 11, day: 30}
  - {phase: budget_introduction, month: 12, day: 15}
  - {phase: budget_resolution, month: 3, day: 31, year_offset: 1}
departments:
  - {code: "FB 1", name: Fachbereich 1, takes_part: false}
  - {code: "FD 11", name: Fachdienst 11, parent: "FB 1"}
  - {code: "FD 12", name: Fachdienst 12, parent: "FB 1"}
policy_fields:
  - key: finanzen
    name: Finanzen
    strategic_goals:
      - number: "1"
        title: Haushalt ausgleichen
"""

CYCLE_CALENDAR = """\
year: 2027
title: Zielplanung 2027
phases:
  council_resolution: 2027-07-08
milestones:
  - title: Zwischenbericht an den Kreistag
    kind: interim_report
    due: 2027-09-15
    audience: council_office
    phase: planning
  - title: Budgetanmeldungen vorbereiten
    kind: preparation
    due: 15.10.2027
    audience: departments
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_calendar_with_an_interim_report_and_without_a_retreat_imports_and_runs(
    tmp_path: Path,
) -> None:
    catalog_import(acting_user=None, path=write(tmp_path, "testkreis.yaml", CATALOG))
    body = Body.objects.get(key="testkreis")
    departments = list(body.departments.filter(takes_part=True).order_by("code"))
    management = user_with_role(body, Role.MANAGEMENT)
    council_office = user_with_role(body, Role.COMMITTEE_SECRETARY)
    heads = {d.pk: user_with_role(body, Role.DEPARTMENT_HEAD, d) for d in departments}

    with time_machine.travel(dt.datetime(2027, 1, 10, 9, tzinfo=BERLIN), tick=False):
        call_command(
            "import_cycle_calendar",
            str(write(tmp_path, "kalender-2027.yaml", CYCLE_CALENDAR)),
            body="testkreis",
        )
    cycle = PlanningCycle.objects.get(body=body, year=2027)
    assert cycle.title == "Zielplanung 2027"
    assert cycle.phases_switched_off() == {Phase.RETREAT}  # from the body's calendar
    assert cycle.deadlines.get(phase=Phase.COUNCIL_RESOLUTION).due_date == dt.date(2027, 7, 8)
    report = CycleMilestone.objects.get(cycle=cycle, kind="interim_report")
    report_deadline = Deadline.objects.get(kind=TaskKind.MILESTONE_INTERIM_REPORT)
    assert report_deadline.object_id == report.pk and report_deadline.state == DeadlineState.OPEN

    def fire(name: str, reason: str = "") -> None:
        transition_fire(
            acting_user=management,
            obj=PlanningCycle.objects.get(pk=cycle.pk),
            transition=name,
            override_reason=reason,
        )

    def walk_all(model: type[DepartmentReview] | type[DepartmentPlan], target: str) -> None:
        for obj in model.objects.filter(cycle=cycle):
            users = {"management": management, "department_head": heads[obj.department_id]}
            walk(obj, target, users)

    walk_all(DepartmentReview, "accepted")
    fire("to_framework")
    fire("to_retreat_preparation")
    fire("to_council_resolution")  # past the switched-off retreat
    fire("to_planning", "Kreistagsbeschluss liegt als Papier vor")
    walk_all(DepartmentPlan, "approved")

    # The interim report is reminded to the council office, then reported.
    with time_machine.travel(dt.datetime(2027, 9, 1, 8, tzinfo=BERLIN), tick=False):
        deadline_sweep()
    assert Notification.objects.filter(
        recipient=council_office, kind=NotificationKind.REMINDER, deadline=report_deadline
    ).exists()
    milestone_done(acting_user=management, milestone=report)

    fire("to_budget_introduction")
    fire("to_budget_resolution")
    fire("close", "Haushaltsbeschluss liegt als Papier vor")

    steps = list(
        TransitionLog.objects.filter(object_id=cycle.pk, transition__in=_cycle_steps())
        .order_by("id")
        .values_list("source_state", "target_state")
    )
    assert steps == [
        ("goal_review", "framework"),
        ("framework", "retreat_preparation"),
        ("retreat_preparation", "council_resolution"),
        ("council_resolution", "planning"),
        ("planning", "budget_introduction"),
        ("budget_introduction", "budget_resolution"),
        ("budget_resolution", "closed"),
    ]
    assert PlanningCycle.objects.get(pk=cycle.pk).phase == Phase.CLOSED
    report_deadline.refresh_from_db()
    assert report_deadline.state == DeadlineState.DONE
    preparation = Deadline.objects.get(kind=TaskKind.MILESTONE_PREPARATION)
    assert preparation.state == DeadlineState.CANCELLED  # ended with its cycle
    # The next year's cycle, created on closing, runs without a retreat as well.
    following = PlanningCycle.objects.get(body=body, year=2028)
    assert following.phases_switched_off() == {Phase.RETREAT}


def _cycle_steps() -> list[str]:
    return [
        "to_framework",
        "to_retreat_preparation",
        "to_retreat",
        "to_council_resolution",
        "to_planning",
        "to_budget_introduction",
        "to_budget_resolution",
        "close",
    ]


def test_the_catalog_cannot_switch_off_the_goal_review(tmp_path: Path) -> None:
    text = CATALOG.replace(
        "{phase: goal_review, month: 4, day: 30}",
        "{phase: goal_review, month: 4, day: 30, switched_off: true}",
    )
    with pytest.raises(CatalogError) as refused:
        catalog_import(acting_user=None, path=write(tmp_path, "testkreis.yaml", text))
    assert "„goal_review“ kann nicht abgeschaltet werden" in str(refused.value.problems)
    assert not Body.objects.filter(key="testkreis").exists()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "k.yaml",
            "phases:\n  budget_resolution: 2027-03-31\n",
            "Haushaltsbeschluss (31.03.2027) liegt vor Einbringung des Haushalts (15.12.2027)",
        ),
        ("k.yaml", "phases:\n  klausur: 2027-06-30\n", "Unbekannte Phase: klausur"),
        ("k.yaml", "phases:\n  goal_review: aus\n", "„Zielbilanzierung“ kann nicht abgeschaltet"),
        ("k.yaml", "phases:\n  retreat: morgen\n", "„morgen“ ist kein Datum"),
        ("k.yaml", "phases: [\n", "kein gültiges YAML"),
        (
            "k.csv",
            "entry;name;date;kind;audience;phase\nphase;planning;aus;;;\n",
            "„Ziel- und Haushaltsplanung“ kann nicht abgeschaltet",
        ),
        (
            "k.csv",
            "entry;name;date;kind;audience;phase\nmilestone;Z;01.09.2027;report;council_office;\n",
            "Unbekannte Art „report“",
        ),
        ("k.csv", "entry,name,date\nfeier,X,01.09.2027\n", "Zeile 2: Spalte „entry“ muss"),
        ("k.txt", "x", "Unbekanntes Dateiformat „k.txt“"),
    ],
)
def test_a_bad_calendar_file_is_refused_and_nothing_written(
    world: World, tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_cycle_calendar",
            str(write(tmp_path, name, text)),
            body=world.body.key,
            year=2027,
        )
    assert message in str(refused.value)
    assert "Es wurde nichts gespeichert." in str(refused.value)
    assert not PlanningCycle.objects.filter(year=2027).exists()
    assert not CycleMilestone.objects.exists()


def test_a_csv_calendar_imports(world: World, tmp_path: Path) -> None:
    text = (
        "entry;name;date;kind;audience;phase\n"
        "phase;retreat;aus;;;\n"
        "phase;budget_resolution;15.04.2028;;;\n"
        "milestone;Zwischenbericht I;15.09.2027;interim_report;council_office;planning\n"
    )
    call_command(
        "import_cycle_calendar", str(write(tmp_path, "k.csv", text)), body=world.body.key, year=2027
    )
    cycle = PlanningCycle.objects.get(body=world.body, year=2027)
    assert cycle.phases_switched_off() == {Phase.RETREAT}
    assert cycle.deadlines.get(phase=Phase.BUDGET_RESOLUTION).due_date == dt.date(2028, 4, 15)
    assert cycle.milestones.get().phase == Phase.PLANNING


def test_a_taken_year_and_an_unknown_body_are_refused(world: World, tmp_path: Path) -> None:
    path = str(write(tmp_path, "k.yaml", "phases: {}\n"))
    with pytest.raises(CommandError, match="bereits einen Planungszyklus 2026"):
        call_command("import_cycle_calendar", path, body=world.body.key, year=2026)
    with pytest.raises(CommandError, match="Unbekannte Kommune „nirgendwo“"):
        call_command("import_cycle_calendar", path, body="nirgendwo", year=2027)
    with pytest.raises(CommandError, match="Bitte das Jahr angeben"):
        call_command("import_cycle_calendar", path, body=world.body.key)
