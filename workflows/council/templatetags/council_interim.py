"""The interim report papers of a cycle's milestones, for the links on the cycle's page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import template

from planning_cycle.access import user_may
from planning_cycle.models import CycleMilestone, MilestoneKind
from planning_cycle.permissions import permissions_of_role
from planning_cycle.web import request_checker, request_roles

from ..models import InterimReportPaper, Paper
from ..services.base import MANAGE

register = template.Library()


@dataclass
class InterimLinks:
    """Whether the user may draft papers, and the paper of each milestone that has one."""

    may_create: bool = False
    papers: dict[int, Paper] = field(default_factory=dict)


@register.simple_tag(takes_context=True)
def interim_papers(context: Any, milestones: Iterable[CycleMilestone]) -> InterimLinks:
    """Return the papers drafted for the interim report milestones (one query, if any)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    ids = [m.pk for m in milestones if m.kind == MilestoneKind.INTERIM_REPORT]
    if request is None or user is None or not user.is_authenticated or not ids:
        return InterimLinks()
    rows = InterimReportPaper.objects.filter(milestone_id__in=ids, paper__deleted=False)
    return InterimLinks(
        may_create=user_may(request_checker(request), user, MANAGE, Paper(body_id=user.body_id)),
        papers={r.milestone_id: r.paper for r in rows.select_related("paper") if r.milestone_id},
    )


@register.filter
def paper_for(links: InterimLinks, milestone_id: int) -> Paper | None:
    """Return the paper drafted for a milestone, if any."""
    return links.papers.get(milestone_id)


@register.simple_tag(takes_context=True)
def interim_may_create(context: Any) -> bool:
    """Tell whether the user's roles let them draft papers (the interim report among them).

    From the roles the request has read already rather than a permission checker: this
    only decides whether the link is shown; the page checks the permission itself.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    codename = MANAGE.split(".", 1)[1]
    return bool(user.is_superuser) or any(
        codename in permissions_of_role(role) for role in request_roles(request)
    )
