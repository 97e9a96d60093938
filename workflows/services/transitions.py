"""The one service that fires every state transition, and what it offers a user."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, FSMFieldMixin, Transition
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import User
from planning_cycle.text import TextRefused, text_clean
from workflows.conditions import WARNINGS, explain_failure, is_route
from workflows.guards import GUARDS
from workflows.models import TransitionLog
from workflows.registry import (
    UnknownWorkflow,
    fsm_field,
    side_effects,
    state_label,
    workflow_of,
)
from workflows.services.rows import lock_row, record_transition

OVERRIDE_PERMISSION = "planning_cycle.cycle_override"


class TransitionError(Exception):
    """A transition was refused; the message tells the user why."""

    status = 400

    def __init__(self, message: str, *, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons


class TransitionNotPermitted(TransitionError):
    status = 403


class TransitionConflict(TransitionError):
    status = 409


class TransitionBlocked(TransitionError):
    """A condition or guard fails; `overridable` tells whether a reason may override it."""

    status = 422

    def __init__(self, message: str, *, reasons: tuple[str, ...], overridable: bool) -> None:
        super().__init__(message, reasons=reasons)
        self.overridable = overridable


class CommentRequired(TransitionError):
    status = 400


class UnknownTransition(TransitionError):
    status = 404


@dataclass(frozen=True)
class TransitionOption:
    """A transition the user may fire now, or why it is blocked."""

    name: str
    label: str
    target: str
    target_label: str
    comment_required: bool
    blocked_by: tuple[str, ...] = ()
    overridable: bool = False

    @property
    def enabled(self) -> bool:
        return not self.blocked_by or self.overridable


@dataclass
class TransitionResult:
    obj: models.Model
    log: TransitionLog
    extra: dict[str, Any] = field(default_factory=dict)


def state_field(model: type[models.Model]) -> FSMFieldMixin:
    """Return the model's state field."""
    return fsm_field(model)


def _transitions_from(obj: models.Model, state: str) -> dict[str, Transition]:
    result: dict[str, Transition] = {}
    for t in state_field(type(obj)).get_all_transitions(type(obj)):
        if t.source in (state, "*", "+") and t.name not in result:
            result[t.name] = t
    return result


def _off_route(obj: models.Model, t: Transition) -> tuple[str, ...]:
    """Return why a transition is not the object's way on (a cycle's switched-off phase)."""
    return tuple(explain_failure(c, obj) for c in t.conditions if is_route(c) and not c(obj))


def _failed_guards(obj: models.Model, t: Transition) -> tuple[str, ...]:
    reasons = (GUARDS[name](obj) for name in t.custom.get("guards", ()))  # type: ignore[arg-type]
    return tuple(r for r in reasons if r)


def _warnings(obj: models.Model, t: Transition) -> tuple[str, ...]:
    texts = (WARNINGS[name](obj) for name in t.custom.get("warnings", ()))  # type: ignore[arg-type]
    return tuple(text for text in texts if text)


def transition_warnings(obj: models.Model, transition: str) -> tuple[str, ...]:
    """Return the warnings of a transition from the object's state (they do not block it)."""
    state = state_field(type(obj)).value_from_object(obj)
    t = _transitions_from(obj, state).get(transition)
    return () if t is None else _warnings(obj, t)


def _failed_conditions(obj: models.Model, t: Transition) -> tuple[str, ...]:
    return tuple(explain_failure(c, obj) for c in t.conditions if not is_route(c) and not c(obj))


def transitions_available(
    *, user: User, obj: models.Model, checker: ObjectPermissionChecker
) -> list[TransitionOption]:
    """List the transitions this user holds the permission for, with what blocks them."""
    model = type(obj)
    state = state_field(model).value_from_object(obj)
    options = []
    for name, t in _transitions_from(obj, state).items():
        if not user_may(checker, user, str(t.permission), obj) or _off_route(obj, t):
            continue
        blocked = _failed_conditions(obj, t)
        guard_reasons = () if blocked else _failed_guards(obj, t)
        overridable = bool(guard_reasons) and user_may(checker, user, OVERRIDE_PERMISSION, obj)
        options.append(
            TransitionOption(
                name=name,
                label=str(t.custom.get("label", name)),
                target=str(t.target),
                target_label=state_label(model, str(t.target)),
                comment_required=bool(t.custom.get("comment_required")),
                blocked_by=blocked + guard_reasons,
                overridable=overridable,
            )
        )
    return options


