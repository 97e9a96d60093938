"""The workflow registry: one declaration per workflow model, read by the whole engine.

A workflow package declares its model once (`workflow_register(Workflow(...))`, from its
app's `ready()`): its state field, the fields a transition may set, what is loaded with the
lock, which states are drafts only the owners see, which states are editable and by which
permission, its deadline tasks, its web and API addresses. What must happen inside a
transition is registered as a Python callable (`on_transition`), what must happen with new
objects likewise (`on_created`). The transition service, the content service, the access
gate, the selectors, the web views, the API and the deadlines read the declaration; none
of them names a workflow model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django_fsm import FSMFieldMixin

if TYPE_CHECKING:
    from planning_cycle.models import User
    from workflows.models import TransitionLog

VIEW_DRAFTS = "planning_cycle.view_drafts"

# Work that runs inside a transition's transaction, after the state is saved and the
# history row written: it gets the locked object, the acting user and the history row.
SideEffect = Callable[[models.Model, "User", "TransitionLog"], None]
EffectKey = tuple[type[models.Model] | None, str | None]
# Work that runs when a service creates workflow objects (in its transaction).
CreatedListener = Callable[[list[models.Model]], object]


class UnknownWorkflow(LookupError):
    """A model or slug that no workflow declared."""


@dataclass(frozen=True)
class Task:
    """A task an object stands for while in some states: who does it and when it is due.

    `phase`: due at the end of that phase's date in the cycle's calendar; None: due a
    number of days after it opened (the body's decision period). `phase_bound`: the task
    can only be done in that phase, so it is cancelled when the cycle leaves it.
    """

    kind: str
    audience: str
    states: frozenset[str]
    phase: str | None = None
    phase_bound: str | None = None
    # What the task is called ("Zielbilanzierung einreichen"; else the deadline's kind).
    label: Promise | str = ""
    # A department task one role finishes and others prepare: a task names only what its
    # reader may do. Holders of `permission` read `label`; holders of only
    # `prepare_permission` read `prepare_label` ("… vorbereiten (Einreichen durch …)").
    permission: str = ""
    prepare_permission: str = ""
    prepare_label: Promise | str = ""
    # When the task is due, if neither a phase nor the decision period says: a function
    # (dotted path) due_dates(objects) -> {pk: date}, called once for many objects.
    due: str = ""


@dataclass(frozen=True, eq=False)
class Workflow:
    """Everything the engine needs to know about one workflow model."""

    model: type[models.Model]
    # URL segment of the web's transition endpoint: /uebergang/<slug>/<id>/.
    slug: str
    # Fields a transition body may set besides the state (the auto_now stamp is added).
    transition_fields: tuple[str, ...] = ()
    # What conditions read beyond the row, loaded with the lock (name -> expression).
    lock_annotations: Mapping[str, Any] = field(default_factory=dict)
    # Relations loaded with every object a page, the API or an admin action shows.
    display_related: tuple[str, ...] = ()
    # States in which only holders of `draft_permission` see content and history.
    draft_states: frozenset[str] = frozenset()
    draft_permission: str = VIEW_DRAFTS
    # Who of the body sees which objects, when that is finer than the draft rule (dotted
    # path): visibility(queryset, user) -> queryset; it replaces the draft rule.
    visibility: str = ""
    # States in which holders of `edit_permission` may change the content fields.
    editable_states: frozenset[str] = frozenset()
    edit_permission: str = ""
    content_fields: tuple[str, ...] = ()
    # "The <object> is %(state)s and can no longer be edited" (each language its grammar).
    not_editable_message: Promise | str = ""
    saved_message: Promise | str = ""
    tasks: tuple[Task, ...] = ()
    # The web: the object's page (URL name taking the id), its edit endpoint, form (dotted
    # path) and template; a workflow without a page of its own gets the generic page.
    detail_url_name: str = ""
    edit_url_name: str = ""
    edit_form: str = ""
    template: str = ""
    # What only this workflow's page shows (dotted path):
    # page_context(request, obj, *, visible, editable, extra) -> dict.
    page_context: str = ""
    # After a transition the web reloads the whole page instead of the object's panel.
    reload_after_transition: bool = False
    # The API: /api/v1/<api_prefix>/ with a viewset of its own (dotted path), or the
    # generic read-only one with its transitions.
    api_prefix: str = ""
    api_basename: str = ""
    # Prefix of the workflow's names in the OpenAPI schema (e.g. "Review").
    api_name: str = ""
    api_viewset: str = ""
    # Or a function (dotted path) that registers routes of their own: register(router).
    api_register: str = ""
    # Published in docs/openapi.yaml (a workflow that exists only in the tests is not).
    documented: bool = True

    @property
    def state_field(self) -> FSMFieldMixin:
        return fsm_field(self.model)

    def __post_init__(self) -> None:
        if not self.api_name:
            object.__setattr__(self, "api_name", self.model.__name__)

    @property
    def update_fields(self) -> list[str]:
        """Fields a transition saves: the state, what its bodies set, the change stamp."""
        names = [self.state_field.name, *self.transition_fields]
        if any(f.name == "updated_at" for f in self.model._meta.concrete_fields):
            names.append("updated_at")
        return names

    def detail_path(self, pk: object) -> str:
        """Return the web page of one of its objects (the generic page if it has none)."""
        if self.detail_url_name:
            return reverse(self.detail_url_name, args=[pk])
        return reverse("workflows:workflow_detail", args=[self.slug, pk])

    def task_for(self, state: str) -> Task | None:
        """Return the task an object stands for in this state, if any."""
        for task in self.tasks:
            if state in task.states:
                return task
        return None


def fsm_field(model: type[models.Model]) -> FSMFieldMixin:
    """Return the model's state field (a django-fsm field)."""
    for f in model._meta.concrete_fields:
        if isinstance(f, FSMFieldMixin):
            return f
    raise TypeError(f"{model.__name__} has no state field")


_BY_MODEL: dict[type[models.Model], Workflow] = {}
_BY_SLUG: dict[str, Workflow] = {}
_SIDE_EFFECTS: list[tuple[EffectKey, SideEffect]] = []
_CREATED_LISTENERS: list[CreatedListener] = []
_DUE_LISTENERS: list[CreatedListener] = []


def workflow_register(workflow: Workflow) -> Workflow:
    """Declare a workflow model; declaring the same model again replaces its declaration."""
    other = _BY_SLUG.get(workflow.slug)
    if other is not None and other.model is not workflow.model:
        raise ValueError(f"slug {workflow.slug!r} is taken by {other.model.__name__}")
    previous = _BY_MODEL.get(workflow.model)
    if previous is not None:
        _BY_SLUG.pop(previous.slug, None)
    workflow.state_field  # noqa: B018  (fails early for a model without a state field)
    _BY_MODEL[workflow.model] = workflow
    _BY_SLUG[workflow.slug] = workflow
    return workflow


def workflow_unregister(model: type[models.Model]) -> None:
    """Forget a workflow (for tests that declare one of their own)."""
    workflow = _BY_MODEL.pop(model, None)
    if workflow is not None:
        _BY_SLUG.pop(workflow.slug, None)


def workflow_of(model_or_obj: type[models.Model] | models.Model) -> Workflow:
    """Return the declaration of a workflow model (or of an object's model)."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise UnknownWorkflow(f"{model.__name__} is not a registered workflow") from None


def workflow_by_slug(slug: str) -> Workflow:
    """Return the workflow whose web address segment is `slug`."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise UnknownWorkflow(slug) from None


def is_workflow(model_or_obj: type[models.Model] | models.Model) -> bool:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return model in _BY_MODEL


def workflows() -> list[Workflow]:
    """Return every declared workflow, in the order of declaration."""
    return list(_BY_MODEL.values())


def tasks() -> Iterable[tuple[Workflow, Task]]:
    """Yield every declared task with its workflow."""
    for workflow in _BY_MODEL.values():
        for task in workflow.tasks:
            yield workflow, task


def task_of_kind(kind: str) -> Task | None:
    """Return the declared task of a deadline's kind, if any workflow declares it."""
    for _workflow, task in tasks():
        if task.kind == kind:
            return task
    return None


def on_transition(
    effect: SideEffect,
    *,
    model: type[models.Model] | None = None,
    transition: str | None = None,
) -> SideEffect:
    """Run `effect` inside the transaction of matching transitions (None matches all).

    The one way to join a transition: a Python callable that gets the locked object, the
    acting user and the history row, after the state is saved, in registration order.
    """
    entry = ((model, transition), effect)
    if entry not in _SIDE_EFFECTS:
        _SIDE_EFFECTS.append(entry)
    return effect


def side_effects(model: type[models.Model], transition: str) -> tuple[SideEffect, ...]:
    """Return the callables to run for this transition, in registration order."""
    return tuple(
        effect
        for (on_model, on_name), effect in _SIDE_EFFECTS
        if (on_model is None or on_model is model) and (on_name is None or on_name == transition)
    )


def on_created(listener: CreatedListener) -> CreatedListener:
    """Run `listener` when a service creates workflow objects (in its transaction)."""
    if listener not in _CREATED_LISTENERS:
        _CREATED_LISTENERS.append(listener)
    return listener


def workflow_objects_created(objects: list[models.Model]) -> None:
    """Tell the listeners that workflow objects were created (call inside the transaction)."""
    if not objects:
        return
    for listener in _CREATED_LISTENERS:
        listener(objects)


def on_due_changed(listener: CreatedListener) -> CreatedListener:
    """Run `listener` when what a task's due date is computed from changed for objects."""
    if listener not in _DUE_LISTENERS:
        _DUE_LISTENERS.append(listener)
    return listener


def workflow_due_changed(objects: list[models.Model]) -> None:
    """Tell the listeners that the due dates of objects' tasks changed (in the transaction).

    E.g. a meeting moved: the result of each paper on its agenda is due from the new day.
    """
    if not objects:
        return
    for listener in _DUE_LISTENERS:
        listener(objects)


def state_of(obj: models.Model) -> str:
    """Return the value of an object's state field."""
    return str(fsm_field(type(obj)).value_from_object(obj))


def state_label(model: type[models.Model], state: str) -> str:
    """Return the translated label of a model's state (the value when unknown)."""
    choices = dict(fsm_field(model).choices or [])
    return str(choices.get(state, state))
