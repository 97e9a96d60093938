"""Login and logout with the product's templates; the lockout page and management's unlock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from planning_cycle.models import User
from planning_cycle.selectors.lockouts import locked_out_users
from planning_cycle.services.lockouts import (
    LockoutError,
    login_lockout_release,
    may_release_lockouts,
)
from planning_cycle.services.organisations import invitation_token_generator
from planning_cycle.web import body_id, member_view

USERNAME_MAX_LENGTH = 150


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log out by POST only (Django's default since 5.0)."""


def lockout_minutes() -> int:
    """Return how long a lockout lasts, in whole minutes."""
    cool_off: dt.timedelta = settings.AXES_COOLOFF_TIME
    return max(1, int(cool_off.total_seconds() // 60))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """Answer a refused login (django-axes lockout) with the login page and why (429)."""
    username = str(request.POST.get("username", ""))[:USERNAME_MAX_LENGTH]
    form = AuthenticationForm(request, initial={"username": username})
    lockout = _(
        "Zu viele fehlgeschlagene Anmeldeversuche: Die Anmeldung ist für %(minutes)s Minuten "
        "gesperrt. Bitte versuchen Sie es später erneut. Die Verwaltungsleitung Ihrer Kommune "
        "kann die Sperre früher aufheben."
    ) % {"minutes": lockout_minutes()}
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout": lockout, "next": str(request.POST.get("next", ""))},
        status=429,
    )


@require_http_methods(["GET", "POST"])
@member_view
def login_lockouts(request: HttpRequest) -> HttpResponse:
    """List the body's users locked out of the login; POST `username` lifts one lockout."""
    user: User = request.user  # type: ignore[assignment]
    if not may_release_lockouts(user):
        return render(request, "403.html", status=403)
    if request.method == "POST":
        username = str(request.POST.get("username", ""))[:USERNAME_MAX_LENGTH]
        try:
            login_lockout_release(acting_user=user, username=username)
        except LockoutError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            messages.error(request, exc.message)
            return redirect("login_lockouts")
        messages.success(
            request,
            _("Die Anmeldesperre für „%(username)s“ ist aufgehoben.") % {"username": username},
        )
        return redirect("login_lockouts")
    return render(
        request,
        "account/login_lockouts.html",
        {
            "locked": locked_out_users(body_id(request)),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": lockout_minutes(),
        },
    )


def _user_of_link(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True, body__isnull=False).first()


@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set the password with the one-time link of an invitation e-mail.

    The token hashes the password: once a password is set,
    the link is spent. An invalid or spent link says so (and where to turn) with 404.
    """
    user = _user_of_link(uidb64)
    if user is None or not invitation_token_generator.check_token(user, token):
        return render(request, "account/password_set.html", {"invalid": True}, status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _(
                "Ihr Passwort ist festgelegt. Bitte melden Sie sich mit dem Benutzernamen "
                "%(username)s an."
            )
            % {"username": user.get_username()},
        )
        return redirect("login")
    return render(
        request,
        "account/password_set.html",
        {"form": form, "username": user.get_username()},
        status=400 if request.method == "POST" else 200,
    )
