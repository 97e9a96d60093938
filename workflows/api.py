"""API resources of the workflows: reviews, plans, goal agreements and their transitions.

Everything goes through the selectors and services the pages use: objects are read in the
user's body only (another body's object is not found), drafts and returned submissions
only by those who may see drafts (their department, management, strategy unit); content
edits go through `workflows.services.content`, transitions through `transition_fire`,
with one prefetched permission checker per request.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import URLPattern, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from guardian.core import ObjectPermissionChecker
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from planning_cycle.api.auth import IsBodyMember
from planning_cycle.api.errors import DomainError
from planning_cycle.models import (
    BodyUserObjectPermission,
    Department,
    DepartmentUserObjectPermission,
    OperativeGoal,
    PlanningCycle,
    User,
)
from planning_cycle.selectors.users import is_external_only, user_roles
from workflows.models import (
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    Outcome,
)
from workflows.permissions import permission_checker
from workflows.selectors import DISPLAY_RELATED, UNRELEASED_STATES, VIEW_DRAFTS, content_visible
from workflows.services.content import (
    AGREEMENT_FIELDS,
    TEXT_MAX_LENGTH,
    ContentError,
    agreement_propose,
    agreement_update,
    plan_update,
    review_update,
)
from workflows.services.transitions import (
    MAX_TEXT_LENGTH,
    CommentRequired,
    TransitionError,
    state_field,
    transition_fire,
    transitions_available,
)

# Ids in paths and parameters: up to 18 digits, so that no database integer overflows.
MAX_ID = 10**18 - 1
ID_PATTERN = "[0-9]{1,18}"


class BoundedIdMixin:
    """Answer 404 for an id in the path that is no id (letters, or too long for the database)."""

    kwargs: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        pk = self.kwargs.get("pk")
        if pk is not None and not re.fullmatch(ID_PATTERN, str(pk)):
            raise exceptions.NotFound(_("Nicht gefunden."))


# ---------------------------------------------------------------------------------------
# Request helpers: the one checker, body scoping, visibility of drafts


def request_checker(request: Request) -> ObjectPermissionChecker:
    """Return the request's one permission checker (prefetched on first use)."""
    checker = getattr(request, "_api_permission_checker", None)
    if checker is None:
        checker = permission_checker(request.user)  # type: ignore[arg-type]
        request._api_permission_checker = checker  # type: ignore[attr-defined]
    return checker


def request_body_id(request: Request) -> int:
    value = getattr(request.user, "body_id", None)
    if value is None:  # pragma: no cover - IsBodyMember refuses first
        raise exceptions.PermissionDenied
    return int(value)


