"""API authentication by personal token, and the permission every API view needs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from planning_cycle.models import ApiToken, TokenScope, User
from planning_cycle.services.tokens import token_hash


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`: a personal API token, looked up by its hash."""

    keyword = "bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Der Kopf „Authorization“ muss „Bearer <Schlüssel>“ lauten.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Ungültiger API-Schlüssel.")) from None
        token = (
            ApiToken.objects.select_related("user").filter(token_hash=token_hash(secret)).first()
        )
        if token is None or not token.is_usable() or not token.user.is_active:
            # One answer for unknown, revoked and expired: nothing to learn by guessing.
            raise exceptions.AuthenticationFailed(
                _("Ungültiger, abgelaufener oder widerrufener API-Schlüssel.")
            )
        return token.user, token  # type: ignore[return-value]

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class IsBodyMember(permissions.BasePermission):
    """A logged-in (or token-holding) member of a body; read-only tokens only read."""

    message = gettext_lazy("Für die API braucht es ein Benutzerkonto einer Kommune.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(user, "body_id", None) is None:
            return False
        auth = request.auth
        if (
            isinstance(auth, ApiToken)
            and auth.scope == TokenScope.READ
            and request.method not in permissions.SAFE_METHODS
        ):
            raise exceptions.PermissionDenied(
                _(
                    "Dieser API-Schlüssel darf nur lesen; zum Ändern braucht es einen Schlüssel "
                    "mit der Berechtigung „lesen und schreiben“."
                )
            )
        return True
