"""Setting the framework: who may, what is refused (naming the department), nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planning_cycle.models import AuditAction, AuditEntry, BudgetCeiling, SavingsTarget
from planning_cycle.services.budgets import (
    DepartmentFramework,
    FrameworkError,
    FrameworkNotPermitted,
    framework_set,
)
from tests.support.web import ROLES
from tests.support.workflows import walk
from tests.support.world import World, build_world


def lines(world: World, *amounts: str | None) -> list[DepartmentFramework]:
    return [
        DepartmentFramework(department_id=d.pk, ceiling=a)
        for d, a in zip(world.departments, amounts, strict=False)
    ]


@pytest.mark.parametrize("role", [*ROLES, "other_department_head"])
def test_only_management_sets_the_framework(world: World, role: str) -> None:
    act = lambda: framework_set(  # noqa: E731
        acting_user=world.users[role],
        cycle=world.cycle,
        savings_percent="1",
        departments=lines(world, "1200000"),
    )
    if role == "management":
        act()
        assert BudgetCeiling.objects.get(department=world.department).amount == Decimal("1200000")
        entry = AuditEntry.objects.get(body=world.body, action=AuditAction.FRAMEWORK_SET)
        assert entry.actor == world.users["management"]
    else:
        with pytest.raises(FrameworkNotPermitted, match="Verwaltungsleitung"):
            act()
        assert not BudgetCeiling.objects.exists()


def test_another_bodys_management_may_not(world: World) -> None:
    other = build_world(key="andere")
    with pytest.raises(FrameworkNotPermitted):
        framework_set(
            acting_user=other.users["management"],
            cycle=world.cycle,
            savings_percent="1",
            departments=[],
        )


def test_bad_lines_are_named_and_nothing_is_written(world: World) -> None:
    management = world.users["management"]
    framework_set(
        acting_user=management,
        cycle=world.cycle,
        savings_percent="1",
        departments=lines(world, "5"),
    )
    other = build_world(key="andere")
    with pytest.raises(FrameworkError) as refused:
        framework_set(
            acting_user=management,
            cycle=world.cycle,
            savings_percent="101",
            departments=[
                DepartmentFramework(department_id=world.departments[0].pk, ceiling="-1"),
                DepartmentFramework(department_id=world.departments[1].pk, ceiling="12,5x"),
                DepartmentFramework(department_id=world.departments[2].pk, ceiling="1.005"),
                DepartmentFramework(department_id=other.department.pk, ceiling="1"),
                DepartmentFramework(department_id=987654321, ceiling="1"),
            ],
        )
    errors = refused.value.errors
    assert errors[world.departments[0].pk] == "FD 31: Obergrenze darf nicht negativ sein."
    assert errors[world.departments[1].pk].startswith("FD 32: Obergrenze keine Zahl")
    assert errors[world.departments[2].pk] == "FD 33: Obergrenze höchstens 2 Nachkommastellen."
    # Another body's department is as unknown as one that does not exist: named by its id.
    assert errors[other.department.pk] == (
        f"Organisationseinheit {other.department.pk} gibt es in dieser Kommune nicht."
    )
    assert errors[987654321] == "Organisationseinheit 987654321 gibt es in dieser Kommune nicht."
    assert errors[None] == "Sparziel: höchstens 100 %."
    # The earlier framework is untouched.
    assert list(BudgetCeiling.objects.values_list("amount", flat=True)) == [Decimal("5.00")]
    assert SavingsTarget.objects.get().percent == Decimal("1.00")


def test_saving_replaces_the_framework_and_is_repeatable(world: World) -> None:
    management = world.users["management"]
    for _ in range(2):  # a double submit writes the same framework
        framework_set(
            acting_user=management,
            cycle=world.cycle,
            savings_percent="1",
            departments=lines(world, "100", "200", ""),
        )
    assert dict(BudgetCeiling.objects.values_list("department__code", "amount")) == {
        "FD 31": Decimal("100.00"),
        "FD 32": Decimal("200.00"),
    }
    framework_set(
        acting_user=management,
        cycle=world.cycle,
        savings_percent=None,
        departments=lines(world, "7"),
    )
    assert BudgetCeiling.objects.count() == 1 and not SavingsTarget.objects.exists()


def test_a_department_listed_twice_is_refused(world: World) -> None:
    with pytest.raises(FrameworkError, match="FD 31 ist doppelt angegeben"):
        framework_set(
            acting_user=world.users["management"],
            cycle=world.cycle,
            savings_percent="1",
            departments=[*lines(world, "1"), *lines(world, "2")],
        )


def test_after_the_planning_the_framework_is_closed(world: World) -> None:
    walk(world.cycle, "budget_introduction", world.users)
    with pytest.raises(FrameworkError, match="Einbringung des Haushalts") as refused:
        framework_set(
            acting_user=world.users["management"],
            cycle=world.cycle,
            savings_percent="1",
            departments=[],
        )
    assert refused.value.status == 409
