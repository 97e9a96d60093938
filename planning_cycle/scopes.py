"""The scope registry: the kinds of objects a role can be held on.

A scope kind is a model whose rows a role can be held on: the body itself, a department,
later a committee or a stakeholder organisation. planning_cycle registers Body and
Department (`PlanningCycleConfig.ready`); other apps register their own scope models the
same way, from their AppConfig.ready():

    scope_register(Committee, key="committee")

The role table (`planning_cycle.permissions.ROLE_TABLE`) names a scope kind by its key for
each role. A scope model declares the permission codenames its roles grant
(`Meta.permissions`), and guardian keeps the object permissions of its rows in its direct
foreign-key tables or, without those, in its generic ones.

The scopes of an object are found without a query: a scope object is its own first scope,
followed by its parents (`parents_of`, read from its own columns); any other object's
scopes are those its foreign keys to scope models point at (a goal agreement's department
and body).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst


class ScopeRef(NamedTuple):
    """A scope object by model and primary key (no need to load it)."""

    model: type[models.Model]
    pk: int


@dataclass(frozen=True)
class ScopeKind:
    """A registered scope model and how to find a row's body and enclosing scopes."""

    key: str
    model: type[models.Model]
    field: str
    body_of: Callable[[Any], int | None]
    parents_of: Callable[[Any], Iterable[ScopeRef]]
    of_body: Callable[[int], models.QuerySet[Any]]

    @property
    def label(self) -> str:
        return str(capfirst(self.model._meta.verbose_name))


_KINDS: dict[str, ScopeKind] = {}
_BY_MODEL: dict[type[models.Model], ScopeKind] = {}


def _body_id(obj: Any) -> int | None:
    return getattr(obj, "body_id", None)


def scope_register(
    model: type[models.Model],
    *,
    key: str,
    field: str | None = None,
    body_of: Callable[[Any], int | None] = _body_id,
    parents_of: Callable[[Any], Iterable[ScopeRef]] | None = None,
    of_body: Callable[[int], models.QuerySet[Any]] | None = None,
) -> ScopeKind:
    """Register a model whose rows roles can be held on.

    `field` is the foreign key by which other rows point at a scope of this kind (default:
    the model name); `body_of` returns a row's body id (default: its `body_id`);
    `parents_of` returns the scopes enclosing a row, read from its own columns (default:
    its body); `of_body` returns a body's scope objects of this kind (default: the rows
    with that `body_id`).
    """
    from planning_cycle.models import Body

    if key in _KINDS and _KINDS[key].model is not model:
        raise ValueError(f"Scope kind {key!r} is already registered for another model.")

    def default_parents(obj: Any) -> Iterable[ScopeRef]:
        return (ScopeRef(Body, obj.body_id),)

    def default_of_body(body_id: int) -> models.QuerySet[Any]:
        return model._default_manager.filter(body_id=body_id)

    kind = ScopeKind(
        key=key,
        model=model,
        field=field or model._meta.model_name or key,
        body_of=body_of,
        parents_of=parents_of or default_parents,
        of_body=of_body or default_of_body,
    )
    _KINDS[key] = kind
    _BY_MODEL[model] = kind
    _pointers.cache_clear()
    return kind


def scope_kinds() -> list[ScopeKind]:
    """Return the registered scope kinds in the order of registration."""
    return list(_KINDS.values())


def scope_kind(key: str) -> ScopeKind:
    """Return a registered scope kind by its key."""
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"No scope kind {key!r} is registered.") from None


def scope_kind_of(model: type[models.Model]) -> ScopeKind | None:
    """Return the scope kind of a model, or None when it is no scope model."""
    return _BY_MODEL.get(model)


@functools.cache
def _pointers(model: type[Any]) -> tuple[tuple[type[models.Model], str], ...]:
    """Return (scope model, attname) of the model's foreign keys to scope models.

    A stand-in that is no model (a dataclass with `body_id` and `department_id`) points
    at the scopes whose `<field>_id` attributes it has.
    """
    pointers = []
    # The kinds registered last are the most specific: check them first.
    for kind in reversed(_KINDS.values()):
        if not hasattr(model, "_meta"):
            pointers.append((kind.model, f"{kind.field}_id"))
            continue
        try:
            field = model._meta.get_field(kind.field)
        except FieldDoesNotExist:
            continue
        if getattr(field, "related_model", None) is kind.model and field.concrete:
            pointers.append((kind.model, field.attname))  # type: ignore[union-attr]
    return tuple(pointers)


def scopes_of(obj: models.Model) -> list[ScopeRef]:
    """Return the scopes a permission on the object can be held on, most specific first."""
    kind = _BY_MODEL.get(type(obj))
    if kind is not None:
        return [ScopeRef(kind.model, obj.pk), *kind.parents_of(obj)]
    refs = []
    for model, attname in _pointers(type(obj)):
        pk = getattr(obj, attname, None)
        if pk is not None:
            refs.append(ScopeRef(model, pk))
    return refs


def body_id_of(obj: models.Model) -> int | None:
    """Return the id of the body an object (a scope object or any body-scoped row) belongs to."""
    kind = _BY_MODEL.get(type(obj))
    if kind is not None:
        return kind.body_of(obj)
    return _body_id(obj)
