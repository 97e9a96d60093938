"""The write service for the content of workflow objects (not transitions).

Editing is not a transition: it writes no history row and no outbox message, only the
text fields and the `updated_at` stamp. Like `transition_fire`, each service locks the
row, checks the permission before anything else (a refused user learns nothing about the
object), then the state, then the caller's view of the object (optimistic concurrency),
then the input.
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import User
from planning_cycle.text import TextRefused, breaks_normalise, text_clean
from workflows.registry import state_label, state_of, workflow_of

TEXT_MAX_LENGTH = 20_000


class ContentError(Exception):
    """An edit was refused; the message tells the user why, `field` where (if anywhere)."""

    def __init__(self, message: str, field: str | None = None, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def not_permitted() -> ContentError:
    return ContentError(_("Sie dürfen diesen Inhalt nicht bearbeiten."), status=403)


def not_editable_reason(obj: models.Model) -> str:
    """Return why the object's content cannot be edited in its state, or ""."""
    workflow = workflow_of(obj)
    state = state_of(obj)
    if state in workflow.editable_states:
        return ""
    return str(workflow.not_editable_message) % {"state": state_label(type(obj), state)}


def may_edit(user: User, checker: ObjectPermissionChecker, obj: models.Model) -> bool:
    """Tell whether the user holds the edit permission for the object (whatever its state)."""
    permission = workflow_of(obj).edit_permission
    return bool(permission) and user_may(checker, user, permission, obj)


def clean_text(value: str, field: str) -> str:
    """Apply the text policy to a content field; a refusal names the field."""
    try:
        return text_clean(breaks_normalise(value), what=_("Der Text"), limit=TEXT_MAX_LENGTH)
    except TextRefused as exc:
        raise ContentError(exc.message, field) from None


def content_update(
    *,
    acting_user: User,
    obj: models.Model,
    values: dict[str, str],
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> models.Model:
    """Write content fields of a workflow object in a state its declaration lets edit."""
    workflow = workflow_of(obj)
    unknown = set(values) - set(workflow.content_fields)
    if unknown:
        raise TypeError(f"not content fields of {workflow.model.__name__}: {sorted(unknown)}")
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked = (
            workflow.model._default_manager.select_for_update(of=("self",))
            .select_related(*workflow.display_related)
            .get(pk=obj.pk)
        )
        if not may_edit(acting_user, checker, locked):
            raise not_permitted()
        reason = not_editable_reason(locked)
        if reason:
            raise ContentError(reason, status=409)
        if expected_updated_at is not None and locked.updated_at != expected_updated_at:  # type: ignore[attr-defined]
            raise ContentError(
                _(
                    "Der Inhalt wurde inzwischen von jemand anderem geändert. Ihre Eingaben "
                    "wurden nicht gespeichert: bitte laden Sie die Seite neu und übernehmen "
                    "Sie Ihre Änderungen dann erneut."
                ),
                status=409,
            )
        cleaned = {name: clean_text(value, name) for name, value in values.items()}
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        if changed:
            for name in changed:
                setattr(locked, name, cleaned[name])
            locked.save(update_fields=[*changed, "updated_at"])
    return locked
