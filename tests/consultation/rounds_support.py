"""What the round tests share: stand-ins for what other parts of the issue bring.

The statements part builds the invitation page (`workflows:invitation_detail`), the
notifications part the deadlines of the "invitee" audience. Until they are there, opening
a round could not store its invitations' deadlines; these fixtures let the other effects
of opening be tested meanwhile and change nothing once both parts are in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from workflows import registry
from workflows.registry import Workflow


@dataclass
class InviteeDeadlines:
    """Whether the deadlines of invitations could be stored (the notifications part is in)."""

    supported: bool = True


def _invitation_page(patch: pytest.MonkeyPatch) -> None:
    try:
        reverse("workflows:invitation_detail", args=[1])
    except NoReverseMatch:
        original = Workflow.detail_path

        def detail_path(self: Workflow, pk: object) -> str:
            try:
                return original(self, pk)
            except NoReverseMatch:
                return f"/beteiligung/einladungen/{pk}/"

        patch.setattr(Workflow, "detail_path", detail_path)


def _tolerant(listener: Any, seen: InviteeDeadlines) -> Any:
    def run(*args: Any) -> object:
        try:
            with transaction.atomic():
                return listener(*args)
        except IntegrityError as exc:
            if "audience" not in str(exc):
                raise
            seen.supported = False
            return []

    return run


@pytest.fixture
def invitation_page() -> Iterator[InviteeDeadlines]:
    """Stand in for the invitation page and the invitee deadlines while they are missing."""
    seen = InviteeDeadlines()
    with pytest.MonkeyPatch.context() as patch:
        _invitation_page(patch)
        patch.setattr(
            registry,
            "_CREATED_LISTENERS",
            [_tolerant(listener, seen) for listener in registry._CREATED_LISTENERS],
        )
        patch.setattr(
            registry,
            "_SIDE_EFFECTS",
            [(key, _tolerant(effect, seen)) for key, effect in registry._SIDE_EFFECTS],
        )
        yield seen
