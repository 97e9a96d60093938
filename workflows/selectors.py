"""Reads of the workflows that depend on the user's permissions or cross models.

Every function here reads only; the one write path is
`workflows.services.transitions.transition_fire`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import PlanningCycle, User
from workflows.conditions import is_route
from workflows.guards import GUARDS
from workflows.models import TransitionLog
from workflows.registry import VIEW_DRAFTS, state_label, state_of, workflow_of
from workflows.services.transitions import TransitionOption, state_field, transitions_available

__all__ = ["VIEW_DRAFTS", "state_label", "state_of"]

# A submission still with its department (a draft state of its workflow) shows only to
# holders of the workflow's draft permission ("view_drafts": its own roles, management,
# the strategy unit); everyone else sees UNRELEASED_LABEL.
UNRELEASED_LABEL = _("Entwurf (nicht freigegeben)")


@cache
def _transition_labels(model: type[models.Model]) -> dict[str, Promise | str]:
    return {
        t.name: t.custom.get("label", t.name) for t in state_field(model).get_all_transitions(model)
    }


def transition_label(model: type[models.Model], name: str) -> str:
    """Return the translated label of a model's transition (its name when unknown)."""
    return str(_transition_labels(model).get(name, name))


def content_visible(user: User, checker: ObjectPermissionChecker, obj: models.Model) -> bool:
    """Tell whether the user may see the object's content and history in its current state."""
    workflow = workflow_of(obj)
    if state_of(obj) not in workflow.draft_states:
        return True
    return user_may(checker, user, workflow.draft_permission, obj)


@dataclass(frozen=True)
class HistoryEntry:
    """One row of an object's transition history, labelled for display."""

    created_at: dt.datetime
    actor: str
    transition: str
    transition_label: str
    source_state: str
    source_label: str
    target_state: str
    target_label: str
    comment: str
    override_reason: str
    # The reader may not see the step's comment or reason (see VIEW_INTERNAL_COMMENTS).
    comment_hidden: bool = False


# Comments and override reasons in a history are the administration's internal exchange
# (why management returned a review, why a phase closed early): only holders of this
# permission read them; others see the steps without their words.
VIEW_INTERNAL_COMMENTS = "planning_cycle.view_internal_comments"


def _without_comment(entry: HistoryEntry) -> HistoryEntry:
    if not (entry.comment or entry.override_reason):
        return entry
    return dataclasses.replace(entry, comment="", override_reason="", comment_hidden=True)


def _entry(model: type[models.Model], log: TransitionLog) -> HistoryEntry:
    return HistoryEntry(
        created_at=log.created_at,
        actor=str(log.actor),
        transition=log.transition,
        transition_label=transition_label(model, log.transition),
        source_state=log.source_state,
        source_label=state_label(model, log.source_state),
        target_state=log.target_state,
        target_label=state_label(model, log.target_state),
        comment=log.comment,
        override_reason=log.override_reason,
    )


HistoryKey = tuple[type[models.Model], int]


def history_for(objs: Iterable[models.Model]) -> dict[HistoryKey, list[HistoryEntry]]:
    """Return the transition history of several workflow objects with one query."""
    objs = list(objs)
    if not objs:
        return {}
    by_model: dict[type[models.Model], list[int]] = defaultdict(list)
    for obj in objs:
        by_model[type(obj)].append(obj.pk)
    ctypes = ContentType.objects.get_for_models(*by_model)
    model_of_ctype = {ct.pk: model for model, ct in ctypes.items()}
    condition = Q()
    for model, pks in by_model.items():
        condition |= Q(content_type=ctypes[model], object_id__in=pks)
    result: dict[HistoryKey, list[HistoryEntry]] = {(type(o), o.pk): [] for o in objs}
    logs = (
        TransitionLog.objects.filter(condition).select_related("actor").order_by("created_at", "id")
    )
    for log in logs:
        model = model_of_ctype[log.content_type_id]
        result[(model, log.object_id)].append(_entry(model, log))
    return result


