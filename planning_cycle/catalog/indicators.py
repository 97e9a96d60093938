"""Write a catalog's indicator with its baseline, targets (of a kind) and actual values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    OperativeGoal,
    Product,
    StrategicGoal,
    ValueKind,
    unit_kind_for,
)

from .common import Loc
from .schema import IndicatorSpec, TargetSpec, YearValueSpec

if TYPE_CHECKING:
    from .writer import CatalogWriter


def _value_fields(spec: YearValueSpec) -> tuple[dict[str, Any], set[str]]:
    """Return a value's comment and source and the names of those the file omits."""
    values = {"comment": spec.comment, "source": spec.source}
    return values, {name for name in values if name not in spec.model_fields_set}


def _target_fields(spec: TargetSpec) -> tuple[dict[str, Any], set[str]]:
    """Return a target's fields; an omitted `kind` keeps the stored kind and upper bound."""
    values, keep = _value_fields(spec)
    values.update({"target_kind": spec.kind, "upper_value": spec.upper})
    if "kind" not in spec.model_fields_set:
        keep |= {"target_kind", "upper_value"}
    return values, keep


def _range_broken(lookup: dict[str, Any], target: TargetSpec) -> bool:
    """Return whether a stored range the file keeps would end below the file's value."""
    return IndicatorValue.objects.filter(
        **lookup, target_kind="range", upper_value__lt=target.value
    ).exists()


def indicator_import(
    writer: CatalogWriter,
    loc: Loc,
    spec: IndicatorSpec,
    *,
    strategic_goal: StrategicGoal | None = None,
    operative_goal: OperativeGoal | None = None,
    product: Product | None = None,
) -> None:
    """Create or update an indicator with its baseline, targets and actual values.

    Values are found by indicator, year, period and kind (the baseline by indicator). An
    absent unit kind is taken from the unit label for a new indicator (`%`: percent).
    """
    body_id = writer.body.pk
    given = spec.model_fields_set
    indicator, _outcome, old = writer.upsert(
        Indicator,
        {"body": writer.body, "key": spec.key},
        {
            "name": spec.name,
            "unit": spec.unit,
            "unit_kind": spec.unit_kind if "unit_kind" in given else unit_kind_for(spec.unit),
            "direction": spec.direction,
            "tolerance": spec.tolerance,
            "strategic_goal_id": strategic_goal.pk if strategic_goal else None,
            "operative_goal_id": operative_goal.pk if operative_goal else None,
            "product_id": product.pk if product else None,
        },
        keep={name for name in ("unit_kind", "direction", "tolerance") if name not in given},
    )
    if {"strategic_goal_id", "operative_goal_id", "product_id"} & old.keys():
        writer.warn(
            (*loc, "key"),
            _(
                "Die Kennzahl „%(key)s“ gehörte bisher zu einem anderen Ziel oder Produkt "
                "und wird umgehängt."
            )
            % {"key": spec.key},
        )
    if spec.baseline is not None:
        values, keep = _value_fields(spec.baseline)
        if "period" not in spec.baseline.model_fields_set:
            keep.add("period")
        writer.upsert(
            IndicatorValue,
            {"indicator": indicator, "kind": ValueKind.BASELINE},
            {
                "body_id": body_id,
                "year": spec.baseline.year,
                "period": spec.baseline.period,
                "value": spec.baseline.value,
                **values,
            },
            keep=keep,
        )
    for t, target in enumerate(spec.targets):
        values, keep = _target_fields(target)
        lookup = {
            "indicator": indicator,
            "kind": ValueKind.TARGET,
            "year": target.year,
            "period": target.period,
        }
        if "target_kind" in keep and _range_broken(lookup, target):
            keep -= {"target_kind", "upper_value"}
            writer.warn(
                (*loc, "targets", t, "value"),
                _(
                    "Der Zielwert %(value)s liegt über der Obergrenze des gespeicherten "
                    "Zielbereichs; die Datei nennt keine Art (kind), der Zielbereich wird "
                    "aufgehoben und die Richtung der Kennzahl entscheidet."
                )
                % {"value": target.value},
            )
        writer.upsert(
            IndicatorValue, lookup, {"body_id": body_id, "value": target.value, **values}, keep=keep
        )
    for actual in spec.actuals:
        values, keep = _value_fields(actual)
        writer.upsert(
            IndicatorValue,
            {
                "indicator": indicator,
                "kind": ValueKind.ACTUAL,
                "year": actual.year,
                "period": actual.period,
            },
            {"body_id": body_id, "value": actual.value, **values},
            keep=keep,
        )
