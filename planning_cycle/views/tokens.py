"""The personal API tokens page: list my tokens, create one (its secret shown once), revoke."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from planning_cycle.ids import parse_id
from planning_cycle.models import ApiToken, TokenScope, User
from planning_cycle.services.tokens import (
    MAX_NAME_LENGTH,
    TokenError,
    api_token_create,
    has_api_use,
)
from planning_cycle.services.tokens import api_token_revoke as revoke_token
from planning_cycle.web import member_view


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Bezeichnung"),
        max_length=MAX_NAME_LENGTH,
        help_text=gettext_lazy("Wofür der Schlüssel ist, z. B. „Finanzsoftware Istwerte“."),
        error_messages={"required": gettext_lazy("Bitte geben Sie eine Bezeichnung ein.")},
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Berechtigung"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie eine Berechtigung."),
            "invalid_choice": gettext_lazy("Bitte wählen Sie eine der angebotenen Berechtigungen."),
        },
    )
    expires_on = forms.DateField(
        label=gettext_lazy("gültig bis (optional)"),
        required=False,
        help_text=gettext_lazy(
            "Der Schlüssel gilt bis zum Ende dieses Tages; leer: unbefristet (höchstens zwei "
            "Jahre sind möglich)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Bitte geben Sie ein Datum ein.")},
    )


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _page(
    request: HttpRequest,
    *,
    form: TokenForm | None = None,
    created: ApiToken | None = None,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user_id=request.user.pk or 0).order_by("-created_at", "-pk")
    response = render(
        request,
        "account/api_tokens.html",
        {
            "form": form or TokenForm(),
            "tokens": tokens,
            "created": created,
            "secret": secret,
        },
        status=status,
    )
    # The page may show a secret; no cache may keep it.
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@member_view
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List my API tokens; POST creates one (`revoke=<id>` revokes one of mine instead)."""
    user: User = request.user  # type: ignore[assignment]
    if not has_api_use(user):
        return render(request, "notices/no_api.html", status=403)
    if request.method != "POST":
        return _page(request)
    if "revoke" in request.POST:
        return _revoke(request, user)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    expires_on = form.cleaned_data["expires_on"]
    try:
        token, secret = api_token_create(
            acting_user=user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=_end_of_day(expires_on) if expires_on else None,
        )
    except TokenError as exc:
        field = {"expires_at": "expires_on"}.get(exc.field or "", exc.field)
        form.add_error(field if field in form.fields else None, exc.message)
        return _page(request, form=form, status=400 if exc.status == 409 else exc.status)
    return _page(request, created=token, secret=secret)


def _revoke(request: HttpRequest, user: User) -> HttpResponse:
    token_id = parse_id(request.POST["revoke"])
    token = (
        None if token_id is None else ApiToken.objects.filter(user_id=user.pk, pk=token_id).first()
    )
    if token is None:
        messages.error(request, _("Diesen Schlüssel gibt es nicht."))
        return redirect("api_tokens")
    try:
        revoke_token(acting_user=user, token=token)
    except TokenError as exc:
        messages.error(request, exc.message)
        return redirect("api_tokens")
    messages.success(
        request,
        _("Der Schlüssel „%(name)s“ ist widerrufen; er funktioniert ab sofort nicht mehr.")
        % {"name": token.name},
    )
    return redirect("api_tokens")
