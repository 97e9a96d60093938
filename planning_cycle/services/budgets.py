"""Write the cycle's budget framework: ceilings per department and the savings target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planning_cycle.models import (
    AuditAction,
    BudgetCeiling,
    Department,
    Phase,
    PlanningCycle,
    SavingsTarget,
)

from .audit import Actor, NotPermitted, actor_require, audit_record

AMOUNT_DIGITS = 12  # DecimalField(max_digits=14, decimal_places=2)
# The framework stays open until the planning ends: management may still adjust it then.
FRAMEWORK_PHASES = frozenset(
    {
        Phase.GOAL_REVIEW,
        Phase.FRAMEWORK,
        Phase.RETREAT_PREPARATION,
        Phase.RETREAT,
        Phase.COUNCIL_RESOLUTION,
        Phase.PLANNING,
    }
)


class AmountInvalid(ValueError):
    """An amount or percentage could not be taken; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FrameworkError(Exception):
    """The framework was refused; `errors` names what is wrong, per department id.

    The key None holds what concerns the whole framework (the savings target, the phase).
    """

    def __init__(self, errors: dict[int | None, str], *, status: int = 400) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors
        self.message = " ".join(errors.values())
        self.status = status


class FrameworkNotPermitted(FrameworkError, NotPermitted):
    """Only the body's management sets the framework."""

    def __init__(self, message: str) -> None:
        super().__init__({None: message}, status=403)


def amount_parse(value: Decimal | int | str | None, *, places: int = 2) -> Decimal | None:
    """Return a non-negative amount with at most `places` decimals (None when empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise AmountInvalid(_("keine Zahl, bitte z. B. 1250000,00 eingeben")) from None
    if not number.is_finite():
        raise AmountInvalid(_("keine Zahl, bitte z. B. 1250000,00 eingeben"))
    if number < 0:
        raise AmountInvalid(_("darf nicht negativ sein"))
    if number and number.adjusted() >= AMOUNT_DIGITS:
        raise AmountInvalid(
            _("zu groß: höchstens %(digits)s Stellen vor dem Komma") % {"digits": AMOUNT_DIGITS}
        )
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        raise AmountInvalid(_("höchstens %(places)s Nachkommastellen") % {"places": places})
    return number.quantize(step)


def percent_parse(value: Decimal | int | str | None) -> Decimal | None:
    """Return a percentage between 0 and 100 with at most two decimals (None when empty)."""
    number = amount_parse(value)
    if number is not None and number > 100:
        raise AmountInvalid(_("höchstens 100 %"))
    return number


@dataclass(frozen=True)
class DepartmentFramework:
    """One department's line of the framework: its ceiling and its own savings target."""

    department_id: int
    ceiling: Decimal | int | str | None = None
    savings_percent: Decimal | int | str | None = None


def _department_label(department: Department | None, department_id: int) -> str:
    if department is None:
        return _("Organisationseinheit %(id)s") % {"id": department_id}
    return department.code


def framework_set(
    *,
    acting_user: Actor,
    cycle: PlanningCycle,
    savings_percent: Decimal | int | str | None,
    departments: Sequence[DepartmentFramework],
) -> None:
    """Replace the cycle's framework: the savings target and the listed departments' lines.

    Departments not listed (or listed without values) have no ceiling and no savings
    target of their own afterwards. Management of the cycle's body sets it, from the goal
    review until the planning ends; nothing is written unless every line is valid.
    """
    actor_require(
        acting_user,
        "framework_set",
        cycle.body,
        _("Die Rahmenvorgaben festlegen"),
        error=FrameworkNotPermitted,  # type: ignore[arg-type]
    )
    with transaction.atomic():
        # Locking the cycle serialises two people saving the framework at once.
        locked = PlanningCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.phase not in FRAMEWORK_PHASES:
            raise FrameworkError(
                {
                    None: _(
                        "Die Rahmenvorgaben können in der Phase „%(phase)s“ nicht mehr "
                        "geändert werden."
                    )
                    % {"phase": Phase(locked.phase).label}
                },
                status=409,
            )
        known = {
            d.pk: d
            for d in Department.objects.filter(
                body_id=locked.body_id, pk__in=[line.department_id for line in departments]
            )
        }
        errors: dict[int | None, str] = {}
        try:
            general = percent_parse(savings_percent)
        except AmountInvalid as exc:
            general = None
            errors[None] = _("Sparziel: %(problem)s.") % {"problem": exc.message}
        ceilings: list[BudgetCeiling] = []
        targets: list[SavingsTarget] = []
        seen: set[int] = set()
        for line in departments:
            department = known.get(line.department_id)
            label = _department_label(department, line.department_id)
            if department is None:
                errors[line.department_id] = _(
                    "%(department)s gibt es in dieser Kommune nicht."
                ) % {"department": label}
                continue
            if line.department_id in seen:
                errors[line.department_id] = _("%(department)s ist doppelt angegeben.") % {
                    "department": label
                }
                continue
            seen.add(line.department_id)
            problems = []
            try:
                amount = amount_parse(line.ceiling)
            except AmountInvalid as exc:
                amount = None
                problems.append(_("Obergrenze %(problem)s") % {"problem": exc.message})
            try:
                percent = percent_parse(line.savings_percent)
            except AmountInvalid as exc:
                percent = None
                problems.append(_("Sparziel %(problem)s") % {"problem": exc.message})
            if problems:
                errors[line.department_id] = _("%(department)s: %(problems)s.") % {
                    "department": label,
                    "problems": "; ".join(problems),
                }
                continue
            if amount is not None:
                ceilings.append(
                    BudgetCeiling(
                        body_id=locked.body_id, cycle=locked, department=department, amount=amount
                    )
                )
            if percent is not None:
                targets.append(
                    SavingsTarget(
                        body_id=locked.body_id,
                        cycle=locked,
                        department=department,
                        percent=percent,
                    )
                )
        if errors:
            raise FrameworkError(errors)
        if general is not None:
            targets.append(SavingsTarget(body_id=locked.body_id, cycle=locked, percent=general))
        try:
            with transaction.atomic():
                BudgetCeiling.objects.filter(cycle=locked).delete()
                SavingsTarget.objects.filter(cycle=locked).delete()
                BudgetCeiling.objects.bulk_create(ceilings)
                SavingsTarget.objects.bulk_create(targets)
        except IntegrityError:  # the checks above keep the constraints; say so if not
            raise FrameworkError(
                {None: _("Die Rahmenvorgaben verletzen eine Regel der Datenbank.")}
            ) from None
        audit_record(
            actor=acting_user,
            body=locked.body_id,
            action=AuditAction.FRAMEWORK_SET,
            target=_("%(cycle)s: %(ceilings)d Obergrenzen, Sparziel %(percent)s")
            % {
                "cycle": locked,
                "ceilings": len(ceilings),
                "percent": f"{general} %" if general is not None else _("keines"),
            },
        )
