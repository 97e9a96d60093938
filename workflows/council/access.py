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


def own_committees(user: User) -> QuerySet[Any, Any]:
    """Return the ids of the committees the user is secretary or member of."""
    from .models import Membership

    clerk = RoleAssignment.objects.filter(user_id=user.pk or 0, committee__isnull=False).values(
        "committee_id"
    )
    member = Membership.objects.filter(person__user_id=user.pk or 0, deleted=False).values(
        "committee_id"
    )
    return clerk.union(member)  # type: ignore[return-value]


def _committee_ids(user: User) -> list[int]:
    return list(own_committees(user).values_list("committee_id", flat=True))


def papers_visible(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Keep public papers, and non-public ones the user may read."""
    from .models import ConsultationStep

    deliberated = ConsultationStep.objects.filter(
        paper_id=OuterRef("pk"), committee_id__in=_committee_ids(user), deleted=False
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
        Q(public=True) | sees_nonpublic(user) | Q(meeting__committee_id__in=_committee_ids(user))
    )


def public_papers(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Keep what the public may see: public papers that are not deleted."""
    return queryset.filter(public=True, deleted=False)
