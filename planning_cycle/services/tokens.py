"""Create and revoke personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from planning_cycle.models import ApiToken, Role, TokenScope, User
from planning_cycle.selectors.users import user_roles

TOKEN_PREFIX = "pc_"
MAX_NAME_LENGTH = 100
# A token without an end date is allowed, but none may run longer than this.
MAX_LIFETIME = dt.timedelta(days=2 * 365)
# The roles that use the API (docs/api.md): every role of the administration and the
# council. External stakeholders have no API use: no tokens, no API calls.
API_ROLES = frozenset(role.value for role in Role if role != Role.EXTERNAL_STAKEHOLDER)


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


def has_api_use(user: User) -> bool:
    """Tell whether the user may use the API: a body member holding one of the API roles."""
    return bool(user_roles(user) & API_ROLES)


def max_active_tokens() -> int:
    """Return how many usable tokens one user may hold at once."""
    return int(settings.API_TOKENS_PER_USER)


def api_token_create(
    *, acting_user: User, name: str, scope: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the acting user; return it and its secret (shown once only)."""
    body_id = acting_user.body_id
    if body_id is None:
        raise TokenError(_("Nur Mitglieder einer Kommune können API-Schlüssel erstellen."))
    if not has_api_use(acting_user):
        raise TokenError(
            _("Ihre Rolle hat keinen Zugang zur API; Sie können keine API-Schlüssel erstellen."),
            status=403,
        )
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
    limit = max_active_tokens()
    with transaction.atomic():
        # The user's row is the lock: two creations at once count one after the other.
        User.objects.select_for_update().filter(pk=acting_user.pk).first()
        active = (
            ApiToken.objects.filter(user_id=acting_user.pk, revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .count()
        )
        if active >= limit:
            raise TokenError(
                _(
                    "Sie haben bereits %(limit)s gültige API-Schlüssel; mehr sind nicht möglich. "
                    "Widerrufen Sie zuerst einen Schlüssel, den Sie nicht mehr brauchen."
                )
                % {"limit": limit},
                status=409,
            )
        token = _token_insert(
            acting_user=acting_user,
            body_id=body_id,
            name=name,
            scope=scope,
            secret=secret,
            now=now,
            expires_at=expires_at,
        )
    return token, secret


def _token_insert(
    *,
    acting_user: User,
    body_id: int,
    name: str,
    scope: str,
    secret: str,
    now: dt.datetime,
    expires_at: dt.datetime | None,
) -> ApiToken:
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                body_id=body_id,
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
    return token


def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the acting user's tokens; revoking twice changes nothing."""
    if token.user_id != acting_user.pk:
        raise TokenError(_("Dieser Schlüssel gehört nicht Ihnen."), status=404)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
