"""Pagination and filters of the tasks, notifications and deadlines in the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from planning_cycle.api.filters import ApiFilterSet, IdFilter, SortFilter
from planning_cycle.api.pagination import ApiCursorPagination

from ..models import Deadline, Notification, NotificationKind, TaskKind


class DueCursorPagination(ApiCursorPagination):
    """Soonest due first."""

    ordering = ("due_at", "id")


class NewestCursorPagination(ApiCursorPagination):
    ordering = ("-created_at", "-id")


class NotificationFilter(ApiFilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("nur ungelesene (true) / gelesene")
    )
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)
    ordering = SortFilter(model=Notification, fields=("created_at", "kind"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class DeadlineFilter(ApiFilterSet):
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices)
    department = IdFilter(field_name="department_id", label=_("Organisationseinheit (ID)"))
    cycle = IdFilter(field_name="cycle_id", label=_("Planungszyklus (ID)"))
    ordering = SortFilter(
        model=Deadline,
        fields=(
            ("due_at", "due_at"),
            ("opened_at", "opened_at"),
            ("kind", "kind"),
            ("department__code", "department"),
        ),
    )

    class Meta:
        model = Deadline
        fields = ["kind", "department", "cycle"]


class TaskFilter(DeadlineFilter):
    pass
