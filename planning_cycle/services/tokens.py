"""Create and revoke personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planning_cycle.models import ApiToken, TokenScope, User

TOKEN_PREFIX = "pc_"
MAX_NAME_LENGTH = 100
# A token without an end date is allowed, but none may run longer than this.
MAX_LIFETIME = dt.timedelta(days=2 * 365)


class TokenError(Exception):
    """A token could not be created or revoked; the message says why (and which field)."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def token_hash(secret: str) -> str:
    """Return the stored form of a token's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, acting_user: User, name: str, scope: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the acting user; return it and its secret (shown once only)."""
    if acting_user.body_id is None:
        raise TokenError(_("Nur Mitglieder einer Kommune können API-Schlüssel erstellen."))
    name = name.strip()
    if not name:
        raise TokenError(_("Bitte geben Sie dem Schlüssel eine Bezeichnung."), field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenError(
            _("Die Bezeichnung ist zu lang: höchstens %(limit)s Zeichen.")
            % {"limit": MAX_NAME_LENGTH},
            field="name",
        )
    if any(ord(c) < 32 for c in name):
        raise TokenError(_("Die Bezeichnung enthält ein Steuerzeichen."), field="name")
    if scope not in TokenScope.values:
        raise TokenError(
            _("Unbekannte Berechtigung „%(scope)s“; möglich: %(choices)s.")
            % {"scope": scope, "choices": ", ".join(TokenScope.values)},
            field="scope",
        )
    now = timezone.now()
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise TokenError(_("Das Ablaufdatum braucht eine Zeitzone."), field="expires_at")
        if expires_at <= now:
            raise TokenError(_("Das Ablaufdatum muss in der Zukunft liegen."), field="expires_at")
        if expires_at > now + MAX_LIFETIME:
            raise TokenError(
                _("Ein Schlüssel darf höchstens zwei Jahre gelten."), field="expires_at"
            )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                body_id=acting_user.body_id,
                user=acting_user,
                name=name,
                prefix=secret[: len(TOKEN_PREFIX) + 6],
                token_hash=token_hash(secret),
                scope=scope,
                created_at=now,
                expires_at=expires_at,
            )
    except IntegrityError as exc:
        raise TokenError(
            _("Sie haben bereits einen gültigen Schlüssel mit der Bezeichnung „%(name)s“.")
            % {"name": name},
            field="name",
            status=409,
        ) from exc
    return token, secret


def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the acting user's tokens; revoking twice changes nothing."""
    if token.user_id != acting_user.pk:
        raise TokenError(_("Dieser Schlüssel gehört nicht Ihnen."), status=404)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