class IsWorkflowReader(IsBodyMember):
    """A member of a body who is not only an external stakeholder (they see a notice only)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if is_external_only(user_roles(request.user)):  # type: ignore[arg-type]
            raise exceptions.PermissionDenied(
                _("Externe Beteiligte sehen die Planung erst mit den Beteiligungsrunden.")
            )
        return True


def visible_queryset(model: type[models.Model], request: Request) -> models.QuerySet[Any]:
    """The body's rows of a workflow model the user may see, loaded for display and checks.

    The rule of `workflows.selectors.content_visible`, in SQL so that a list costs one
    query: drafts and returned submissions only for holders of "view_drafts" on their
    department (its own roles) or on the body (management, strategy unit). Roles grant
    their permissions as guardian user object permissions (`role_assign`).
    """
    body = request_body_id(request)
    queryset = model._default_manager.filter(body_id=body).select_related(*DISPLAY_RELATED[model])
    unreleased = UNRELEASED_STATES.get(model)
    if not unreleased:
        return queryset
    app_label, codename = VIEW_DRAFTS.split(".")
    user_id = request.user.pk or 0
    on_department = DepartmentUserObjectPermission.objects.filter(
        user_id=user_id,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_object_id=OuterRef("department_id"),
    )
    on_body = BodyUserObjectPermission.objects.filter(
        user_id=user_id,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_object_id=body,
    )
    field = state_field(model).attname
    return queryset.filter(
        ~Q(**{f"{field}__in": list(unreleased)}) | Exists(on_body) | Exists(on_department)
    )


def body_queryset(model: type[models.Model], request: Request) -> models.QuerySet[Any]:
    """The body's rows of a workflow model, as the web's transition endpoint finds them."""
    return model._default_manager.filter(body_id=request_body_id(request)).select_related(
        *DISPLAY_RELATED[model]
    )


def state_label(model: type[models.Model], state: str) -> str:
    return str(dict(state_field(model).choices or []).get(state, state))


def transition_names(model: type[models.Model]) -> list[str]:
    return sorted({t.name for t in state_field(model).get_all_transitions(model)})


# ---------------------------------------------------------------------------------------
# Serializers


def state_choice_field(model: type[models.Model], key: str, **kwargs: Any) -> Any:
    """A choice field of the model's states, one named enum per use in the schema.

    Each use gets its own enum id: the same states under two property names (`state`,
    `expected_state`) would otherwise make drf-spectacular guess a hashed name.
    """
    choices = list(state_field(model).choices or [])
    schema: dict[str, Any] = {
        "type": "string",
        "enum": [value for value, _label in choices],
        "x-spec-enum-id": key,
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
    }
    if kwargs.get("allow_null"):
        schema["nullable"] = True
    field_class = extend_schema_field(schema)(
        type(f"{key}ChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


class DepartmentRefSerializer(serializers.Serializer[Department]):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CycleRefSerializer(serializers.Serializer[PlanningCycle]):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class OperativeGoalRefSerializer(serializers.Serializer[OperativeGoal]):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class _WorkflowSerializer(serializers.ModelSerializer[Any]):
    cycle = CycleRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    state_label = serializers.SerializerMethodField()

    def get_state_label(self, obj: models.Model) -> str:
        return state_label(type(obj), str(state_field(type(obj)).value_from_object(obj)))


class ReviewSerializer(_WorkflowSerializer):
    state = state_choice_field(DepartmentReview, "review-state", read_only=True)

    class Meta:
        model = DepartmentReview
        fields = ["id", "cycle", "department", "state", "state_label", "summary", "updated_at"]
        read_only_fields = fields


class PlanSerializer(_WorkflowSerializer):
    state = state_choice_field(DepartmentPlan, "plan-state", read_only=True)

    class Meta:
        model = DepartmentPlan
        fields = ["id", "cycle", "department", "state", "state_label", "summary", "updated_at"]
        read_only_fields = fields


class AgreementSerializer(_WorkflowSerializer):
    state = state_choice_field(GoalAgreement, "agreement-state", read_only=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True, allow_blank=True)
    operative_goal = OperativeGoalRefSerializer(read_only=True)
    carried_over_from = serializers.IntegerField(
        source="carried_over_from_id", read_only=True, allow_null=True
    )

    class Meta:
        model = GoalAgreement
        fields = [
            "id",
            "cycle",
            "department",
            "operative_goal",
            "state",
            "state_label",
            "outcome",
            *AGREEMENT_FIELDS,
            "carried_over_from",
            "updated_at",
        ]
        read_only_fields = fields


def _text(label: Any) -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=TEXT_MAX_LENGTH,
        label=label,
    )


class _ContentUpdateSerializer(serializers.Serializer[Any]):
    expected_updated_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "Der Stand („updated_at“), den Sie bearbeitet haben; wurde der Inhalt inzwischen "
            "geändert, wird nichts gespeichert (409)."
        ),
    )


class SummaryUpdateSerializer(_ContentUpdateSerializer):
    summary = _text(_("Text"))


class AgreementUpdateSerializer(_ContentUpdateSerializer):
    balance = _text(GoalAgreement._meta.get_field("balance").verbose_name)
    effects = _text(GoalAgreement._meta.get_field("effects").verbose_name)
    programmes = _text(GoalAgreement._meta.get_field("programmes").verbose_name)
    processes = _text(GoalAgreement._meta.get_field("processes").verbose_name)
    resources = _text(GoalAgreement._meta.get_field("resources").verbose_name)


class AgreementProposeSerializer(serializers.Serializer[Any]):
    cycle = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("Planungszyklus"))
    operative_goal = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, label=_("Operatives Ziel")
    )
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, label=_("Organisationseinheit")
    )


class TransitionOptionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    target = serializers.CharField(read_only=True)
    target_label = serializers.CharField(read_only=True)
    comment_required = serializers.BooleanField(read_only=True)
    enabled = serializers.BooleanField(
        read_only=True, help_text=_("Kann jetzt ausgelöst werden (ggf. mit Begründung).")
    )
    blocked_by = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Was den Schritt blockiert.")
    )
    overridable = serializers.BooleanField(
        read_only=True,
        help_text=_("Blockiert, aber mit Begründung („override_reason“) trotzdem möglich."),
    )


class TransitionResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True, help_text=_("Das Objekt."))
    transition = serializers.CharField(read_only=True)
    source_state = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True, help_text=_("Der neue Status."))
    state_label = serializers.CharField(read_only=True)
    history_id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


def _fire_serializer(model: type[models.Model], prefix: str) -> type[serializers.Serializer[Any]]:
    """A request body of a transition, with the model's states for `expected_state`."""
    attrs: dict[str, Any] = {
        "comment": serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=MAX_TEXT_LENGTH,
            label=_("Kommentar"),
        ),
        "override_reason": serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=MAX_TEXT_LENGTH,
            label=_("Begründung für das Übergehen offener Punkte"),
        ),
        "expected_state": state_choice_field(
            model,
            f"{prefix.lower()}-expected-state",
            required=False,
            allow_null=True,
            default=None,
            help_text=_(
                "Der Status, den Sie gesehen haben; steht das Objekt inzwischen anders, "
                "wird nichts ausgelöst (409)."
            ),
        ),
    }
    return type(f"{prefix}TransitionFireSerializer", (serializers.Serializer,), attrs)


