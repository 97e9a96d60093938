"""The demo sets Peine's budget framework: ceilings per department and 1 % savings target."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from planning_cycle.models import (
    AuditAction,
    AuditEntry,
    BudgetCeiling,
    Department,
    PlanningCycle,
    SavingsTarget,
    User,
)
from workflows.models import DepartmentPlan

pytestmark = pytest.mark.django_db


def test_the_demo_cycle_has_ceilings_and_fd67s_plan_compares_them_with_its_budget() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent: the framework is set once

    cycle = PlanningCycle.objects.get(body__key="landkreis-peine", year=2026)
    ceilings = dict(
        BudgetCeiling.objects.filter(cycle=cycle).values_list("department__code", "amount")
    )
    taking_part = Department.objects.filter(body=cycle.body, takes_part=True)
    assert set(ceilings) == set(taking_part.values_list("code", flat=True))
    assert ceilings["FD 67"] == Decimal("1237500.00")
    target = SavingsTarget.objects.get(cycle=cycle)
    assert (target.department_id, target.percent) == (None, Decimal(1))
    assert AuditEntry.objects.filter(body=cycle.body, action=AuditAction.FRAMEWORK_SET).count() == 1

    plan = DepartmentPlan.objects.get(cycle=cycle, department__code="FD 67")
    client = Client()
    client.force_login(User.objects.get(username="fdleitung"))
    text = client.get(f"/planungen/{plan.pk}/").content.decode()

    assert "Obergrenze (Rahmenvorgabe)" in text
    assert "Geplantes Budget 2027" in text
    assert "1.265.000 €" in text  # FD 67's two products
    assert "1.237.500 €" in text  # its ceiling
    assert "überschritten um 27.500 €" in text
