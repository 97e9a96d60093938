"""Pydantic models of the goal catalog format, version 1 (see docs/catalog-format.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, get_args

from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

FORMAT_VERSION = 1

# Field lengths follow the model fields in planning_cycle.models.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
BodyKey = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=80, pattern=SLUG_PATTERN)
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
Number = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
OperativeKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
MeasureKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Title500 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
Year = Annotated[StrictInt, Field(ge=1900, le=2200)]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False)]
IndicatorNumber = Annotated[Decimal, Field(max_digits=16, decimal_places=4, allow_inf_nan=False)]

BodyKind = Literal["landkreis", "kreis", "stadt", "gemeinde"]
StateCode = Literal[
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"
]
PhaseName = Literal[
    "goal_review",
    "framework",
    "retreat_preparation",
    "retreat",
    "council_resolution",
    "planning",
    "budget_introduction",
    "budget_resolution",
]
PHASES: tuple[str, ...] = get_args(PhaseName)
Direction = Literal["higher", "lower"]
UnitKindName = Literal["count", "percent", "euro", "days", "minutes", "ratio"]
PeriodName = Literal["year", "h1", "h2", "q1", "q2", "q3", "q4"]
TargetKindName = Literal["at_least", "at_most", "exactly", "range"]
Tolerance = Annotated[
    Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)
]
Source = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


def _rule(message: str) -> PydanticCustomError:
    """Return a validation error carrying a German message for the catalog author."""
    return PydanticCustomError("catalog_rule", message.replace("{", "(").replace("}", ")"))


class Spec(BaseModel):
    """Base of every catalog element: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BodySpec(Spec):
    """The body (Kommune) the catalog belongs to."""

    key: BodyKey
    name: Name200
    kind: BodyKind
    state: StateCode


class CalendarEntrySpec(Spec):
    """When one phase of the annual cycle is due."""

    phase: PhaseName
    month: Annotated[StrictInt, Field(ge=1, le=12)]
    day: Annotated[StrictInt, Field(ge=1, le=31)]
    year_offset: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    # The body does not hold this phase: its cycles pass over it.
    switched_off: StrictBool = False

    @field_validator("switched_off")
    @classmethod
    def _required_phase_on(cls, switched_off: bool, info: ValidationInfo) -> bool:
        """Refuse switching off a phase every cycle runs."""
        phase = info.data.get("phase")
        if switched_off and phase in ("goal_review", "planning"):
            raise _rule(
                _(
                    "Die Phase „%(phase)s“ kann nicht abgeschaltet werden: "
                    "jeder Zyklus durchläuft sie."
                )
                % {"phase": phase}
            )
        return switched_off

    @field_validator("day")
    @classmethod
    def _day_exists(cls, day: int, info: ValidationInfo) -> int:
        """Reject days that do not exist in the month (29 February is clamped later)."""
        month = info.data.get("month")
        if isinstance(month, int):
            try:
                dt.date(2000, month, day)
            except ValueError:
                raise _rule(
                    _("Den %(day)02d.%(month)02d. gibt es nicht.") % {"day": day, "month": month}
                ) from None
        return day


class DepartmentSpec(Spec):
    """An organisational unit (Fachbereich, Fachdienst, Amt)."""

    code: Code
    name: Name200
    parent: Code | None = None
    takes_part: StrictBool = True


class VisionSpec(Spec):
    """A long-term guiding vision (Leitbild)."""

    key: Key
    title: Name300
    text: OptionalText = ""


class YearValueSpec(Spec):
    """An indicator value in one period of a year (the whole year unless `period` says)."""

    year: Year
    period: PeriodName = "year"
    value: IndicatorNumber
    comment: OptionalText = ""
    source: Source = ""


