"""The demo sets Peine's budget framework (ceilings, 1 % savings target) and its milestones."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client

from notifications.models import Deadline, DeadlineState
from planning_cycle.models import (
    AuditAction,
    AuditEntry,
    BudgetCeiling,
    CycleMilestone,
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
    # Its calendar: a preparation step and an interim report, each with an open deadline,
    # added once; the cycle page offers the interim report as a council paper draft.
    milestones = CycleMilestone.objects.filter(cycle=cycle).order_by("due_date")
    assert [(m.kind, m.due_date.isoformat()) for m in milestones] == [
        ("preparation", "2026-08-31"),
        ("interim_report", "2026-09-15"),
    ]
    opened = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(CycleMilestone),
        object_id__in=[m.pk for m in milestones],
        state=DeadlineState.OPEN,
    )
    assert sorted(opened.values_list("object_id", flat=True).distinct()) == [
        m.pk for m in milestones
    ]
    office = Client()
    office.force_login(User.objects.get(username="steuerung"))
    page = office.get(f"/zyklen/{cycle.pk}/").content.decode()
    assert f"/vorlagen/zwischenbericht/?termin={milestones[1].pk}" in page

    plan = DepartmentPlan.objects.get(cycle=cycle, department__code="FD 67")
    client = Client()
    client.force_login(User.objects.get(username="fdleitung"))
    text = client.get(f"/planungen/{plan.pk}/").content.decode()

    assert "Obergrenze (Rahmenvorgabe)" in text
    assert "Geplantes Budget 2027" in text
    assert "1.265.000 €" in text  # FD 67's two products
    assert "1.237.500 €" in text  # its ceiling
    assert "überschritten um 27.500 €" in text
