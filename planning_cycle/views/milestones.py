"""Management's actions on a cycle's milestones: add one, mark one done, remove one.

Each form posts from the cycle's overview (section "Termine im Jahr") and calls one
service; a cycle or milestone of another body is unknown (404), anyone but management
gets 403. A refused new milestone shows the overview again with the input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.services.milestones import (
    MilestoneNotPermitted,
    milestone_add,
    milestone_done,
    milestone_remove,
)
from planning_cycle.models import CycleMilestone, PlanningCycle
from planning_cycle.selectors.cycles import cycles_of_body
from planning_cycle.services.calendar import CalendarError
from planning_cycle.web import body_id, member_view

from .cycles import render_overview
from .milestone_forms import MILESTONE_MANAGE, MilestoneForm
from .roles import body_may


def _cycle(request: HttpRequest, pk: int) -> PlanningCycle:
    return get_object_or_404(cycles_of_body(body_id(request)), pk=pk)


def _milestone(request: HttpRequest, pk: int, milestone: int) -> CycleMilestone:
    return get_object_or_404(
        CycleMilestone.objects.select_related("cycle", "body"),
        pk=milestone,
        cycle_id=_cycle(request, pk).pk,
    )


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("cycle_overview", args=[pk]) + "#termine")


@require_POST
@member_view
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a milestone to the cycle and open its task."""
    cycle = _cycle(request, pk)
    form = MilestoneForm(request.POST, cycle=cycle)
    if form.is_valid():
        data = form.cleaned_data
        try:
            milestone = milestone_add(
                acting_user=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                title=data["title"],
                kind=data["kind"],
                due_date=data["due_date"],
                audience=data["audience"],
                phase=data["phase"] or "",
            )
        except MilestoneNotPermitted as exc:
            raise PermissionDenied(str(exc)) from exc
        except CalendarError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Der Termin „%(title)s“ ist angelegt.") % {"title": milestone.title}
            )
            return _back(cycle.pk)
    elif not body_may(request, MILESTONE_MANAGE):
        raise PermissionDenied
    return render_overview(request, cycle, milestone_form=form, status=400)


@require_POST
@member_view
def milestone_mark_done(request: HttpRequest, pk: int, milestone: int) -> HttpResponse:
    """Mark a milestone done; its task is closed and no longer reminded."""
    found = _milestone(request, pk, milestone)
    try:
        milestone_done(acting_user=request.user, milestone=found)  # type: ignore[arg-type]
    except MilestoneNotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("Der Termin „%(title)s“ ist erledigt.") % {"title": found.title})
    return _back(pk)


@require_POST
@member_view
def milestone_delete(request: HttpRequest, pk: int, milestone: int) -> HttpResponse:
    """Remove a milestone that is not done; its open task is cancelled."""
    cycle = _cycle(request, pk)
    found = (
        CycleMilestone.objects.select_related("cycle", "body")
        .filter(pk=milestone, cycle_id=cycle.pk)
        .first()
    )
    if found is None:
        if not body_may(request, MILESTONE_MANAGE):
            raise PermissionDenied
        # Posted twice: the first request removed it.
        messages.info(request, _("Der Termin ist bereits entfernt."))
        return _back(pk)
    try:
        milestone_remove(acting_user=request.user, milestone=found)  # type: ignore[arg-type]
    except MilestoneNotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    except CalendarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Der Termin „%(title)s“ ist entfernt.") % {"title": found.title}
        )
    return _back(pk)
