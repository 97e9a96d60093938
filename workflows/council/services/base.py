"""What the council services share: errors, permission and input checks, limits."""

from __future__ import annotations

from typing import Any

from django.db import models
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
