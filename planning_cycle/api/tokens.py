"""The API's own resources: who am I, and my personal tokens."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planning_cycle.models import ApiToken, TokenScope, User
from planning_cycle.services.tokens import TokenError, api_token_create, api_token_revoke

from .errors import DomainError
from .input import InputSerializer, refuse_body


class MeSerializer(serializers.ModelSerializer[User]):
    body = serializers.IntegerField(source="body_id", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "body", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[dict[str, Any]]:
        return [
            {"role": a.role, "department": a.department_id}
            for a in user.roles.all()  # type: ignore[attr-defined]
        ]


class MeView(APIView):
    """The user the request acts for, with their roles."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request: Request) -> Response:
        user = User.objects.prefetch_related("roles").get(pk=request.user.pk or 0)
        return Response(MeSerializer(user).data)


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scope", "created_at", "expires_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_at", "revoked_at"]


class ApiTokenCreateSerializer(InputSerializer):
    name = serializers.CharField(max_length=100, label=_("Bezeichnung"))
    scope = serializers.ChoiceField(choices=TokenScope.choices, label=_("Berechtigung"))
    expires_at = serializers.DateTimeField(required=False, allow_null=True, label=_("gültig bis"))


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text=_("Der Schlüssel; wird nur jetzt gezeigt.")
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ApiToken]
):
    """The requesting user's personal API tokens (created only in a browser session)."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> Any:
        return ApiToken.objects.filter(user_id=self.request.user.pk or 0)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request) -> Response:
        """Create a token; its secret is in the answer, and never again."""
        if isinstance(request.auth, ApiToken):
            # A leaked token must not be able to mint more tokens.
            raise PermissionDenied(_("API-Schlüssel werden nur im angemeldeten Browser erstellt."))
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token, secret = api_token_create(
                acting_user=request.user,  # type: ignore[arg-type]
                name=data.validated_data["name"],
                scope=data.validated_data["scope"],
                expires_at=data.validated_data.get("expires_at"),
            )
        except TokenError as exc:
            if exc.field:
                raise serializers.ValidationError({exc.field: [exc.message]}) from exc
            raise DomainError(exc.message, status_code=exc.status) from exc
        body = ApiTokenCreatedSerializer(token).data
        body["token"] = secret
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """Revoke a token; it stops working at once."""
        token = self.get_object()
        refuse_body(request)
        token = api_token_revoke(acting_user=request.user, token=token)  # type: ignore[arg-type]
        return Response(ApiTokenSerializer(token).data)