FIRE_SERIALIZERS: dict[type[models.Model], type[serializers.Serializer[Any]]] = {
    PlanningCycle: _fire_serializer(PlanningCycle, "Cycle"),
    DepartmentReview: _fire_serializer(DepartmentReview, "Review"),
    DepartmentPlan: _fire_serializer(DepartmentPlan, "Plan"),
    GoalAgreement: _fire_serializer(GoalAgreement, "Agreement"),
}


# The rows of a list, shaped as the serializers above shape one object (asserted in tests).
_REFS: dict[str, tuple[str, ...]] = {
    "cycle": ("id", "year", "title"),
    "department": ("id", "code", "name"),
    "operative_goal": ("id", "number", "title"),
}
_DATETIME = serializers.DateTimeField()


def _list_fields(model: type[models.Model]) -> list[str]:
    return list(LIST_SERIALIZERS[model].Meta.fields)


def _list_columns(model: type[models.Model]) -> list[str]:
    columns = []
    for name in _list_fields(model):
        if name in _REFS:
            columns += [f"{name}__{part}" for part in _REFS[name]]
        elif name == "carried_over_from":
            columns.append("carried_over_from_id")
        elif name != "state_label":
            columns.append(name)
    return columns


def list_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shape value rows of a workflow model like its serializer shapes an object."""
    labels = {value: str(label) for value, label in state_field(model).choices or []}
    fields = _list_fields(model)
    result = []
    for row in rows:
        out: dict[str, Any] = {}
        for name in fields:
            if name in _REFS:
                out[name] = {part: row[f"{name}__{part}"] for part in _REFS[name]}
            elif name == "state_label":
                out[name] = labels.get(row["state"], row["state"])
            elif name == "carried_over_from":
                out[name] = row["carried_over_from_id"]
            elif name == "updated_at":
                out[name] = _DATETIME.to_representation(row[name])
            else:
                out[name] = row[name]
        result.append(out)
    return result


LIST_SERIALIZERS: dict[type[models.Model], Any] = {
    DepartmentReview: ReviewSerializer,
    DepartmentPlan: PlanSerializer,
    GoalAgreement: AgreementSerializer,
}


# ---------------------------------------------------------------------------------------
# Errors of the services as problem details


def content_problem(exc: ContentError) -> exceptions.APIException:
    if exc.field:
        return serializers.ValidationError({exc.field: [exc.message]})
    return DomainError(exc.message, status_code=exc.status)


def transition_problem(exc: TransitionError) -> exceptions.APIException:
    if isinstance(exc, CommentRequired):
        return serializers.ValidationError({"comment": [exc.message]})
    return DomainError(exc.message, status_code=exc.status, reasons=exc.reasons)


# ---------------------------------------------------------------------------------------
# Transitions, shared by the object viewsets and the cycle viewset


def _options(request: Request, obj: models.Model) -> list[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    checker = request_checker(request)
    if not content_visible(user, checker, obj):
        return []
    return [
        {
            "name": o.name,
            "label": o.label,
            "target": o.target,
            "target_label": o.target_label,
            "comment_required": o.comment_required,
            "enabled": o.enabled,
            "blocked_by": list(o.blocked_by),
            "overridable": o.overridable,
        }
        for o in transitions_available(user=user, obj=obj, checker=checker)
    ]


def _fire(request: Request, obj: models.Model, name: str) -> Response:
    model = type(obj)
    data = FIRE_SERIALIZERS[model](data=request.data)
    data.is_valid(raise_exception=True)
    try:
        result = transition_fire(
            acting_user=request.user,  # type: ignore[arg-type]
            obj=obj,
            transition=name,
            comment=data.validated_data["comment"],
            override_reason=data.validated_data["override_reason"],
            expected_state=data.validated_data["expected_state"],
            checker=request_checker(request),
        )
    except TransitionError as exc:
        raise transition_problem(exc) from exc
    log = result.log
    return Response(
        TransitionResultSerializer(
            {
                "id": result.obj.pk,
                "transition": log.transition,
                "source_state": log.source_state,
                "state": log.target_state,
                "state_label": state_label(model, log.target_state),
                "history_id": log.pk,
                "created_at": log.created_at,
            }
        ).data
    )


def _name_parameter(model: type[models.Model]) -> OpenApiParameter:
    return OpenApiParameter(
        "name",
        str,
        OpenApiParameter.PATH,
        enum=transition_names(model),
        description=str(_("Der Name des Schritts, wie ihn „transitions/“ nennt.")),
    )


NAME_PATTERN = r"transitions/(?P<name>[a-z_]+)"


def transition_actions(model: type[models.Model]) -> tuple[Any, Any]:
    """Return the two transition actions of a workflow viewset for `model`."""

    @extend_schema(
        request=None,
        responses=TransitionOptionSerializer(many=True),
        summary="List the transitions you may fire now, and what blocks the others",
    )
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self: Any, request: Request, pk: str | None = None) -> Response:
        """List the transitions this user may fire now, with what blocks the others."""
        obj = self.get_transition_object()
        return Response(TransitionOptionSerializer(_options(request, obj), many=True).data)

    @extend_schema(
        request=FIRE_SERIALIZERS[model],
        responses=TransitionResultSerializer,
        parameters=[_name_parameter(model)],
        summary="Fire a transition through the transition service",
    )
    @action(detail=True, methods=["post"], url_path=NAME_PATTERN, pagination_class=None)
    def fire(self: Any, request: Request, pk: str | None = None, name: str = "") -> Response:
        """Fire a transition through the transition service; answers the new state."""
        return _fire(request, self.get_transition_object(), name)

    return transitions, fire


# ---------------------------------------------------------------------------------------
# Filters


def _state_filter(model: type[models.Model]) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=state_field(model).choices or [])


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id; anything else (or one out of range) is a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _WorkflowFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label=_("Planungszyklus (ID)"))
    department = IdFilter(field_name="department_id", label=_("Organisationseinheit (ID)"))


class ReviewFilter(_WorkflowFilter):
    state = _state_filter(DepartmentReview)

    class Meta:
        model = DepartmentReview
        fields = ["cycle", "department", "state"]


class PlanFilter(_WorkflowFilter):
    state = _state_filter(DepartmentPlan)

    class Meta:
        model = DepartmentPlan
        fields = ["cycle", "department", "state"]


class AgreementFilter(_WorkflowFilter):
    state = _state_filter(GoalAgreement)
    operative_goal = IdFilter(field_name="operative_goal_id", label=_("Operatives Ziel (ID)"))

    class Meta:
        model = GoalAgreement
        fields = ["cycle", "department", "operative_goal", "state"]


# ---------------------------------------------------------------------------------------
# Viewsets


class _WorkflowViewSet(
    BoundedIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Any],
):
    model: type[models.Model]
    permission_classes = [IsWorkflowReader]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return visible_queryset(self.model, self.request)

    def get_transition_object(self) -> models.Model:
        """The object as the web's transition endpoint finds it: in the body, any state."""
        queryset = body_queryset(self.model, self.request)
        obj = queryset.filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return obj  # type: ignore[no-any-return]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One page of rows read as values and shaped like the serializer's output.

        Long lists are read without model instances and DRF fields (the goal-agreement
        list is benchmarked, 100 per page): `list_rows` gives what the serializer gives.
        """
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values(*_list_columns(self.model)))
        assert page is not None  # every list is paginated
        return self.get_paginated_response(list_rows(self.model, page))

    def _update(self, request: Request, apply: Any) -> Response:
        obj = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            apply(obj, data.validated_data)
        except ContentError as exc:
            raise content_problem(exc) from exc
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.response_serializer(fresh).data)

    response_serializer: type[serializers.Serializer[Any]]


@extend_schema_view(
    list=extend_schema(summary="List the goal reviews of the user's body"),
    retrieve=extend_schema(summary="Read one goal review"),
)
class ReviewViewSet(_WorkflowViewSet):
    """The departments' goal reviews of the user's body."""

    model = DepartmentReview
    queryset = DepartmentReview.objects.none()
    filterset_class = ReviewFilter
    response_serializer = ReviewSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return SummaryUpdateSerializer
        return ReviewSerializer

    @extend_schema(
        request=SummaryUpdateSerializer,
        responses=ReviewSerializer,
        summary="Write a goal review's text (draft or returned)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the review's text while it is a draft or returned."""

        def apply(obj: DepartmentReview, data: dict[str, Any]) -> None:
            review_update(
                acting_user=request.user,  # type: ignore[arg-type]
                review=obj,
                summary=data.get("summary", obj.summary),
                expected_updated_at=data.get("expected_updated_at"),
                checker=request_checker(request),
            )

        return self._update(request, apply)

    transitions, fire = transition_actions(DepartmentReview)


