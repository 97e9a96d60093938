"""API resources of the notifications: the user's tasks, notifications and deadlines.

Reads go through `notifications.selectors` (already scoped to the user's body), writes
through the inbox and deadline services, as on the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db import models
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from planning_cycle.api.errors import DomainError
from planning_cycle.api.filters import IdFilter
from planning_cycle.api.ids import BoundedIdMixin
from planning_cycle.api.pagination import ApiCursorPagination
from planning_cycle.models import BodyUserObjectPermission, User
from planning_cycle.views.common import request_checker
from workflows.api.access import IsWorkflowReader
from workflows.api.serializers import CycleRefSerializer, DepartmentRefSerializer

from .models import Audience, Deadline, Notification, NotificationKind, TaskKind
from .rendering import deadline_subject, notification_path, notification_text, notification_title
from .selectors import body_deadlines, deadlines_for_user, notifications_of_user
from .services.deadlines import (
    MAX_REASON_LENGTH,
    DeadlineError,
    DeadlineNotPermitted,
    _check_reason,
    deadline_extend,
    end_of_day,
)
from .services.inbox import InboxError, notification_mark_read, notifications_mark_all_read
from .views.common import EXTEND_PERMISSION, MONITOR_PERMISSION

LATEST_DUE_DATE = dt.date(2999, 12, 31)


def choice_field(choices: Any, key: str, **kwargs: Any) -> Any:
    """A choice field with its own named enum in the schema (`key` keeps it apart)."""
    pairs = list(choices)
    schema: dict[str, Any] = {
        "type": "string",
        "enum": [value for value, _label in pairs],
        "x-spec-enum-id": key,
        "description": "\n".join(f"* `{value}` - {label}" for value, label in pairs),
    }
    field_class = extend_schema_field(schema)(
        type(f"{key.title().replace('-', '')}ChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=pairs, **kwargs)


# ---------------------------------------------------------------------------------------
# Serializers


class DeadlineSerializer(serializers.ModelSerializer[Deadline]):
    """An open task with its due time."""

    kind = choice_field(TaskKind.choices, "task-kind", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    audience = choice_field(Audience.choices, "task-audience", read_only=True)
    subject = serializers.SerializerMethodField()
    cycle = CycleRefSerializer(read_only=True, allow_null=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "kind_label",
            "subject",
            "audience",
            "cycle",
            "department",
            "object_type",
            "object_id",
            "url_path",
            "due_at",
            "opened_at",
        ]
        read_only_fields = fields

    def get_subject(self, deadline: Deadline) -> str:
        return deadline_subject(deadline)

    @extend_schema_field(
        {
            "type": "string",
            "enum": ["review", "plan", "agreement"],
            "x-spec-enum-id": "task-object-type",
        }
    )
    def get_object_type(self, deadline: Deadline) -> str:
        """Which API resource the task is about (reviews, plans, goal-agreements)."""
        return deadline.kind.split("_")[0]


class DeadlineExtensionSerializer(serializers.Serializer[Any]):
    previous_due_at = serializers.DateTimeField(read_only=True)
    new_due_at = serializers.DateTimeField(read_only=True)
    reason = serializers.CharField(read_only=True)
    actor = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class BodyDeadlineSerializer(DeadlineSerializer):
    """An open deadline of the body, with its recorded extensions."""

    kind = choice_field(TaskKind.choices, "body-deadline-kind", read_only=True)
    extensions = DeadlineExtensionSerializer(many=True, read_only=True)

    class Meta(DeadlineSerializer.Meta):
        fields = [*DeadlineSerializer.Meta.fields, "extensions"]
        read_only_fields = fields


class DeadlineExtendSerializer(serializers.Serializer[Any]):
    new_due_date = serializers.DateField(
        label=_("Neues Fälligkeitsdatum"),
        help_text=_("Die Frist endet am Ende dieses Tages."),
    )
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH, label=_("Begründung"))

    def validate_new_due_date(self, value: dt.date) -> dt.date:
        # Reminders and escalations count days from the due date: keep it computable.
        if value > LATEST_DUE_DATE:
            raise serializers.ValidationError(
                _("Bitte wählen Sie ein Datum bis spätestens %(date)s.")
                % {"date": LATEST_DUE_DATE.isoformat()}
            )
        return value

    def validate_reason(self, value: str) -> str:
        # The service's own check, here so that its message lands at this field.
        try:
            return _check_reason(value)
        except DeadlineError as exc:
            raise serializers.ValidationError(exc.message) from exc


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    """One message of the user's inbox, in the reader's language."""

    kind = choice_field(NotificationKind.choices, "notification-kind", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    path = serializers.SerializerMethodField()
    deadline = serializers.IntegerField(source="deadline_id", read_only=True, allow_null=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "text",
            "path",
            "deadline",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_title(self, notification: Notification) -> str:
        return notification_title(notification)

    def get_text(self, notification: Notification) -> str:
        return notification_text(notification)

    def get_path(self, notification: Notification) -> str:
        """The site page the notification links to."""
        return notification_path(notification)

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


class MarkedReadSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(
        read_only=True, help_text=_("Wie viele Benachrichtigungen gelesen markiert wurden.")
    )


# ---------------------------------------------------------------------------------------
# Pagination and filters


class DueCursorPagination(ApiCursorPagination):
    """Soonest due first."""

    ordering = ("due_at", "id")


class NewestCursorPagination(ApiCursorPagination):
    ordering = ("-created_at", "-id")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("nur ungelesene (true) / gelesene")
    )
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class DeadlineFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices)
    department = IdFilter(field_name="department_id", label=_("Organisationseinheit (ID)"))
    cycle = IdFilter(field_name="cycle_id", label=_("Planungszyklus (ID)"))

    class Meta:
        model = Deadline
        fields = ["kind", "department", "cycle"]


class TaskFilter(DeadlineFilter):
    pass


# ---------------------------------------------------------------------------------------
# Viewsets


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

    @extend_schema(
        request=None, responses=NotificationSerializer, summary="Mark one notification read"
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read (again: no change)."""
        notification = self.get_object()
        try:
            notification_mark_read(acting_user=_user(request), notification=notification)
        except InboxError as exc:
            raise DomainError(exc.message, status_code=exc.status) from exc
        return Response(NotificationSerializer(notification).data)

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


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register this module's viewsets; return any extra URL patterns."""
    router.register("tasks", TaskViewSet, basename="task")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("deadlines", DeadlineViewSet, basename="deadline")
    return []