@dataclass
class WorkflowItem:
    """A workflow object as one user sees it: state, what they may do, its history."""

    obj: models.Model
    state: str
    state_label: str
    content_visible: bool
    options: list[TransitionOption]
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def model_name(self) -> str:
        return str(type(self.obj)._meta.verbose_name)

    @property
    def enabled_options(self) -> list[TransitionOption]:
        return [o for o in self.options if o.enabled]

    @property
    def blocked_options(self) -> list[TransitionOption]:
        return [o for o in self.options if not o.enabled]

    @property
    def comment_required_labels(self) -> list[str]:
        return [o.label for o in self.enabled_options if o.comment_required]

    @property
    def override_labels(self) -> list[str]:
        """Labels of transitions blocked by a guard that this user may override."""
        return [o.label for o in self.enabled_options if o.blocked_by]

    @property
    def override_required(self) -> bool:
        """Every transition offered needs an override reason."""
        enabled = self.enabled_options
        return bool(enabled) and all(o.blocked_by for o in enabled)

    @property
    def comment_required(self) -> bool:
        """Every transition offered needs a comment."""
        enabled = self.enabled_options
        return bool(enabled) and all(o.comment_required for o in enabled)


def workflow_items(
    *, user: User, checker: ObjectPermissionChecker, objs: Sequence[models.Model]
) -> list[WorkflowItem]:
    """Describe workflow objects for a user; history is read with one query for all.

    Load reviews, plans and agreements with their cycle and department
    (select_related) so that permission checks and conditions do not query.
    """
    visible = [content_visible(user, checker, obj) for obj in objs]
    history = history_for(obj for obj, shown in zip(objs, visible, strict=True) if shown)
    items = []
    for obj, shown in zip(objs, visible, strict=True):
        state = state_of(obj)
        entries = history.get((type(obj), obj.pk), [])
        if entries and not user_may(checker, user, VIEW_INTERNAL_COMMENTS, obj):
            entries = [_without_comment(e) for e in entries]
        items.append(
            WorkflowItem(
                obj=obj,
                state=state,
                state_label=state_label(type(obj), state) if shown else str(UNRELEASED_LABEL),
                content_visible=shown,
                options=transitions_available(user=user, obj=obj, checker=checker) if shown else [],
                history=entries,
            )
        )
    return items


def workflow_item(
    *, user: User, checker: ObjectPermissionChecker, obj: models.Model
) -> WorkflowItem:
    """Describe one workflow object for a user."""
    return workflow_items(user=user, checker=checker, objs=[obj])[0]


@dataclass(frozen=True)
class NextPhase:
    """The cycle's next step and what still blocks it."""

    transition: str
    label: str
    target: str
    target_label: str
    blockers: tuple[str, ...]


def cycle_next_phase(cycle: PlanningCycle) -> NextPhase | None:
    """Run the guards of the cycle's next phase; None when the cycle is closed."""
    for t in state_field(PlanningCycle).get_all_transitions(PlanningCycle):
        if t.source != cycle.phase or not all(c(cycle) for c in t.conditions if is_route(c)):
            continue
        guards = t.custom.get("guards", ())
        reasons = tuple(r for r in (GUARDS[name](cycle) for name in guards) if r)
        return NextPhase(
            transition=t.name,
            label=str(t.custom.get("label", t.name)),
            target=str(t.target),
            target_label=state_label(PlanningCycle, str(t.target)),
            blockers=reasons,
        )
    return None


@dataclass(frozen=True)
class StateView:
    """An object's state as a user may see it (drafts of others are masked)."""

    obj: models.Model
    state: str
    label: str
    visible: bool


def state_view(user: User, checker: ObjectPermissionChecker, obj: models.Model) -> StateView:
    """Return the object's state label for the user, masking drafts they may not see."""
    state = state_of(obj)
    visible = content_visible(user, checker, obj)
    label = state_label(type(obj), state) if visible else str(UNRELEASED_LABEL)
    return StateView(obj=obj, state=state, label=label, visible=visible)