class TargetSpec(YearValueSpec):
    """A target: at least, at most, exactly or a range; without a kind the direction decides."""

    kind: TargetKindName | None = None
    upper: IndicatorNumber | None = None

    @model_validator(mode="after")
    def _upper_for_ranges(self) -> TargetSpec:
        """Require an upper bound for a range, not below the value, and refuse it otherwise."""
        if self.kind == "range":
            if self.upper is None:
                raise _rule(_("Ein Zielbereich (kind: range) braucht eine Obergrenze (upper)."))
            if self.upper < self.value:
                raise _rule(
                    _("Die Obergrenze %(upper)s liegt unter dem Wert %(value)s.")
                    % {"upper": self.upper, "value": self.value}
                )
        elif self.upper is not None:
            raise _rule(
                _("Eine Obergrenze (upper) gibt es nur bei einem Zielbereich (kind: range).")
            )
        return self


class BudgetSpec(Spec):
    """A product's budget amount in one year."""

    year: Year
    amount: Money


class IndicatorSpec(Spec):
    """A key figure with unit, direction, tolerance, baseline, targets and actual values."""

    key: Key
    name: Name300
    unit: Unit
    unit_kind: UnitKindName = Field(
        default="count", description="absent: derived from the unit label (`%` is percent)"
    )
    direction: Direction = "higher"
    tolerance: Tolerance = Decimal(10)
    baseline: YearValueSpec | None = None
    targets: list[TargetSpec] = []
    actuals: list[YearValueSpec] = []


class MeasureSpec(Spec):
    """A measure or project serving an operative goal."""

    key: MeasureKey = ""
    title: Text
    description: OptionalText = ""
    owner: Code | None = None
    partners: list[Name300] = []
    due: dt.date | None = None
    cost: Annotated[Money, Field(ge=0)] | None = None
    products: list[Code] = []
    _key_from_title: bool = PrivateAttr(default=False)

    @property
    def key_from_title(self) -> bool:
        """Return whether the key was taken from the title."""
        return self._key_from_title

    @model_validator(mode="after")
    def _default_key(self) -> MeasureSpec:
        """Use the title as key when none is given."""
        if not self.key:
            self._key_from_title = True
            if len(self.title) > 200:
                raise _rule(
                    _("Der Titel ist als Kennung zu lang (über 200 Zeichen); bitte key angeben.")
                )
            self.key = self.title
        return self


class _Validity(Spec):
    """Optional validity years of a goal."""

    valid_from: Year | None = None
    valid_until: Year | None = None

    @field_validator("valid_until")
    @classmethod
    def _not_before_start(cls, until: int | None, info: ValidationInfo) -> int | None:
        """Reject a validity that ends before it starts."""
        start = info.data.get("valid_from")
        if until is not None and isinstance(start, int) and until < start:
            raise _rule(
                _("Das Endjahr %(until)d liegt vor dem Anfangsjahr %(start)d.")
                % {"until": until, "start": start}
            )
        return until


class OperativeGoalSpec(_Validity):
    """An operative goal or action priority (Handlungsschwerpunkt)."""

    number: Number
    key: OperativeKey = Field(default="", description="filled in by the loader when absent")
    title: Text
    description: OptionalText = ""
    departments: list[Code] = []
    products: list[Code] = []
    indicators: list[IndicatorSpec] = []
    measures: list[MeasureSpec] = []


class StrategicGoalSpec(_Validity):
    """A medium-term strategic goal (Mittelfristiges Entwicklungsziel)."""

    number: Number
    title: Title500
    description: OptionalText = ""
    products: list[Code] = []
    indicators: list[IndicatorSpec] = []
    operative_goals: list[OperativeGoalSpec] = []


class PolicyFieldSpec(Spec):
    """A policy field or field of action (Politikfeld, Handlungsfeld)."""

    key: Key
    name: Name300
    vision: Key | None = None
    baseline: OptionalText = ""
    objective: OptionalText = ""
    strategic_goals: list[StrategicGoalSpec] = []


class ProductSpec(Spec):
    """A budget product with its budgets and indicators."""

    code: Code
    name: Name300
    department: Code | None = None
    budgets: list[BudgetSpec] = []
    indicators: list[IndicatorSpec] = []


class CatalogSpec(Spec):
    """A whole catalog file."""

    format: Literal[1]
    body: BodySpec
    calendar: list[CalendarEntrySpec] | None = None
    departments: list[DepartmentSpec]
    visions: list[VisionSpec] = []
    policy_fields: list[PolicyFieldSpec]
    products: list[ProductSpec] = []
