"""What every page needs: the request's permission checker, roles, body scoping and links."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from guardian.core import ObjectPermissionChecker

from planning_cycle.selectors.users import is_external_only, user_roles
from workflows.permissions import permission_checker
from workflows.registry import workflow_of

View = Callable[..., HttpResponse]


def request_checker(request: HttpRequest) -> ObjectPermissionChecker:
    """Return the request's one permission checker (prefetched on first use)."""
    checker = getattr(request, "_permission_checker", None)
    if checker is None:
        checker = permission_checker(request.user)  # type: ignore[arg-type]
        request._permission_checker = checker  # type: ignore[attr-defined]
    return checker


def request_roles(request: HttpRequest) -> frozenset[str]:
    """Return the roles of the request's user (read once per request)."""
    roles = getattr(request, "_user_roles", None)
    if roles is None:
        roles = user_roles(request.user)  # type: ignore[arg-type]
        request._user_roles = roles  # type: ignore[attr-defined]
    return roles


def body_id(request: HttpRequest) -> int:
    """Return the id of the body the request's user acts for (member_view ensures one)."""
    value = getattr(request.user, "body_id", None)
    if value is None:
        raise PermissionDenied
    return int(value)


def member_view(view: View) -> View:
    """Require a logged-in member of a body; external stakeholders only get a notice."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "body_id", None) is None:
            return render(request, "notices/no_body.html", status=403)
        if is_external_only(request_roles(request)):
            status = 403 if request.method == "POST" else 200
            return render(request, "notices/external.html", status=status)
        return view(request, *args, **kwargs)

    return wrapper


def workflow_queryset(model: type[models.Model], body: int) -> models.QuerySet[Any]:
    """Return a body's rows of a workflow model, loaded for permission checks."""
    related = workflow_of(model).display_related
    return model._default_manager.filter(body_id=body).select_related(*related)


def object_url(obj: models.Model) -> str:
    """Return the page of a workflow object (the generic page if it has none of its own)."""
    return workflow_of(obj).detail_path(obj.pk)


def transition_url(obj: models.Model) -> str:
    """Return the endpoint that fires the object's transitions."""
    return reverse("transition", args=[workflow_of(obj).slug, obj.pk])


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    """Return value when it is a path on this site, else default."""
    # Only absolute paths: anything else would be taken as a URL name by redirect().
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default
