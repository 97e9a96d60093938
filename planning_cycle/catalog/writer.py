"""Write one validated catalog into the database, row by row, keyed by natural keys."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import Max, Min
from django.utils.translation import gettext as _
from pydantic import BaseModel

from planning_cycle.models import (
    Body,
    BodyCalendarEntry,
    Department,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
    Vision,
)

from .indicators import indicator_import
from .loader import CatalogWarning, LoadedCatalog, Loc, format_path
from .report import ImportReport, KeptValue, Outcome
from .schema import DepartmentSpec, IndicatorSpec, OperativeGoalSpec

M = TypeVar("M", bound=models.Model)

# Policy fields, strategic and operative goals are ordered body-wide; every catalog file
# gets its own block of positions so that two files for one body do not interleave.
POSITION_BLOCK = 1000


def _differs(current: Any, wanted: Any) -> bool:
    """Return whether a stored value differs from the catalog's value."""
    return bool(current != wanted)


def omitted(spec: BaseModel, **fields: str) -> set[str]:
    """Return the value names (keywords) whose spec field (value) the file does not give.

    An absent optional field keeps what is stored: an import never removes data the file
    does not mention. An explicit value (`vision: null`, `description: ""`, `products: []`)
    is given and written.
    """
    return {name for name, field_name in fields.items() if field_name not in spec.model_fields_set}


