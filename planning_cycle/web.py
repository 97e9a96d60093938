"""What every page and API view needs: the request's permission checker, roles and body."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import get_format
from django.utils.http import url_has_allowed_host_and_scheme
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker
from planning_cycle.selectors.users import is_external_only, user_roles

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


def localised_number(raw: str) -> str:
    """Return a number typed in the user's notation (1.250.000,50 or 1250000.50) with a dot."""
    text = re.sub(r"[\s\u00a0€]", "", raw)
    decimal = str(get_format("DECIMAL_SEPARATOR"))
    thousand = str(get_format("THOUSAND_SEPARATOR"))
    grouped = rf"-?\d{{1,3}}({re.escape(thousand)}\d{{3}})+({re.escape(decimal)}\d*)?"
    if thousand and thousand != decimal and re.fullmatch(grouped, text):
        text = text.replace(thousand, "")
    return text.replace(decimal, ".")
