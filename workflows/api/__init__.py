"""API resources of the workflows: every registered workflow and its transitions.

Everything goes through the selectors and services the pages use: objects are read in the
user's body only (another body's object is not found), drafts and returned submissions
only by those who may see drafts (their department, management, strategy unit); content
edits go through the workflows' content services, transitions through `transition_fire`,
with one prefetched permission checker per request. A workflow brings its own viewset, its
own routes, or gets the generic one (list, read, transitions).
"""

from __future__ import annotations

from django.urls import URLPattern
from django.utils.module_loading import import_string
from rest_framework.routers import DefaultRouter

from workflows.registry import workflows


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register the viewsets of every declared workflow; return any extra URL patterns."""
    from .generic import generic_viewset

    extra: list[URLPattern] = []
    for workflow in workflows():
        if workflow.api_register:
            extra += import_string(workflow.api_register)(router)
        elif workflow.api_prefix:
            viewset = (
                import_string(workflow.api_viewset)
                if workflow.api_viewset
                else generic_viewset(workflow)
            )
            router.register(
                workflow.api_prefix,
                viewset,
                basename=workflow.api_basename or workflow.api_prefix,
            )
    return extra
