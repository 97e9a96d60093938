"""Write service for indicator actual values (Istwerte), locked once their goal review is in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import (
    Body,
    Indicator,
    IndicatorValue,
    OperativeGoal,
    Period,
    Product,
    User,
    ValueKind,
    periods_of_body,
)
from workflows.models import DepartmentReview, ReviewState
from workflows.services.content import ContentError, not_editable_reason, not_permitted

REVIEW_EDIT = "planning_cycle.review_edit"
# Corrections of locked actuals: the strategy unit and management.
CORRECT = "planning_cycle.delivery_monitor"
COMMENT_LIMIT, SOURCE_LIMIT = 2000, 300
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
        locked = _open_for_entry(acting_user, indicator, int(year), checker)
        number = parse_value(value)
        if number is None:
            IndicatorValue.objects.filter(
                indicator=locked, year=int(year), period=Period.YEAR, kind=ValueKind.ACTUAL
            ).delete()
            return None
        return _store(acting_user, locked, int(year), Period.YEAR, number, None, None)


def _check_year(year: int) -> None:
    if not (YEAR_MIN <= year <= YEAR_MAX):
        raise ContentError(
            _("Das Jahr muss zwischen %(min)s und %(max)s liegen.")
            % {"min": YEAR_MIN, "max": YEAR_MAX},
            "year",
        )


def _check_period(body: Body, period: str) -> None:
    allowed = periods_of_body(body)
    if period not in allowed:
        names = ", ".join(str(Period(p).label) for p in allowed)
        raise ContentError(
            _("Diesen Zeitraum berichtet die Kommune nicht: möglich sind %(periods)s.")
            % {"periods": names},
            "period",
        )


def _reporting_reviews(
    indicator: Indicator, year: int, departments: set[int]
) -> list[DepartmentReview]:
    """Return the (row-locked) reviews reporting the year of the indicator's departments."""
    return list(
        DepartmentReview.objects.select_for_update(of=("self",))
        .filter(body_id=indicator.body_id, cycle__year=year + 1, department_id__in=departments)
        .select_related("cycle", "department")
        .order_by("department__code")
    )


def _open_for_entry(
    acting_user: User, indicator: Indicator, year: int, checker: ObjectPermissionChecker
) -> Indicator:
    """Lock the indicator and check the user may enter its actuals of the year now.

    Allowed for holders of `review_edit` on a department of the indicator (or the body)
    while the review reporting the year of such a department is a draft or returned.
    """
    # Locking the indicator serialises concurrent writes of its values.
    locked = Indicator.objects.select_for_update().select_related("body").get(pk=indicator.pk)
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
    _check_year(year)
    reviews = _reporting_reviews(locked, year, permitted)
    if reviews and all(not_editable_reason(r) for r in reviews):
        if any(r.state == ReviewState.ACCEPTED for r in reviews):
            raise ContentError(
                _(
                    "Die Zielbilanzierung ist angenommen, die Istwerte sind gesperrt. "
                    "Eine Korrektur nimmt die Strategieeinheit oder die Verwaltungsführung "
                    "mit Begründung vor."
                ),
                status=409,
            )
        raise ContentError(not_editable_reason(reviews[0]), status=409)
    return locked


def _store(
    acting_user: User,
    indicator: Indicator,
    year: int,
    period: str,
    number: Decimal,
    comment: str | None,
    source: str | None,
) -> IndicatorValue:
    """Write the current actual of the period in place (entry while the review is open)."""
    defaults: dict[str, object] = {
        "value": number,
        "body_id": indicator.body_id,
        "recorded_by": acting_user,
        "recorded_at": timezone.now(),
    }
    if comment is not None:
        defaults["comment"] = comment
    if source is not None:
        defaults["source"] = source
    stored, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator, year=year, period=period, kind=ValueKind.ACTUAL, defaults=defaults
    )
    return stored


def _clean_note(value: str, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ContentError(
            _("Höchstens %(limit)s Zeichen.") % {"limit": limit},
            field,
        )
    return text


def indicator_actual_record(
    *,
    acting_user: User,
    indicator: Indicator,
    year: int,
    period: str,
    value: Decimal | int | str | None,
    comment: str = "",
    source: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> IndicatorValue:
    """Record an indicator's actual of one period of a year, with comment and source.

    The owning department enters it while its review reporting the year is open (same
    permissions as `indicator_actual_set`); the period must be one the body reports in.
    """
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked = _open_for_entry(acting_user, indicator, int(year), checker)
        _check_period(locked.body, period)
        number = parse_value(value)
        if number is None:
            raise ContentError(_("Bitte geben Sie einen Istwert ein."), "value")
        return _store(
            acting_user,
            locked,
            int(year),
            period,
            number,
            _clean_note(comment, "comment", COMMENT_LIMIT),
            _clean_note(source, "source", SOURCE_LIMIT),
        )


def indicator_actual_correct(
    *,
    acting_user: User,
    indicator: Indicator,
    year: int,
    period: str,
    value: Decimal | int | str | None,
    reason: str,
    comment: str = "",
    source: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> IndicatorValue:
    """Correct a locked actual: store a new version with a reason, keep the old one.

    Allowed for the strategy unit and management (`delivery_monitor` on the body) once the
    review reporting the year is accepted; before that the department enters the value.
    """
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().select_related("body").get(pk=indicator.pk)
        if not user_may(checker, acting_user, CORRECT, locked):
            raise not_permitted()
        _check_year(int(year))
        _check_period(locked.body, period)
        reviews = _reporting_reviews(locked, int(year), indicator_departments(locked))
        if not any(r.state == ReviewState.ACCEPTED for r in reviews):
            raise ContentError(
                _(
                    "Der Istwert ist nicht gesperrt: solange die Zielbilanzierung nicht "
                    "angenommen ist, trägt die Organisationseinheit ihn selbst ein."
                ),
                status=409,
            )
        why = _clean_note(reason, "reason", COMMENT_LIMIT)
        if not why:
            raise ContentError(_("Bitte begründen Sie die Korrektur."), "reason")
        number = parse_value(value)
        if number is None:
            raise ContentError(_("Bitte geben Sie einen Istwert ein."), "value")
        previous = (
            IndicatorValue.objects.select_for_update()
            .filter(indicator=locked, year=int(year), period=period, kind=ValueKind.ACTUAL)
            .first()
        )
        version = 1
        if previous is not None:
            version = previous.version + 1
            previous.current = False
            previous.save(update_fields=["current"])
        return IndicatorValue.objects.create(
            body_id=locked.body_id,
            indicator=locked,
            year=int(year),
            period=period,
            kind=ValueKind.ACTUAL,
            value=number,
            comment=_clean_note(comment, "comment", COMMENT_LIMIT),
            source=_clean_note(source, "source", SOURCE_LIMIT),
            version=version,
            reason=why,
            recorded_by=acting_user,
            recorded_at=timezone.now(),
        )


def indicator_actual_history(*, indicator: Indicator) -> list[IndicatorValue]:
    """Return every version of the indicator's actuals, newest year and version first."""
    return list(
        IndicatorValue.versions.filter(indicator=indicator, kind=ValueKind.ACTUAL)
        .select_related("recorded_by")
        .order_by("-year", "period", "-version")
    )