class CatalogWriter:
    """Writes one loaded catalog; counts what it creates, updates and leaves unchanged."""

    def __init__(self, catalog: LoadedCatalog, *, dry_run: bool) -> None:
        """Prepare an empty report for the catalog."""
        self.catalog = catalog
        self.spec = catalog.spec
        self.report = ImportReport(
            file=catalog.file,
            body_key=catalog.spec.body.key,
            body_name=catalog.spec.body.name,
            dry_run=dry_run,
            warnings=list(catalog.warnings),
        )
        self.body: Body
        self.departments: dict[str, int] = {}
        self.products: dict[str, int] = {}
        self.visions: dict[str, int] = {}

    # -- helpers ------------------------------------------------------------------------

    def upsert(
        self,
        model: type[M],
        lookup: dict[str, Any],
        values: dict[str, Any],
        *,
        keep: Collection[str] = (),
    ) -> tuple[M, Outcome, dict[str, Any]]:
        """Create or update one row by its natural key; return it, the outcome, old values.

        `keep` names values the file omits: a new row gets their defaults, an existing row
        keeps what it stores (and the report says so where that differs from the default).
        """
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.report.of(model).add(Outcome.CREATED)
            return obj, Outcome.CREATED, {}
        for name in values:
            if name in keep and _differs(getattr(obj, name), values[name]):
                self.kept(model, obj, name)
        values = {name: value for name, value in values.items() if name not in keep}
        old = {
            name: getattr(obj, name)
            for name in values
            if _differs(getattr(obj, name), values[name])
        }
        if not old:
            self.report.of(model).add(Outcome.UNCHANGED)
            return obj, Outcome.UNCHANGED, {}
        names = {f.attname: f.name for f in model._meta.concrete_fields}
        for name in old:
            setattr(obj, name, values[name])
        obj.save(update_fields=[names.get(name, name) for name in old])
        self.report.of(model).add(Outcome.UPDATED)
        return obj, Outcome.UPDATED, old

    def set_related(
        self,
        model: type[models.Model],
        obj: models.Model,
        outcome: Outcome,
        *,
        keep: Collection[str] = (),
        **relations: list[int],
    ) -> None:
        """Set many-to-many relations; a change turns an unchanged row into an updated one.

        A relation named in `keep` (omitted by the file) stays as stored on an existing row.
        """
        changed = False
        for name, ids in relations.items():
            manager = getattr(obj, name)
            stored = set(manager.values_list("pk", flat=True))
            if stored == set(ids):
                continue
            if name in keep and outcome is not Outcome.CREATED:
                self.kept(model, obj, name)
                continue
            manager.set(ids)
            changed = True
        if changed and outcome is Outcome.UNCHANGED:
            counts = self.report.of(model)
            counts.unchanged -= 1
            counts.updated += 1

    def position_base(self, model: type[models.Model], field_name: str, keys: Iterable[str]) -> int:
        """Return the first position of this file's block for a body-wide ordered model."""
        rows = model._default_manager.filter(body=self.body)
        mine = rows.filter(**{f"{field_name}__in": list(keys)}).aggregate(p=Min("position"))["p"]
        if mine is not None:
            return int(mine) // POSITION_BLOCK * POSITION_BLOCK
        highest = rows.aggregate(p=Max("position"))["p"]
        return 0 if highest is None else (int(highest) // POSITION_BLOCK + 1) * POSITION_BLOCK

    def kept(self, model: type[models.Model], obj: models.Model, name: str) -> None:
        """Report that an existing row keeps a stored value the file does not mention."""
        field = model._meta.get_field(name.removesuffix("_id"))
        self.report.kept.append(
            KeptValue(
                model=str(model._meta.verbose_name),
                row=str(obj),
                field=str(field.verbose_name),  # type: ignore[union-attr]
            )
        )

    def warn(self, loc: Loc, message: str) -> None:
        """Add a warning about an element of the file."""
        self.report.warnings.append(
            CatalogWarning(self.catalog.file, self.catalog.line_of(loc), format_path(loc), message)
        )

    # -- the import ---------------------------------------------------------------------

    def run(self) -> ImportReport:
        """Write the catalog and return the report."""
        self.import_body()
        self.import_calendar()
        self.import_departments()
        self.import_visions()
        self.import_products()
        self.import_goals()
        return self.report

    def import_body(self) -> None:
        """Create or update the body, then lock it against a concurrent import."""
        spec = self.spec.body
        body, _outcome, _old = self.upsert(
            Body, {"key": spec.key}, {"name": spec.name, "kind": spec.kind, "state": spec.state}
        )
        self.body = Body.objects.select_for_update().get(pk=body.pk)

    def import_calendar(self) -> None:
        """Write the explicit calendar; without one the Kreis Soest default applies."""
        for entry in self.spec.calendar or []:
            self.upsert(
                BodyCalendarEntry,
                {"body": self.body, "phase": entry.phase},
                {
                    "month": entry.month,
                    "day": entry.day,
                    "year_offset": entry.year_offset,
                    "switched_off": entry.switched_off,
                },
                keep=omitted(entry, year_offset="year_offset", switched_off="switched_off"),
            )

    def import_departments(self) -> None:
        """Create or update departments, parents before their children."""
        pending: list[DepartmentSpec] = list(self.spec.departments)
        while pending:
            ready = [d for d in pending if d.parent is None or d.parent in self.departments]
            for spec in ready:
                parent_id = self.departments[spec.parent] if spec.parent else None
                department, _outcome, _old = self.upsert(
                    Department,
                    {"body": self.body, "code": spec.code},
                    {"name": spec.name, "takes_part": spec.takes_part, "parent_id": parent_id},
                    keep=omitted(spec, takes_part="takes_part", parent_id="parent"),
                )
                self.departments[spec.code] = department.pk
            pending = [d for d in pending if d not in ready]
            if not ready:  # unreachable: the loader rejects unknown parents and cycles
                raise AssertionError("department tree cannot be ordered")

    def import_visions(self) -> None:
        """Create or update the visions."""
        for spec in self.spec.visions:
            vision, _outcome, _old = self.upsert(
                Vision,
                {"body": self.body, "key": spec.key},
                {"title": spec.title, "text": spec.text},
                keep=omitted(spec, text="text"),
            )
            self.visions[spec.key] = vision.pk

    def import_products(self) -> None:
        """Create or update products, their budgets and indicators."""
        for p, spec in enumerate(self.spec.products):
            product, _outcome, _old = self.upsert(
                Product,
                {"body": self.body, "code": spec.code},
                {
                    "name": spec.name,
                    "department_id": self.departments[spec.department] if spec.department else None,
                },
                keep=omitted(spec, department_id="department"),
            )
            self.products[spec.code] = product.pk
            for budget in spec.budgets:
                self.upsert(
                    ProductBudget,
                    {"product": product, "year": budget.year},
                    {"body_id": self.body.pk, "amount": budget.amount},
                )
            for i, indicator in enumerate(spec.indicators):
                self.import_indicator(("products", p, "indicators", i), indicator, product=product)

    def import_goals(self) -> None:
        """Create or update policy fields, strategic and operative goals and measures."""
        fields = self.spec.policy_fields
        goals = [g for f in fields for g in f.strategic_goals]
        operatives = [o for g in goals for o in g.operative_goals]
        field_base = self.position_base(PolicyField, "key", [f.key for f in fields])
        goal_base = self.position_base(StrategicGoal, "number", [g.number for g in goals])
        operative_base = self.position_base(OperativeGoal, "key", [o.key for o in operatives])
        goal_index = operative_index = 0
        for f, field_spec in enumerate(fields):
            policy_field, _outcome, _old = self.upsert(
                PolicyField,
                {"body": self.body, "key": field_spec.key},
                {
                    "name": field_spec.name,
                    "vision_id": self.visions[field_spec.vision] if field_spec.vision else None,
                    "baseline": field_spec.baseline,
                    "objective": field_spec.objective,
                    "position": field_base + f,
                },
                keep=omitted(
                    field_spec, vision_id="vision", baseline="baseline", objective="objective"
                ),
            )
            for s, goal_spec in enumerate(field_spec.strategic_goals):
                goal_loc: Loc = ("policy_fields", f, "strategic_goals", s)
                goal, outcome, old = self.upsert(
                    StrategicGoal,
                    # A goal the retreat changed lives on as its new version.
                    {"body": self.body, "number": goal_spec.number, "superseded": False},
                    {
                        "policy_field_id": policy_field.pk,
                        "title": goal_spec.title,
                        "description": goal_spec.description,
                        "valid_from": goal_spec.valid_from,
                        "valid_until": goal_spec.valid_until,
                        "position": goal_base + goal_index,
                    },
                    keep=omitted(
                        goal_spec,
                        description="description",
                        valid_from="valid_from",
                        valid_until="valid_until",
                    ),
                )
                goal_index += 1
                if "policy_field_id" in old:
                    self.warn_moved(goal_loc, goal_spec.number, PolicyField, old["policy_field_id"])
                self.set_related(
                    StrategicGoal,
                    goal,
                    outcome,
                    keep=omitted(goal_spec, products="products"),
                    products=[self.products[c] for c in goal_spec.products],
                )
                for i, indicator in enumerate(goal_spec.indicators):
                    self.import_indicator(
                        (*goal_loc, "indicators", i), indicator, strategic_goal=goal
                    )
                for o, operative_spec in enumerate(goal_spec.operative_goals):
                    operative_loc: Loc = (*goal_loc, "operative_goals", o)
                    self.import_operative_goal(
                        operative_loc, operative_spec, goal, operative_base + operative_index
                    )
                    operative_index += 1

    def import_operative_goal(
        self, loc: Loc, spec: OperativeGoalSpec, strategic_goal: StrategicGoal, position: int
    ) -> None:
        """Create or update one operative goal with its measures and indicators."""
        operative, outcome, old = self.upsert(
            OperativeGoal,
            {"body": self.body, "key": spec.key},
            {
                "strategic_goal_id": strategic_goal.pk,
                "number": spec.number,
                "title": spec.title,
                "description": spec.description,
                "valid_from": spec.valid_from,
                "valid_until": spec.valid_until,
                "position": position,
            },
            keep=omitted(
                spec, description="description", valid_from="valid_from", valid_until="valid_until"
            ),
        )
        if "strategic_goal_id" in old:
            self.warn_moved(loc, spec.key, StrategicGoal, old["strategic_goal_id"])
        self.set_related(
            OperativeGoal,
            operative,
            outcome,
            keep=omitted(spec, departments="departments", products="products"),
            departments=[self.departments[c] for c in spec.departments],
            products=[self.products[c] for c in spec.products],
        )
        for m, measure in enumerate(spec.measures):
            stored, measure_outcome, _old = self.upsert(
                Measure,
                {"operative_goal": operative, "key": measure.key},
                {
                    "body_id": self.body.pk,
                    "title": measure.title,
                    "description": measure.description,
                    "owner_id": self.departments[measure.owner] if measure.owner else None,
                    "partners": list(measure.partners),
                    "due_date": measure.due,
                    "cost": measure.cost,
                    "position": m,
                },
                keep=omitted(
                    measure,
                    description="description",
                    owner_id="owner",
                    partners="partners",
                    due_date="due",
                    cost="cost",
                ),
            )
            self.set_related(
                Measure,
                stored,
                measure_outcome,
                keep=omitted(measure, products="products"),
                products=[self.products[c] for c in measure.products],
            )
        for i, indicator in enumerate(spec.indicators):
            self.import_indicator((*loc, "indicators", i), indicator, operative_goal=operative)

    def import_indicator(
        self,
        loc: Loc,
        spec: IndicatorSpec,
        *,
        strategic_goal: StrategicGoal | None = None,
        operative_goal: OperativeGoal | None = None,
        product: Product | None = None,
    ) -> None:
        """Create or update an indicator with its baseline, targets and actual values."""
        indicator_import(
            self,
            loc,
            spec,
            strategic_goal=strategic_goal,
            operative_goal=operative_goal,
            product=product,
        )

    def warn_moved(
        self, loc: Loc, key: str, parent_model: type[models.Model], old_parent_id: int
    ) -> None:
        """Warn that an existing goal now hangs under another parent (a key used twice?)."""
        old_parent = parent_model._default_manager.filter(pk=old_parent_id).first()
        self.warn(
            loc,
            _(
                "„%(key)s“ gab es schon unter „%(old)s“; es wird umgehängt. Verwendet eine "
                "andere Katalogdatei dieser Kommune dieselbe Nummer?"
            )
            % {"key": key, "old": old_parent},
        )
