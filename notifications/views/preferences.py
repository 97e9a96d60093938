"""The notification settings: e-mail mode and language, and the personal calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from planning_cycle.models import User
from planning_cycle.web import member_view

from ..forms import PreferenceForm
from ..selectors import calendar_feed_active, preference_of
from ..services.inbox import (
    InboxError,
    calendar_feed_create,
    calendar_feed_revoke,
    preference_update,
)
from .common import site_url


def _page(
    request: HttpRequest,
    *,
    form: PreferenceForm | None = None,
    feed_url: str = "",
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if form is None:
        preference = preference_of(user)
        form = PreferenceForm(
            initial={"email_mode": preference.email_mode, "language": preference.language}
        )
    response = render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "feed": calendar_feed_active(user),
            "feed_url": feed_url,
            "nav_section": "inbox",
        },
        status=status,
    )
    if feed_url:
        # The secret address is shown once: no cache may keep the page.
        add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@member_view
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Show the settings; POST stores the e-mail mode and language."""
    if request.method != "POST":
        return _page(request)
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        preference_update(
            acting_user=request.user,  # type: ignore[arg-type]
            email_mode=form.cleaned_data["email_mode"],
            language=form.cleaned_data["language"],
        )
    except InboxError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _page(request, form=form, status=exc.status)
    messages.success(request, _("Ihre Einstellungen sind gespeichert."))
    return redirect("notifications:notification_settings")


@require_POST
@member_view
def calendar_create(request: HttpRequest) -> HttpResponse:
    """Create the user's calendar feed (replacing an active one) and show its address once."""
    try:
        _feed, token = calendar_feed_create(acting_user=request.user)  # type: ignore[arg-type]
    except InboxError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:notification_settings")
    url = site_url(request) + reverse("notifications:calendar_feed", kwargs={"token": token})
    return _page(request, feed_url=url)


@require_POST
@member_view
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke the user's calendar feed: its address stops working at once."""
    try:
        revoked = calendar_feed_revoke(acting_user=request.user)  # type: ignore[arg-type]
    except InboxError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:notification_settings")
    if revoked:
        messages.success(
            request,
            _("Das Kalender-Abonnement ist widerrufen. Die bisherige Adresse liefert nichts mehr."),
        )
    else:
        messages.info(request, _("Es gab kein aktives Kalender-Abonnement."))
    return redirect(f"{reverse('notifications:notification_settings')}#kalender")
