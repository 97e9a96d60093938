"""What the council services share: errors, permission and input checks, row writes, limits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import User
from planning_cycle.text import TextRefused, breaks_normalise, text_clean
from workflows.services.content import ContentError

MANAGE = "planning_cycle.paper_manage"
RECORD = "planning_cycle.result_record"
COMMITTEES = "planning_cycle.committee_manage"
TITLE_MAX = 500
TEXT_MAX = 50_000

M = TypeVar("M", bound=models.Model)


class CouncilError(ContentError):
    """A change of a paper, a meeting or a result was refused; `field` names where."""


def checker_for(user: User, checker: ObjectPermissionChecker | None) -> ObjectPermissionChecker:
    return checker or permission_checker(user)


def require(
    user: User,
    checker: ObjectPermissionChecker,
    permission: str,
    obj: models.Model,
    message: str,
) -> None:
    """Refuse (403) unless the user holds the permission on the object (in its body)."""
    if not user_may(checker, user, permission, obj):
        raise CouncilError(message, status=403)


def same_body(user: User, obj: Any, field: str, what: str) -> None:
    """Refuse an object of another body as if it did not exist."""
    if obj is not None and getattr(obj, "body_id", None) != user.body_id:
        raise CouncilError(_("Unbekannt: %(what)s.") % {"what": what}, field)


def text_input(
    value: str | None, *, what: str, field: str, limit: int = TEXT_MAX, required: bool = False
) -> str:
    """Clean a text by the text policy; refuse naming the field."""
    try:
        text = text_clean(breaks_normalise(value or ""), what=what, limit=limit)
    except TextRefused as exc:
        raise CouncilError(exc.message, field) from None
    if required and not text:
        raise CouncilError(_("Bitte geben Sie %(what)s an.") % {"what": what}, field)
    return text


def row_create(model: type[M], values: Mapping[str, Any], taken: Callable[[], CouncilError]) -> M:
    """Create a row; refuse with `taken` (409) what a database constraint finds twice."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**values)
    except IntegrityError:
        raise taken() from None


def row_update(
    obj: M,
    values: Mapping[str, Any],
    taken: Callable[[], CouncilError],
    check: Callable[[M], None] | None = None,
) -> M:
    """Set the values on the locked row (after `check`); refuse with `taken` as on creating."""
    try:
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            if check is not None:
                check(locked)
            for field, value in values.items():
                setattr(locked, field, value)
            locked.save()
    except IntegrityError:
        raise taken() from None
    return locked
