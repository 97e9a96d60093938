"""Write services for the content of reviews, plans and goal agreements (not transitions).

Editing is not a transition: it writes no history row and no outbox message, only the
text fields and the `updated_at` stamp. Like `transition_fire`, each service locks the
row, checks the permission before anything else (a refused user learns nothing about the
object), then the state, then the caller's view of the object (optimistic concurrency),
then the input.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.core import ObjectPermissionChecker

from notifications.services.deadlines import deadlines_open_for
from planning_cycle.models import Department, OperativeGoal, Phase, PlanningCycle, User
from workflows.models import (
    AgreementState,
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    PlanState,
    ReviewState,
)
from workflows.permissions import user_may
from workflows.services.transitions import state_field

TEXT_MAX_LENGTH = 20_000
AGREEMENT_FIELDS = ("balance", "effects", "programmes", "processes", "resources")

# Who may edit the content of which object, and in which states.
EDIT_PERMISSIONS: dict[type[models.Model], str] = {
    DepartmentReview: "planning_cycle.review_edit",
    DepartmentPlan: "planning_cycle.plan_edit",
    GoalAgreement: "planning_cycle.agreement_edit",
}
EDITABLE_STATES: dict[type[models.Model], frozenset[str]] = {
    DepartmentReview: frozenset({ReviewState.DRAFT, ReviewState.RETURNED}),
    DepartmentPlan: frozenset({PlanState.DRAFT, PlanState.RETURNED}),
    GoalAgreement: frozenset({AgreementState.PROPOSED, AgreementState.RETURNED}),
}
# "The <object> is <state> and can no longer be edited", one sentence per model so that
# each language can build it with its own grammar.
_NOT_EDITABLE = {
    DepartmentReview: gettext_lazy(
        "Die Zielbilanzierung ist %(state)s und kann nicht mehr bearbeitet werden."
    ),
    DepartmentPlan: gettext_lazy(
        "Die Ziel- und Haushaltsplanung ist %(state)s und kann nicht mehr bearbeitet werden."
    ),
    GoalAgreement: gettext_lazy(
        "Die Zielvereinbarung ist %(state)s und kann nicht mehr bearbeitet werden."
    ),
}


class ContentError(Exception):
    """An edit was refused; the message tells the user why, `field` where (if anywhere)."""

    def __init__(self, message: str, field: str | None = None, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


PROPOSE_PERMISSION = "planning_cycle.agreement_edit"


def not_permitted() -> ContentError:
    return ContentError(_("Sie dürfen diesen Inhalt nicht bearbeiten."), status=403)


def state_of(obj: models.Model) -> str:
    return str(state_field(type(obj)).value_from_object(obj))


def not_editable_reason(obj: models.Model) -> str:
    """Return why the object's content cannot be edited in its state, or ""."""
    model = type(obj)
    state = state_of(obj)
    if state in EDITABLE_STATES[model]:
        return ""
    label = dict(state_field(model).choices or []).get(state, state)
    return str(_NOT_EDITABLE[model]) % {"state": label}


def may_edit(user: User, checker: ObjectPermissionChecker, obj: models.Model) -> bool:
    """Tell whether the user holds the edit permission for the object (whatever its state)."""
    return user_may(checker, user, EDIT_PERMISSIONS[type(obj)], obj)


def clean_text(value: str, field: str) -> str:
    """Normalise line breaks and surrounding blanks; refuse texts over the length limit."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ContentError(_("Der Text enthält ungültige Zeichen."), field)
    if len(text) > TEXT_MAX_LENGTH:
        raise ContentError(
            _("Der Text ist zu lang: höchstens %(limit)s Zeichen, eingegeben wurden %(length)s.")
            % {"limit": f"{TEXT_MAX_LENGTH:,}".replace(",", "."), "length": len(text)},
            field,
        )
    return text


def _update(
    *,
    acting_user: User,
    obj: models.Model,
    values: dict[str, str],
    expected_updated_at: dt.datetime | None,
    checker: ObjectPermissionChecker | None,
) -> models.Model:
    model = type(obj)
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked = (
            model._default_manager.select_for_update(of=("self",))
            .select_related("cycle", "department")
            .get(pk=obj.pk)
        )
        if not may_edit(acting_user, checker, locked):
            raise not_permitted()
        reason = not_editable_reason(locked)
        if reason:
            raise ContentError(reason, status=409)
        if expected_updated_at is not None and locked.updated_at != expected_updated_at:  # type: ignore[attr-defined]
            raise ContentError(
                _(
                    "Der Inhalt wurde inzwischen von jemand anderem geändert. Ihre Eingaben "
                    "wurden nicht gespeichert: bitte laden Sie die Seite neu und übernehmen "
                    "Sie Ihre Änderungen dann erneut."
                ),
                status=409,
            )
        cleaned = {name: clean_text(value, name) for name, value in values.items()}
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        if changed:
            for name in changed:
                setattr(locked, name, cleaned[name])
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


def review_update(
    *,
    acting_user: User,
    review: DepartmentReview,
    summary: str,
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> DepartmentReview:
    """Write a department's goal review text (Bilanz) while it is a draft or returned."""
    result = _update(
        acting_user=acting_user,
        obj=review,
        values={"summary": summary},
        expected_updated_at=expected_updated_at,
        checker=checker,
    )
    assert isinstance(result, DepartmentReview)
    return result


def plan_update(
    *,
    acting_user: User,
    plan: DepartmentPlan,
    summary: str,
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> DepartmentPlan:
    """Write a department's plan text while it is a draft or returned."""
    result = _update(
        acting_user=acting_user,
        obj=plan,
        values={"summary": summary},
        expected_updated_at=expected_updated_at,
        checker=checker,
    )
    assert isinstance(result, DepartmentPlan)
    return result


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
    result = _update(
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
        deadlines_open_for([agreement])
    return agreement


def _is_duplicate(exc: IntegrityError) -> bool:
    """Tell whether the error is the violation of `agreement_unique` (PostgreSQL or SQLite)."""
    text = str(exc)
    return "agreement_unique" in text or (
        "UNIQUE constraint failed" in text and "workflows_goalagreement" in text
    )