@extend_schema_view(
    list=extend_schema(summary="List the goal and budget plans of the user's body"),
    retrieve=extend_schema(summary="Read one goal and budget plan"),
)
class PlanViewSet(_WorkflowViewSet):
    """The departments' goal and budget plans of the user's body."""

    model = DepartmentPlan
    queryset = DepartmentPlan.objects.none()
    filterset_class = PlanFilter
    response_serializer = PlanSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return SummaryUpdateSerializer
        return PlanSerializer

    @extend_schema(
        request=SummaryUpdateSerializer,
        responses=PlanSerializer,
        summary="Write a plan's text (draft or returned)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the plan's text while it is a draft or returned."""

        def apply(obj: DepartmentPlan, data: dict[str, Any]) -> None:
            plan_update(
                acting_user=request.user,  # type: ignore[arg-type]
                plan=obj,
                summary=data.get("summary", obj.summary),
                expected_updated_at=data.get("expected_updated_at"),
                checker=request_checker(request),
            )

        return self._update(request, apply)

    transitions, fire = transition_actions(DepartmentPlan)


@extend_schema_view(
    list=extend_schema(summary="List the goal agreements of the user's body"),
    retrieve=extend_schema(summary="Read one goal agreement"),
)
class AgreementViewSet(_WorkflowViewSet):
    """The goal agreements of the user's body."""

    model = GoalAgreement
    queryset = GoalAgreement.objects.none()
    filterset_class = AgreementFilter
    response_serializer = AgreementSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return AgreementUpdateSerializer
        if self.action == "create":
            return AgreementProposeSerializer
        return AgreementSerializer

    @extend_schema(
        request=AgreementUpdateSerializer,
        responses=AgreementSerializer,
        summary="Write a goal agreement's five answers (proposed or returned)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the agreement's five answers while it is proposed or returned."""

        def apply(obj: GoalAgreement, data: dict[str, Any]) -> None:
            agreement_update(
                acting_user=request.user,  # type: ignore[arg-type]
                agreement=obj,
                **{name: data.get(name, getattr(obj, name)) for name in AGREEMENT_FIELDS},
                expected_updated_at=data.get("expected_updated_at"),
                checker=request_checker(request),
            )

        return self._update(request, apply)

    @extend_schema(
        request=AgreementProposeSerializer,
        responses={201: AgreementSerializer},
        summary="Propose a goal agreement of a department on an operative goal",
    )
    def create(self, request: Request) -> Response:
        """Propose a goal agreement of a department on an operative goal in a cycle."""
        data = AgreementProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = request_body_id(request)
        values = data.validated_data
        cycle = PlanningCycle.objects.filter(body_id=body, pk=values["cycle"]).first()
        goal = OperativeGoal.objects.filter(body_id=body, pk=values["operative_goal"]).first()
        department = Department.objects.filter(body_id=body, pk=values["department"]).first()
        missing = {
            name: [str(_("Gibt es in Ihrer Kommune nicht."))]
            for name, found in (
                ("cycle", cycle),
                ("operative_goal", goal),
                ("department", department),
            )
            if found is None
        }
        if missing:
            raise serializers.ValidationError(missing)
        assert cycle is not None and goal is not None and department is not None
        try:
            created = agreement_propose(
                acting_user=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                operative_goal=goal,
                department=department,
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise content_problem(exc) from exc
        fresh = body_queryset(GoalAgreement, request).get(pk=created.pk)
        return Response(AgreementSerializer(fresh).data, status=status.HTTP_201_CREATED)

    transitions, fire = transition_actions(GoalAgreement)


class CycleTransitionViewSet(viewsets.ViewSet):
    """The transitions of a planning cycle (from phase to phase)."""

    permission_classes = [IsWorkflowReader]
    pagination_class = None

    def _cycle(self) -> PlanningCycle:
        cycle = PlanningCycle.objects.filter(
            body_id=request_body_id(self.request), pk=self.kwargs["pk"]
        ).first()
        if cycle is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return cycle

    @extend_schema(
        operation_id="cycles_transitions_list",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=TransitionOptionSerializer(many=True),
        summary="List the transitions you may fire now, and what blocks the others",
    )
    def list(self, request: Request, pk: str) -> Response:
        """List the phase transitions this user may fire now, with what blocks them."""
        return Response(
            TransitionOptionSerializer(_options(request, self._cycle()), many=True).data
        )

    @extend_schema(
        operation_id="cycles_transitions_fire",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            _name_parameter(PlanningCycle),
        ],
        request=FIRE_SERIALIZERS[PlanningCycle],
        responses=TransitionResultSerializer,
        summary="Fire a transition through the transition service",
    )
    def fire(self, request: Request, pk: str, name: str) -> Response:
        """Move the cycle on through the transition service; answers its new phase."""
        return _fire(request, self._cycle(), name)


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register this module's viewsets; return any extra URL patterns."""
    router.register("reviews", ReviewViewSet, basename="department-review")
    router.register("plans", PlanViewSet, basename="department-plan")
    router.register("goal-agreements", AgreementViewSet, basename="goal-agreement")
    return [
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/transitions/$",
            CycleTransitionViewSet.as_view({"get": "list"}, basename="cycle-transition"),
            name="cycle-transition-list",
        ),
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/transitions/(?P<name>[a-z_]+)/$",
            CycleTransitionViewSet.as_view({"post": "fire"}, basename="cycle-transition"),
            name="cycle-transition-fire",
        ),
    ]
