"""Write service for indicator actual values (Istwerte), locked once their goal review is in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    OperativeGoal,
    Period,
    Product,
    User,
    ValueKind,
)
from workflows.models import DepartmentReview
from workflows.services.content import ContentError, not_editable_reason, not_permitted

REVIEW_EDIT = "planning_cycle.review_edit"
YEAR_MIN, YEAR_MAX = 2000, 2100
DECIMAL_PLACES = 4
INTEGER_DIGITS = 12  # IndicatorValue.value: max_digits=16, decimal_places=4


@dataclass(frozen=True)
class _Scope:
    """What `user_may` looks at: the body and the department an object belongs to."""

    body_id: int
    department_id: int


def indicator_departments(indicator: Indicator) -> set[int]:
    """Return the ids of the departments an indicator belongs to (its goal's or product's)."""
    ids: set[int] = set()
    if indicator.operative_goal_id is not None:
        ids.update(
            OperativeGoal.departments.through.objects.filter(
                operativegoal_id=indicator.operative_goal_id
            ).values_list("department_id", flat=True)
        )
    if indicator.product_id is not None:
        department_id = (
            Product.objects.filter(pk=indicator.product_id)
            .values_list("department_id", flat=True)
            .first()
        )
        if department_id is not None:
            ids.add(department_id)
    return ids


def parse_value(value: Decimal | int | str | None) -> Decimal | None:
    """Return the value as a Decimal (None for empty), or refuse it with a clear message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ContentError(
            _("Bitte geben Sie eine Zahl ein, zum Beispiel 48,5."), "value"
        ) from None
    if not number.is_finite():
        raise ContentError(_("Bitte geben Sie eine Zahl ein, zum Beispiel 48,5."), "value")
    # Checked before quantize, which fails on numbers beyond the context's precision.
    if number and number.adjusted() >= INTEGER_DIGITS:
        raise ContentError(
            _("Der Wert ist zu groß: höchstens %(digits)s Stellen vor dem Komma.")
            % {"digits": INTEGER_DIGITS},
            "value",
        )
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -DECIMAL_PLACES and number != number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES)):
        raise ContentError(
            _("Bitte geben Sie höchstens %(places)s Nachkommastellen ein.")
            % {"places": DECIMAL_PLACES},
            "value",
        )
    number = number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
    if abs(number) >= Decimal(10) ** INTEGER_DIGITS:
        raise ContentError(
            _("Der Wert ist zu groß: höchstens %(digits)s Stellen vor dem Komma.")
            % {"digits": INTEGER_DIGITS},
            "value",
        )
    return number


def indicator_actual_set(
    *,
    acting_user: User,
    indicator: Indicator,
    year: int,
    value: Decimal | int | str | None,
    checker: ObjectPermissionChecker | None = None,
) -> IndicatorValue | None:
    """Set (or, with an empty value, remove) an indicator's actual value of a year.

    Allowed for users holding `review_edit` on a department the indicator belongs to (its
    operative goal's departments or its product's department) or on the body, while the
    goal review reporting that year (the review of the cycle `year + 1`) of such a
    department is a draft or returned; where no such review exists, the value is free.
    Returns the stored value, or None when it was removed.
    """
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        # Locking the indicator serialises concurrent writes of its values.
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        departments = indicator_departments(locked)
        if user_may(checker, acting_user, REVIEW_EDIT, locked):
            permitted = departments  # body-wide permission: every department of the indicator
        else:
            permitted = {
                d
                for d in departments
                if user_may(checker, acting_user, REVIEW_EDIT, _Scope(locked.body_id, d))  # type: ignore[arg-type]
            }
            if not permitted:
                raise not_permitted()
        if not (YEAR_MIN <= int(year) <= YEAR_MAX):
            raise ContentError(
                _("Das Jahr muss zwischen %(min)s und %(max)s liegen.")
                % {"min": YEAR_MIN, "max": YEAR_MAX},
                "year",
            )
        # The review reporting this year must still be open; lock it against a submit.
        reviews = list(
            DepartmentReview.objects.select_for_update(of=("self",))
            .filter(body_id=locked.body_id, cycle__year=int(year) + 1, department_id__in=permitted)
            .select_related("cycle", "department")
            .order_by("department__code")
        )
        if reviews and all(not_editable_reason(r) for r in reviews):
            raise ContentError(not_editable_reason(reviews[0]), status=409)
        number = parse_value(value)
        if number is None:
            IndicatorValue.objects.filter(
                indicator=locked, year=int(year), period=Period.YEAR, kind=ValueKind.ACTUAL
            ).delete()
            return None
        stored, _created = IndicatorValue.objects.update_or_create(
            indicator=locked,
            year=int(year),
            period=Period.YEAR,
            kind=ValueKind.ACTUAL,
            defaults={"value": number, "body_id": locked.body_id},
        )
    return stored
