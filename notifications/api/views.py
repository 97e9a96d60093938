"""Viewsets of the user's tasks and notifications and of the body's deadlines."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.errors import DomainError
from planning_cycle.api.ids import BoundedIdMixin
from planning_cycle.api.input import refuse_body
from planning_cycle.models import BodyUserObjectPermission, User
from planning_cycle.web import request_checker
from workflows.api.access import IsWorkflowReader

from ..models import Deadline, Notification
from ..selectors import body_deadlines, deadlines_for_user, notifications_of_user
from ..services.deadlines import (
    DeadlineError,
    DeadlineNotPermitted,
    deadline_extend,
    end_of_day,
)
from ..services.inbox import InboxError, notification_mark_read, notifications_mark_all_read
from ..views.common import EXTEND_PERMISSION, MONITOR_PERMISSION
from .filters import (
    DeadlineFilter,
    DueCursorPagination,
    NewestCursorPagination,
    NotificationFilter,
    TaskFilter,
)
from .serializers import (
    BodyDeadlineSerializer,
    DeadlineExtendSerializer,
    DeadlineSerializer,
    MarkedReadSerializer,
    NotificationSerializer,
)


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


@extend_schema_view(
    list=extend_schema(summary="List my open tasks, soonest due first"),
    retrieve=extend_schema(summary="Read one of my open tasks"),
)
class TaskViewSet(
    BoundedIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """The open tasks the user is responsible for, soonest due first."""

    queryset = Deadline.objects.none()
    serializer_class = DeadlineSerializer
    pagination_class = DueCursorPagination
    filterset_class = TaskFilter
    permission_classes = [IsWorkflowReader]

    def get_queryset(self) -> models.QuerySet[Deadline]:
        if getattr(self, "swagger_fake_view", False):
            return Deadline.objects.none()
        return deadlines_for_user(_user(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        # A task names what the requesting user may do: their permissions, read once.
        return {**super().get_serializer_context(), "checker": request_checker(self.request)}


@extend_schema_view(
    list=extend_schema(summary="List my notifications, newest first"),
    retrieve=extend_schema(summary="Read one of my notifications"),
)
class NotificationViewSet(
    BoundedIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """The user's inbox, newest first."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    pagination_class = NewestCursorPagination
    filterset_class = NotificationFilter
    permission_classes = [IsWorkflowReader]

    def get_queryset(self) -> models.QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_of_user(_user(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "checker": request_checker(self.request)}

    @extend_schema(
        request=None, responses=NotificationSerializer, summary="Mark one notification read"
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read (again: no change)."""
        notification = self.get_object()
        refuse_body(request)
        try:
            notification_mark_read(acting_user=_user(request), notification=notification)
        except InboxError as exc:
            raise DomainError(exc.message, status_code=exc.status) from exc
        return Response(
            NotificationSerializer(notification, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=None, responses=MarkedReadSerializer, summary="Mark all my notifications read"
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="read-all",
        pagination_class=None,
        filterset_class=None,
    )
    def read_all(self, request: Request) -> Response:
        """Mark all unread notifications read."""
        refuse_body(request)
        try:
            marked = notifications_mark_all_read(acting_user=_user(request))
        except InboxError as exc:
            raise DomainError(exc.message, status_code=exc.status) from exc
        return Response(MarkedReadSerializer({"marked": marked}).data)


def _body_may(request: Request, perm: str) -> bool:
    """Tell whether the user holds a body-wide permission (one query per request).

    Roles grant body-wide permissions as guardian user object permissions on the body
    (`role_assign`); the deadline service checks them again with the full checker.
    """
    held = getattr(request, "_api_body_perms", None)
    if held is None:
        body = getattr(request.user, "body_id", None)
        held = frozenset(
            f"{app}.{codename}"
            for app, codename in BodyUserObjectPermission.objects.filter(
                user_id=request.user.pk or 0, content_object_id=body or 0
            ).values_list("permission__content_type__app_label", "permission__codename")
        )
        request._api_body_perms = held  # type: ignore[attr-defined]
    return perm in held


@extend_schema_view(
    list=extend_schema(summary="List the open deadlines of the user's body"),
    retrieve=extend_schema(summary="Read one open deadline of the user's body"),
)
class DeadlineViewSet(
    BoundedIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """The body's open deadlines, for management and the strategy unit (as the page)."""

    queryset = Deadline.objects.none()
    serializer_class = BodyDeadlineSerializer
    pagination_class = DueCursorPagination
    filterset_class = DeadlineFilter
    permission_classes = [IsWorkflowReader]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not (_body_may(request, EXTEND_PERMISSION) or _body_may(request, MONITOR_PERMISSION)):
            raise exceptions.PermissionDenied(
                _("Die Fristen der Kommune sehen die Verwaltungsleitung und die Steuerung.")
            )

    def get_queryset(self) -> models.QuerySet[Deadline]:
        if getattr(self, "swagger_fake_view", False):
            return Deadline.objects.none()
        return body_deadlines(int(_user(self.request).body_id or 0))

    @extend_schema(
        request=DeadlineExtendSerializer,
        responses=BodyDeadlineSerializer,
        summary="Extend an open deadline with a reason",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def extend(self, request: Request, pk: str | None = None) -> Response:
        """Extend an open deadline to the end of a later day, with a recorded reason."""
        if not _body_may(request, EXTEND_PERMISSION):
            raise exceptions.PermissionDenied(_("Sie dürfen diese Frist nicht verlängern."))
        deadline = self.get_object()
        data = DeadlineExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            deadline_extend(
                acting_user=_user(request),
                deadline=deadline,
                new_due_at=end_of_day(data.validated_data["new_due_date"]),
                reason=data.validated_data["reason"],
                checker=request_checker(request),
            )
        except DeadlineNotPermitted as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        except DeadlineError as exc:
            # The reason was checked above: the date does not fit, or the task is done.
            still_open = Deadline.objects.filter(pk=deadline.pk, state="open").exists()
            if still_open:
                raise serializers.ValidationError({"new_due_date": [exc.message]}) from exc
            raise DomainError(exc.message, status_code=409) from exc
        fresh = self.get_queryset().get(pk=deadline.pk)
        return Response(BodyDeadlineSerializer(fresh).data)
