"""The generic page of a workflow object whose workflow brings no page of its own."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from planning_cycle.web import member_view
from workflows.panels import panel_for
from workflows.registry import UnknownWorkflow, workflow_by_slug
from workflows.web import object_url, workflow_queryset


@member_view
def workflow_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show a workflow object's state, the steps the user may take and its history."""
    try:
        workflow = workflow_by_slug(slug)
    except UnknownWorkflow:
        raise Http404 from None
    if workflow.detail_url_name:
        raise Http404  # it has a page of its own
    obj = get_object_or_404(workflow_queryset(workflow.model, request), pk=pk)
    panel = panel_for(request, obj, next_url=object_url(obj))
    context = {
        "object": obj,
        "object_label": workflow.model._meta.verbose_name,
        "panel": panel,
    }
    return render(request, "workflows/generic_detail.html", context)
