"""Write services of goal agreements: proposing one and writing its five answers."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import Department, OperativeGoal, Phase, PlanningCycle, User
from workflows.models import GoalAgreement
from workflows.registry import workflow_objects_created
from workflows.services.content import ContentError, content_update

PROPOSE_PERMISSION = "planning_cycle.agreement_edit"


def agreement_update(
    *,
    acting_user: User,
    agreement: GoalAgreement,
    balance: str,
    effects: str,
    programmes: str,
    processes: str,
    resources: str,
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> GoalAgreement:
    """Write a goal agreement's five answers while it is proposed or returned."""
    result = content_update(
        acting_user=acting_user,
        obj=agreement,
        values={
            "balance": balance,
            "effects": effects,
            "programmes": programmes,
            "processes": processes,
            "resources": resources,
        },
        expected_updated_at=expected_updated_at,
        checker=checker,
    )
    assert isinstance(result, GoalAgreement)
    return result


def may_propose(
    user: User, checker: ObjectPermissionChecker, cycle: PlanningCycle, department: Department
) -> bool:
    """Tell whether the user may propose goal agreements for the department in the cycle."""
    if department.body_id != cycle.body_id:
        return False
    stand_in = GoalAgreement(body_id=cycle.body_id, department_id=department.pk)
    return user_may(checker, user, PROPOSE_PERMISSION, stand_in)


def agreement_propose(
    *,
    acting_user: User,
    cycle: PlanningCycle,
    operative_goal: OperativeGoal,
    department: Department,
    checker: ObjectPermissionChecker | None = None,
) -> GoalAgreement:
    """Propose a goal agreement of a department on an operative goal in a cycle.

    The new agreement is proposed (its initial state) and empty. Cycle, goal and department
    must be of one body, the acting user's; the cycle must be open and the department must
    take part. The database's unique constraint refuses a second agreement on the same goal
    and department in the cycle.
    """
    checker = checker or ObjectPermissionChecker(acting_user)
    # Permission before anything else: a refused user learns nothing about the objects.
    if operative_goal.body_id != cycle.body_id or not may_propose(
        acting_user, checker, cycle, department
    ):
        raise ContentError(
            _("Sie dürfen für diese Organisationseinheit keine Zielvereinbarung vorschlagen."),
            status=403,
        )
    with transaction.atomic():
        # Serialise with a transition of the cycle (closing it carries agreements over).
        locked = (
            PlanningCycle.objects.select_for_update(no_key=True, of=("self",))
            .only("pk", "body_id", "year", "title", "phase")
            .get(pk=cycle.pk)
        )
        if locked.phase == Phase.CLOSED:
            raise ContentError(
                _(
                    "Der Planungszyklus %(cycle)s ist abgeschlossen: "
                    "es können keine Zielvereinbarungen mehr vorgeschlagen werden."
                )
                % {"cycle": locked},
                status=409,
            )
        if not department.takes_part:
            raise ContentError(
                _(
                    "%(department)s nimmt nicht am Planungszyklus teil und kann keine "
                    "Zielvereinbarung schließen."
                )
                % {"department": department},
                "department",
            )
        agreement = GoalAgreement(
            body_id=locked.body_id,
            cycle=locked,
            operative_goal=operative_goal,
            department=department,
        )
        try:
            with transaction.atomic():
                agreement.save(force_insert=True)
        except IntegrityError as exc:
            if not _is_duplicate(exc):
                raise
            raise ContentError(
                _(
                    "Für dieses Ziel und diese Organisationseinheit gibt es im Planungszyklus "
                    "%(year)s bereits eine Zielvereinbarung."
                )
                % {"year": locked.year},
                status=409,
            ) from exc
        workflow_objects_created([agreement])
    return agreement


def _is_duplicate(exc: IntegrityError) -> bool:
    """Tell whether the error is the violation of `agreement_unique` (PostgreSQL or SQLite)."""
    text = str(exc)
    return "agreement_unique" in text or (
        "UNIQUE constraint failed" in text and "workflows_goalagreement" in text
    )
