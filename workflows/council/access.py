"""Who of a body sees which papers, steps and agenda items (the gate's rules).

Registered as the workflows' `visibility` and used by the council pages: the access gate
(`workflows.access`) has already kept only the user's body. Public papers are seen by
every user of the body; non-public ones by holders of `paper_view_nonpublic` on the body
(management, strategy unit, council office), by the secretaries of a committee that
deliberates them, and by the members of such a committee (their person's membership).
The public (OParl, the public pages) never sees a non-public paper: see `public_papers`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from planning_cycle.models import BodyUserObjectPermission, RoleAssignment, User

VIEW_NONPUBLIC = "paper_view_nonpublic"


def sees_nonpublic(user: User) -> Q:
    """Return a condition true for holders of `paper_view_nonpublic` on the user's body."""
    held = BodyUserObjectPermission.objects.filter(
        user_id=user.pk or 0,
        permission__codename=VIEW_NONPUBLIC,
        permission__content_type__app_label="planning_cycle",
        content_object_id=user.body_id,
    )
    return Q(Exists(held))


def in_own_committees(user: User, field: str = "committee_id") -> Q:
    """Return a condition true where `field` names a committee of the user's (no query yet)."""
    from .models import Membership

    clerk = RoleAssignment.objects.filter(user_id=user.pk or 0, committee__isnull=False)
    member = Membership.objects.filter(person__user_id=user.pk or 0, deleted=False)
    # Two subqueries rather than the union: a compound query cannot be a subquery here.
    return Q(**{f"{field}__in": clerk.values("committee_id")}) | Q(
        **{f"{field}__in": member.values("committee_id")}
    )


def papers_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep public papers, and non-public ones the user may read."""
    from .models import ConsultationStep

    deliberated = ConsultationStep.objects.filter(
        in_own_committees(user), paper_id=OuterRef("pk"), deleted=False
    )
    return queryset.filter(deleted=False).filter(
        Q(public=True) | sees_nonpublic(user) | Q(Exists(deliberated))
    )


def steps_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep the steps of the papers the user sees."""
    from .models import Paper

    return queryset.filter(deleted=False, paper__in=papers_visible(Paper.objects.all(), user))


def meetings_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep every meeting of the body (their dates are public)."""
    return queryset


def agenda_items_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep public items, and non-public ones of committees the user may read."""
    return queryset.filter(deleted=False).filter(
        Q(public=True) | sees_nonpublic(user) | in_own_committees(user, "meeting__committee_id")
    )


def public_papers(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Keep what the public may see: public papers that are not deleted."""
    return queryset.filter(public=True, deleted=False)
