"""The engine's web helpers: finding a workflow object for a request, and its addresses."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.urls import reverse

from workflows.access import workflow_visible
from workflows.registry import workflow_of


def workflow_queryset(model: type[models.Model], request: HttpRequest) -> models.QuerySet[Any]:
    """Return the objects the request's user may see (the access gate), loaded for checks."""
    return workflow_visible(model, user=request.user)  # type: ignore[arg-type]


def object_url(obj: models.Model) -> str:
    """Return the page of a workflow object (the generic page if it has none of its own)."""
    return workflow_of(obj).detail_path(obj.pk)


def transition_url(obj: models.Model) -> str:
    """Return the endpoint that fires the object's transitions."""
    return reverse("workflows:transition", args=[workflow_of(obj).slug, obj.pk])
