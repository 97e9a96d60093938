"""Serializers of the tasks, notifications and deadlines in the API."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from guardian.core import ObjectPermissionChecker
from rest_framework import serializers

from planning_cycle.api.fields import choice_field
from planning_cycle.api.input import InputSerializer
from planning_cycle.models import User
from workflows.api.serializers import CycleRefSerializer, DepartmentRefSerializer
from workflows.registry import tasks

from ..models import Audience, Deadline, Notification, NotificationKind, TaskKind
from ..rendering import (
    deadline_subject,
    notification_path,
    notification_text,
    notification_title,
    task_label,
)
from ..services.deadlines import (
    MAX_REASON_LENGTH,
    DeadlineError,
    _check_reason,
)
from ..services.milestones import MILESTONE_TASK_KINDS

LATEST_DUE_DATE = dt.date(2999, 12, 31)


# The deadlines of a cycle's calendar milestones are no workflow's tasks: a type of their own.
MILESTONE_OBJECT_TYPE = "milestone"


@functools.cache
def _object_types() -> dict[str, str]:
    """Map each task kind to the API name of what it is about (a workflow, or a milestone)."""
    types = {task.kind: workflow.api_name.lower() for workflow, task in tasks()}
    types.update(dict.fromkeys(MILESTONE_TASK_KINDS.values(), MILESTONE_OBJECT_TYPE))
    return types


def _reader(
    serializer: serializers.BaseSerializer[Any],
) -> tuple[User | None, ObjectPermissionChecker | None]:
    """Return the requesting user and their checker (the viewset's context holds both)."""
    request, checker = serializer.context.get("request"), serializer.context.get("checker")
    if request is None or checker is None:
        return None, None
    return request.user, checker


class TaskObjectTypeField(serializers.Field):  # type: ignore[type-arg]
    """Which API resource a task is about (its workflow's API name, in lower case)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, deadline: Deadline) -> str:
        return _object_types().get(deadline.kind, deadline.kind.split("_")[0])


def documented_object_types() -> list[str]:
    """Return the object types of the published workflows' tasks (registry order), milestone."""
    published = (w.api_name.lower() for w, _task in tasks() if w.documented)
    return [*dict.fromkeys(published), MILESTONE_OBJECT_TYPE]


class TaskObjectTypeScheme(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Document the object type's values from the registry, so no list is kept by hand."""

    target_class = TaskObjectTypeField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": documented_object_types(),
            "x-spec-enum-id": "task-object-type",
            "readOnly": True,
        }


# ---------------------------------------------------------------------------------------
# Serializers


class DeadlineSerializer(serializers.ModelSerializer[Deadline]):
    """An open task with its due time."""

    kind = choice_field(TaskKind.choices, "task-kind", read_only=True)
    kind_label = serializers.SerializerMethodField()
    audience = choice_field(Audience.choices, "task-audience", read_only=True)
    subject = serializers.SerializerMethodField()
    cycle = CycleRefSerializer(read_only=True, allow_null=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    object_type = TaskObjectTypeField()

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

    # A task of the requesting user names what they may do (a clerk prepares, the head
    # submits); the body's deadline overview names each task as it is.
    for_reader = True

    def get_kind_label(self, deadline: Deadline) -> str:
        reader, checker = _reader(self) if self.for_reader else (None, None)
        return task_label(deadline, reader=reader, checker=checker)

    def get_subject(self, deadline: Deadline) -> str:
        reader, checker = _reader(self) if self.for_reader else (None, None)
        return deadline_subject(deadline, reader=reader, checker=checker)


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
    for_reader = False

    class Meta(DeadlineSerializer.Meta):
        fields = [*DeadlineSerializer.Meta.fields, "extensions"]
        read_only_fields = fields


class DeadlineExtendSerializer(InputSerializer):
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
        _reader_user, checker = _reader(self)
        return notification_title(notification, checker=checker)

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
