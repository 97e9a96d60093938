"""The workflow panel: an object's state, the steps the user may take and its history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from planning_cycle.models import PlanningCycle
from planning_cycle.web import request_checker
from workflows.registry import workflow_of
from workflows.selectors import WorkflowItem, workflow_items
from workflows.services.transitions import TransitionOption
from workflows.web import transition_url

HEADING_LEVELS = (2, 3, 4)
# The transition a department's edit form fires together with saving its input.
SUBMIT = "submit"


@dataclass
class Panel:
    """What workflows/_panel.html renders for one object."""

    item: WorkflowItem
    next: str
    heading_level: int = 2
    message: str = ""
    level: str = ""
    comment: str = ""
    override_reason: str = ""
    # The page's edit form submits (saving what it holds in the same transaction): the
    # panel offers no separate "Einreichen" that would lose unsaved input.
    submit_in_form: bool = False

    @property
    def heading(self) -> str:
        if self.is_cycle:
            return _("Phasenwechsel und Verlauf")
        return _("Bearbeitungsstand")

    @property
    def is_cycle(self) -> bool:
        """The cycle's overview shows the blockers itself; its state is a phase."""
        return isinstance(self.item.obj, PlanningCycle)

    @property
    def id(self) -> str:
        return f"ablauf-{workflow_of(self.item.obj).slug}-{self.item.obj.pk}"

    @property
    def action(self) -> str:
        return transition_url(self.item.obj)

    @property
    def buttons(self) -> list[TransitionOption]:
        """The transitions the panel's own form offers."""
        return [o for o in self.item.enabled_options if not self._in_form(o)]

    @property
    def blocked_notes(self) -> list[TransitionOption]:
        """The offered transitions with what blocks them (the edit form explains its own)."""
        return [o for o in self.item.options if o.blocked_by and not self._in_form(o)]

    def _in_form(self, option: TransitionOption) -> bool:
        return self.submit_in_form and option.name == SUBMIT


def panels_for(
    request: HttpRequest,
    objs: Sequence[models.Model],
    *,
    next_url: str,
    heading_level: int = 2,
) -> list[Panel]:
    """Build the panels of several objects (their history is read with one query)."""
    if heading_level not in HEADING_LEVELS:
        heading_level = 2
    items = workflow_items(
        user=request.user,  # type: ignore[arg-type]
        checker=request_checker(request),
        objs=objs,
    )
    return [Panel(item=item, next=next_url, heading_level=heading_level) for item in items]


def panel_for(
    request: HttpRequest, obj: models.Model, *, next_url: str, heading_level: int = 2
) -> Panel:
    """Build the panel of one object."""
    return panels_for(request, [obj], next_url=next_url, heading_level=heading_level)[0]