def _conflict(obj: models.Model, state: str, label: str) -> TransitionConflict:
    ctype = ContentType.objects.get_for_model(type(obj))
    last = (
        TransitionLog.objects.filter(content_type=ctype, object_id=obj.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    message = _(
        "„%(action)s“ ist nicht mehr möglich: der Vorgang steht inzwischen auf „%(state)s“."
    ) % {"action": label, "state": state_label(type(obj), state)}
    if last is not None:
        message += " " + _("Zuletzt geändert von %(actor)s am %(when)s.") % {
            "actor": last.actor,
            "when": date_format(localtime(last.created_at), "DATETIME_FORMAT"),
        }
    message += " " + _("Bitte laden Sie die Seite neu.")
    return TransitionConflict(message)


def _authorise(
    *,
    checker: ObjectPermissionChecker,
    acting_user: User,
    locked: models.Model,
    transition: str,
    label: str,
    comment: str,
    override_reason: str,
    expected_state: str | None,
    consequence: bool = False,
) -> tuple[str, str]:
    """Check permission, state, conditions, guards and comment; return state and reason."""
    model = type(locked)
    # Permission (and body) first, so that a refused user learns nothing about the object;
    # a transition method has one permission whatever its source state. A consequence of
    # another transition was permitted with that one.
    if not consequence and not user_may(
        checker, acting_user, _permission_of(model, transition), locked
    ):
        raise TransitionNotPermitted(
            _("Sie dürfen „%(action)s“ hier nicht ausführen.") % {"action": label}
        )
    state = state_field(model).value_from_object(locked)
    t = _transitions_from(locked, state).get(transition)
    if (expected_state is not None and state != expected_state) or t is None:
        raise _conflict(locked, state, label)
    failed = _off_route(locked, t) or _failed_conditions(locked, t)
    if failed:
        raise TransitionBlocked(" ".join(failed), reasons=failed, overridable=False)
    guard_reasons = _failed_guards(locked, t)
    if not guard_reasons:
        override_reason = ""
    else:
        may_override = user_may(checker, acting_user, OVERRIDE_PERMISSION, locked)
        if not (override_reason and may_override):
            hint = " " + _("Sie können mit Begründung trotzdem abschließen.")
            raise TransitionBlocked(
                " ".join(guard_reasons) + (hint if may_override else ""),
                reasons=guard_reasons,
                overridable=may_override,
            )
    if t.custom.get("comment_required") and not comment:
        raise CommentRequired(
            _("Für „%(action)s“ ist ein Kommentar erforderlich.") % {"action": label}
        )
    return state, override_reason


@functools.cache
def _transition_index(model: type[models.Model]) -> dict[str, Transition]:
    """Map each transition method's name to one of its declarations (permission, label)."""
    return {t.name: t for t in state_field(model).get_all_transitions(model)}


def _declared(model: type[models.Model], transition: str) -> Transition:
    try:
        return _transition_index(model)[transition]
    except KeyError:
        raise UnknownTransition(
            _("Unbekannter Schritt „%(name)s“.") % {"name": transition}
        ) from None


def _permission_of(model: type[models.Model], transition: str) -> str:
    return str(_declared(model, transition).permission)


def _label_of(model: type[models.Model], transition: str) -> str:
    return str(_declared(model, transition).custom.get("label", transition))


# The web form's limit; the service enforces it for every caller (command, admin, API).
MAX_TEXT_LENGTH = 10_000


def _clean(text: str, what: str) -> str:
    """Apply the text policy to a comment or reason (for every caller: command, admin, API)."""
    try:
        return text_clean(text, what=what, limit=MAX_TEXT_LENGTH)
    except TextRefused as exc:
        raise TransitionError(exc.message) from None


def transition_fire(
    *,
    acting_user: User,
    obj: models.Model,
    transition: str,
    comment: str = "",
    override_reason: str = "",
    expected_state: str | None = None,
    checker: ObjectPermissionChecker | None = None,
    consequence_of: TransitionLog | None = None,
) -> TransitionResult:
    """Fire a transition: lock, check permission and guards, change, log and record the outbox.

    `consequence_of`: the history row of the transition this one follows from, in the same
    transaction (a council decision resolving the goal agreements of its paper): its
    permission was checked there, so the acting user's is not checked again here.
    """
    if consequence_of is not None and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a consequence is fired inside the transaction of its cause")
    model = type(obj)
    try:
        workflow = workflow_of(model)
    except UnknownWorkflow:
        raise TypeError(f"{model.__name__} is not a workflow model") from None
    label = _label_of(model, transition)
    comment = _clean(comment, _("Der Kommentar"))
    override_reason = _clean(override_reason, _("Die Begründung"))
    fsm_field = state_field(model)
    checker = checker or ObjectPermissionChecker(acting_user)
    try:
        with transaction.atomic():
            locked = lock_row(model, obj.pk)
            state, override_reason = _authorise(
                checker=checker,
                acting_user=acting_user,
                locked=locked,
                transition=transition,
                label=label,
                comment=comment,
                override_reason=override_reason,
                expected_state=expected_state,
                consequence=consequence_of is not None,
            )
            # What the transition warns of, as the locked row stands before it is fired.
            declared = _transitions_from(locked, state)[transition]
            warnings = _warnings(locked, declared)
            getattr(locked, transition)()
            locked.save(update_fields=workflow.update_fields)
            log = record_transition(
                locked,
                acting_user=acting_user,
                transition=transition,
                source=state,
                target=fsm_field.value_from_object(locked),
                comment=comment,
                override_reason=override_reason,
            )
            for effect in side_effects(model, transition):
                effect(locked, acting_user, log)
    except ConcurrentTransition as exc:
        # The state changed between our read and our UPDATE (possible only where the
        # database cannot lock rows); the block is rolled back, so report the winner.
        fresh = model._default_manager.get(pk=obj.pk)
        raise _conflict(fresh, fsm_field.value_from_object(fresh), label) from exc
    return TransitionResult(obj=locked, log=log, extra={"warnings": warnings})
