"""What every consultation page shares: who may reach it at all, and the acting user."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from planning_cycle.models import User

View = Callable[..., HttpResponseBase]


def participant_view(view: View) -> View:
    """Require a logged-in member of a body; unlike `member_view`, external invitees too.

    What they may see of a round is the access gate's to say (404 otherwise).
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "body_id", None) is None:
            return render(request, "notices/no_body.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def request_user(request: HttpRequest) -> User:
    """Return the logged-in user (the decorator made sure there is one)."""
    return request.user  # type: ignore[return-value]
