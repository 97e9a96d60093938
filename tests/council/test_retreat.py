"""The strategy retreat's results, changed goals as new versions, and the goals paper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from planning_cycle.models import OperativeGoal, Role, StrategicGoal
from tests.support.council import DECISION, PRE, Committees, committees_build, steps_of
from tests.support.workflows import agreement, operative_goal, walk
from tests.support.world import World
from workflows.council.models import Retreat, RetreatResult
from workflows.council.services.base import CouncilError
from workflows.council.services.retreats import (
    goals_paper_generate,
    retreat_record,
    retreat_result_record,
)
from workflows.council.states import CyclePaper, PaperType, RetreatOutcome
from workflows.models import AgreementState

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 11, 12), dt.date(2026, 11, 13)


class Goals:
    """Two priorities under one strategic goal, and a second strategic goal."""

    def __init__(self, world: World) -> None:
        self.first = operative_goal(world.body, "1.1", position=1)
        self.second = operative_goal(world.body, "1.2", position=2)
        self.strategic = self.first.strategic_goal
        self.other = StrategicGoal.objects.create(
            body=world.body,
            policy_field=self.strategic.policy_field,
            number="2",
            title="Wirtschaft stärken",
            position=2,
        )


@pytest.fixture
def unit(world: World):  # type: ignore[no-untyped-def]
    return world.users[Role.STRATEGY_UNIT]


@pytest.fixture
def retreat(world: World, unit) -> Retreat:  # type: ignore[no-untyped-def]
    return retreat_record(
        acting_user=unit, cycle=world.cycle, start_date=START, end_date=END, place="Haus Düsse"
    )


def test_the_strategy_unit_records_the_retreat_once_per_cycle(world: World, unit) -> None:  # type: ignore[no-untyped-def]
    first = retreat_record(acting_user=unit, cycle=world.cycle, start_date=START, end_date=END)
    again = retreat_record(
        acting_user=unit, cycle=world.cycle, start_date=START, end_date=START, place="Soest"
    )
    assert first.pk == again.pk
    assert Retreat.objects.get(cycle=world.cycle).end_date == START


def test_the_retreat_is_refused_to_others_and_with_dates_out_of_order(
    world: World,
    unit,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(CouncilError) as refused:
        retreat_record(
            acting_user=world.users[Role.DEPARTMENT_HEAD],
            cycle=world.cycle,
            start_date=START,
            end_date=END,
        )
    assert refused.value.status == 403
    with pytest.raises(CouncilError) as bad:
        retreat_record(acting_user=unit, cycle=world.cycle, start_date=END, end_date=START)
    assert bad.value.field == "end_date"
    assert not Retreat.objects.exists()


def test_a_changed_goal_becomes_a_new_version_and_the_old_one_is_superseded(
    world: World,
    unit,  # type: ignore[no-untyped-def]
    retreat: Retreat,
    client: Client,
) -> None:
    goals = Goals(world)
    retreat_result_record(
        acting_user=unit,
        retreat=retreat,
        strategic_goal=goals.strategic,
        outcome=RetreatOutcome.CHANGE,
        changed_title="Gute Bildung und Betreuung für alle",
    )
    old = StrategicGoal.objects.get(pk=goals.strategic.pk)
    (new,) = old.successors.all()
    assert old.superseded and not new.superseded
    assert (new.number, new.title, new.predecessor_id) == (
        "1",
        "Gute Bildung und Betreuung für alle",
        old.pk,
    )
    # The priorities in force serve the goal in its new wording.
    assert set(new.operative_goals.values_list("pk", flat=True)) == {
        goals.first.pk,
        goals.second.pk,
    }
    # The catalog shows both versions.
    client.force_login(world.users[Role.MANAGEMENT])
    page = client.get("/ziele/").content.decode()
    assert "Gute Bildung für alle" in page
    assert "Gute Bildung und Betreuung für alle" in page
    assert "abgelöst" in str(old)


def test_a_changed_priority_gets_a_key_of_its_own(world: World, unit, retreat: Retreat) -> None:  # type: ignore[no-untyped-def]
    goals = Goals(world)
    retreat_result_record(
        acting_user=unit,
        retreat=retreat,
        operative_goal=goals.first,
        outcome=RetreatOutcome.CHANGE,
        changed_title="Schulsozialarbeit an allen Schulen",
    )
    new = OperativeGoal.objects.get(predecessor=goals.first)
    assert new.key == "oz-1.1-v2"
    assert new.number == "1.1"
    # Correcting the wording changes the version, correcting the outcome undoes it.
    retreat_result_record(
        acting_user=unit,
        retreat=retreat,
        operative_goal=goals.first,
        outcome=RetreatOutcome.CHANGE,
        changed_title="Schulsozialarbeit an jeder Schule",
    )
    assert OperativeGoal.objects.get(pk=new.pk).title == "Schulsozialarbeit an jeder Schule"
    retreat_result_record(
        acting_user=unit, retreat=retreat, operative_goal=goals.first, outcome=RetreatOutcome.ADOPT
    )
    assert not OperativeGoal.objects.filter(pk=new.pk).exists()
    assert not OperativeGoal.objects.get(pk=goals.first.pk).superseded
    assert RetreatResult.objects.get(operative_goal=goals.first).outcome == RetreatOutcome.ADOPT


def test_a_result_names_one_goal_and_a_change_its_wording(
    world: World,
    unit,  # type: ignore[no-untyped-def]
    retreat: Retreat,
) -> None:
    goals = Goals(world)
    with pytest.raises(CouncilError) as neither:
        retreat_result_record(acting_user=unit, retreat=retreat, outcome=RetreatOutcome.ADOPT)
    assert neither.value.field == "strategic_goal"
    with pytest.raises(CouncilError) as wording:
        retreat_result_record(
            acting_user=unit,
            retreat=retreat,
            strategic_goal=goals.other,
            outcome=RetreatOutcome.CHANGE,
        )
    assert wording.value.field == "changed_title"
    with pytest.raises(CouncilError) as unknown:
        retreat_result_record(
            acting_user=unit, retreat=retreat, strategic_goal=goals.other, outcome="maybe"
        )
    assert unknown.value.field == "outcome"
    with pytest.raises(CouncilError) as refused:
        retreat_result_record(
            acting_user=world.users[Role.COMMITTEE_SECRETARY],
            retreat=retreat,
            strategic_goal=goals.other,
            outcome=RetreatOutcome.ADOPT,
        )
    assert refused.value.status == 403
    assert not RetreatResult.objects.exists()


def test_the_goals_paper_lists_the_adopted_and_changed_goals(
    world: World,
    unit,  # type: ignore[no-untyped-def]
    retreat: Retreat,
) -> None:
    c: Committees = committees_build(world)
    goals = Goals(world)
    adopted = walk(
        agreement(world.cycle, world.department, goals.first), AgreementState.ADOPTED, world.users
    )
    deferred = walk(
        agreement(world.cycle, world.department, goals.second),
        AgreementState.DEFERRED,
        world.users,
    )
    record = {"acting_user": unit, "retreat": retreat}
    retreat_result_record(**record, strategic_goal=goals.strategic, outcome=RetreatOutcome.ADOPT)
    retreat_result_record(
        **record,
        strategic_goal=goals.other,
        outcome=RetreatOutcome.CHANGE,
        changed_title="Wirtschaft und Arbeit stärken",
    )
    retreat_result_record(**record, operative_goal=goals.first, outcome=RetreatOutcome.ADOPT)
    retreat_result_record(**record, operative_goal=goals.second, outcome=RetreatOutcome.DROP)

    paper = goals_paper_generate(
        acting_user=unit, cycle=world.cycle, lead_department=world.department
    )

    assert paper.title == ("Strategische Ziele 2026: Beschluss der Ziele nach der Strategieklausur")
    assert paper.paper_type == PaperType.RESOLUTION
    assert paper.cycle_phase == CyclePaper.COUNCIL_RESOLUTION
    text = paper.proposed_resolution
    assert "1 Gute Bildung für alle" in text
    assert "2 Wirtschaft und Arbeit stärken" in text
    assert "Wirtschaft stärken" not in text.replace("Wirtschaft und Arbeit stärken", "")
    assert "1.1 Operatives Ziel 1.1" in text
    assert "Operatives Ziel 1.2" not in text
    changed = StrategicGoal.objects.get(predecessor=goals.other)
    assert set(paper.strategic_goals.all()) == {goals.strategic, changed}
    assert list(paper.operative_goals.all()) == [goals.first]
    assert list(paper.agreements.all()) == [adopted]
    assert deferred not in paper.agreements.all()
    assert [(s.committee, s.role) for s in steps_of(paper)] == [
        (c.main, PRE),
        (c.council, DECISION),
    ]


def test_no_goals_paper_without_the_retreats_results(world: World, unit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CouncilError) as missing:
        goals_paper_generate(acting_user=unit, cycle=world.cycle, lead_department=world.department)
    assert missing.value.field == "cycle"
