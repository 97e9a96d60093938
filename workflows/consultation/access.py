"""Who of a body sees which rounds, invitations, statements and evaluations (the gate's rules).

Registered as each workflow's `visibility`: the access gate (`workflows.access`) has already
kept only the user's body. Those who run consultations (`consultation_view` on the body:
the strategy unit, management) see every round and what was given in it; a department or
an organisation sees the rounds it is invited to (once opened), its own invitations and
statements (drafts included), and after conclusion how its statements were weighed; an
evaluating department sees the statements assigned to it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from planning_cycle.models import BodyUserObjectPermission, RoleAssignment, User

from .states import RoundState, StatementState

VIEW_ALL = "consultation_view"


def sees_all(user: User) -> Q:
    """Return a condition true for holders of `consultation_view` on the user's body."""
    held = BodyUserObjectPermission.objects.filter(
        user_id=user.pk or 0,
        permission__codename=VIEW_ALL,
        permission__content_type__app_label="planning_cycle",
        content_object_id=user.body_id,
    )
    return Q(Exists(held))


def _departments(user: User) -> QuerySet[RoleAssignment, Any]:
    return RoleAssignment.objects.filter(user_id=user.pk or 0, department__isnull=False).values(
        "department_id"
    )


def _organisations(user: User) -> QuerySet[RoleAssignment, Any]:
    return RoleAssignment.objects.filter(user_id=user.pk or 0, organisation__isnull=False).values(
        "organisation_id"
    )


def own_invitee(user: User, prefix: str = "") -> Q:
    """Return a condition on rows with `department`/`organisation`: the user's own invitee."""
    return Q(**{f"{prefix}department_id__in": _departments(user)}) | Q(
        **{f"{prefix}organisation_id__in": _organisations(user)}
    )


def rounds_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep the rounds the user runs, is invited to (opened) or evaluates for."""
    from .models import Evaluation, Invitation

    invited = Invitation.objects.filter(own_invitee(user), round_id=OuterRef("pk"))
    evaluating = Evaluation.objects.filter(
        department_id__in=_departments(user), round_id=OuterRef("pk")
    )
    return queryset.filter(
        sees_all(user) | (~Q(state=RoundState.DRAFT) & (Q(Exists(invited)) | Q(Exists(evaluating))))
    )


def invitations_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep all invitations for those who run rounds, else the user's own (opened) ones."""
    return queryset.filter(sees_all(user) | (own_invitee(user) & ~Q(round__state=RoundState.DRAFT)))


def statements_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep the user's own statements, released ones for runners and their evaluators."""
    from .models import Evaluation, Invitation

    released = Q(state=StatementState.RELEASED)
    co_signed = Invitation.objects.filter(own_invitee(user), joint_statements=OuterRef("pk"))
    evaluating = Evaluation.objects.filter(
        department_id__in=_departments(user), statement_id=OuterRef("pk")
    )
    return queryset.filter(
        own_invitee(user)
        | (released & (sees_all(user) | Q(Exists(co_signed)) | Q(Exists(evaluating))))
    )


def evaluations_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep all for runners, the assigned ones for evaluators, own ones once published."""
    published = Q(round__state=RoundState.CONCLUDED) & own_invitee(user, "statement__")
    return queryset.filter(sees_all(user) | Q(department_id__in=_departments(user)) | published)
