"""What the public sees: each type's rows with `oparl_present` and `oparl_modified`.

`oparl_present` is false for what the public must not see; such rows are published as
deleted (id, type, created, modified, `deleted: true`) and never with content:
non-public or deleted papers, and with them their files, consultations and agenda items;
non-public files and agenda items; persons without consent to publication and their
memberships. A non-public agenda item of a public paper is withheld as well.

`oparl_modified` is the latest change of the object or of what it embeds or depends on
(spec 2.8: a parent's `modified` moves with its embedded objects; a file of a paper made
non-public counts as deleted from that moment). The embedded lists are prefetched with only
present rows (spec 2.5: no deleted objects inside other objects), so a page costs a fixed
number of queries whatever its length.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest

from planning_cycle.models import Body, Committee, CommitteeKind

from ..models import (
    AgendaItem,
    ConsultationStep,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Paper,
    PaperFile,
    Person,
)

PAPER_PUBLIC = Q(public=True, deleted=False)
PERSON_PUBLIC = Q(public_consent=True, deleted=False)
# The columns a page shows (long texts such as the reasoning are not published).
PAPER_FIELDS = (
    "body_id", "title", "reference", "date", "paper_type", "external_url", "public",
    "deleted", "created_at", "updated_at",
)  # fmt: skip
FILE_FIELDS = (
    "paper_id", "role", "name", "media_type", "size", "position", "public", "deleted",
    "created_at", "updated_at",
)  # fmt: skip
# The state too: the concurrent-transition mixin reads it when a step is loaded.
STEP_FIELDS = (
    "paper_id", "committee_id", "role", "part", "position", "state", "deleted", "created_at",
    "updated_at", "agenda_item__meeting_id", "agenda_item__public", "agenda_item__deleted",
)  # fmt: skip


Q_ = TypeVar("Q_", bound=QuerySet[Any])


def _built_once(build: Callable[[], Q_]) -> Callable[[], Q_]:
    """Build a list's queryset once per process; each call returns a fresh clone of it.

    Resolving the annotations and prefetches costs more than the query of one object
    (a few milliseconds per request); the definitions depend on nothing of the request.
    """
    built = functools.cache(build)

    @functools.wraps(build)
    def selector() -> Q_:
        return built().all()

    return selector


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _latest(model: Any, link: str, expression: Any = None) -> Subquery:
    """Return the latest `updated_at` (or `expression`) of the rows linked to the outer row."""
    rows = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
    value = expression if expression is not None else F("updated_at")
    return Subquery(
        rows.annotate(latest=Max(value, output_field=DateTimeField())).values("latest")[:1],
        output_field=DateTimeField(),
    )


def _greatest(own: str, *others: Any) -> Greatest:
    return Greatest(F(own), *(Coalesce(o, F(own)) for o in others), output_field=DateTimeField())


def item_present() -> Q:
    """Return the condition of an agenda item the public sees (public, and its paper too)."""
    return Q(deleted=False, public=True) & (
        Q(step__isnull=True) | Q(step__paper__public=True, step__paper__deleted=False)
    )


def _item_changed() -> Greatest:
    # An item's own change, or its paper's (made non-public: the item counts as deleted).
    return Greatest(
        F("updated_at"),
        Coalesce(F("step__paper__updated_at"), F("updated_at")),
        output_field=DateTimeField(),
    )


def visible_items() -> QuerySet[AgendaItem]:
    """Return the agenda items shown inside their meeting, in agenda order."""
    return (
        AgendaItem.objects.filter(item_present())
        .annotate(oparl_modified=_item_changed())
        .select_related("step")
        .order_by("position", "id")
    )


def visible_files() -> QuerySet[PaperFile]:
    """Return the public, not deleted files (inside their public paper)."""
    return (
        PaperFile.objects.filter(public=True, deleted=False)
        .only(*FILE_FIELDS)
        .order_by("position", "id")
    )


def visible_steps() -> QuerySet[ConsultationStep]:
    """Return the steps shown inside their public paper, in sequence order."""
    return (
        ConsultationStep.objects.filter(deleted=False)
        .select_related("agenda_item")
        .only(*STEP_FIELDS)
        .order_by("position", "id")
    )


def present_memberships() -> QuerySet[Membership]:
    """Return the memberships of consenting persons that are not deleted."""
    return Membership.objects.filter(deleted=False, person__public_consent=True).filter(
        person__deleted=False
    )


@_built_once
def bodies() -> QuerySet[Body]:
    """Return the bodies with their terms and main organization (the council)."""
    council = Committee.objects.filter(body=OuterRef("pk"), kind=CommitteeKind.COUNCIL).order_by(
        "position", "pk"
    )
    return Body.objects.annotate(
        oparl_present=_flag(Q(pk__isnull=False)),
        oparl_modified=_greatest("updated_at", _latest(LegislativeTerm, "body")),
        oparl_council=Subquery(council.values("pk")[:1]),
    ).prefetch_related(
        Prefetch(
            "legislativeterm_set",
            queryset=LegislativeTerm.objects.order_by("-start_date", "pk"),
            to_attr="oparl_terms",
        )
    )


@_built_once
def organizations() -> QuerySet[Committee]:
    """Return the committees with the memberships of consenting persons."""
    return Committee.objects.annotate(
        oparl_present=_flag(Q(pk__isnull=False)),
        oparl_modified=_greatest("updated_at", _latest(Membership, "committee")),
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=present_memberships().only("pk", "committee_id").order_by("pk"),
            to_attr="oparl_memberships",
        )
    )


@_built_once
def persons() -> QuerySet[Person]:
    """Return the persons; only those who consented are present."""
    return Person.objects.annotate(
        oparl_present=_flag(PERSON_PUBLIC),
        oparl_modified=_greatest("updated_at", _latest(Membership, "person")),
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(deleted=False).order_by("start_date", "pk"),
            to_attr="oparl_memberships",
        )
    )


@_built_once
def memberships() -> QuerySet[Membership]:
    """Return the memberships; present when not deleted and their person consented."""
    return Membership.objects.annotate(
        oparl_present=_flag(Q(deleted=False, person__public_consent=True, person__deleted=False)),
        oparl_modified=_greatest("updated_at", F("person__updated_at")),
    )


@_built_once
def meetings() -> QuerySet[Meeting]:
    """Return the meetings (every meeting's date is public) with their visible agenda."""
    return (
        Meeting.objects.annotate(
            oparl_present=_flag(Q(pk__isnull=False)),
            oparl_modified=_greatest("updated_at", _latest(AgendaItem, "meeting", _item_changed())),
        )
        .select_related("location")
        .prefetch_related(Prefetch("agenda_items", queryset=visible_items(), to_attr="oparl_items"))
    )


@_built_once
def agenda_items() -> QuerySet[AgendaItem]:
    """Return the agenda items; present when public, not deleted, and their paper public."""
    return AgendaItem.objects.annotate(
        oparl_present=_flag(item_present()), oparl_modified=_item_changed()
    ).select_related("step")


@_built_once
def papers() -> QuerySet[Paper]:
    """Return the papers with their public files and their consultation sequence."""
    return (
        Paper.objects.only(*PAPER_FIELDS)
        .annotate(
            oparl_present=_flag(PAPER_PUBLIC),
            oparl_modified=_greatest(
                "updated_at", _latest(ConsultationStep, "paper"), _latest(PaperFile, "paper")
            ),
        )
        .prefetch_related(
            Prefetch("files", queryset=visible_files(), to_attr="oparl_files"),
            Prefetch("steps", queryset=visible_steps(), to_attr="oparl_steps"),
        )
    )


@_built_once
def consultations() -> QuerySet[ConsultationStep]:
    """Return the consultations; present when not deleted and their paper public."""
    return ConsultationStep.objects.annotate(
        oparl_present=_flag(Q(deleted=False, paper__public=True, paper__deleted=False)),
        oparl_modified=_greatest("updated_at", F("paper__updated_at")),
    ).select_related("agenda_item")


@_built_once
def files() -> QuerySet[PaperFile]:
    """Return the files; present when public, not deleted, and their paper public."""
    return PaperFile.objects.annotate(
        oparl_present=_flag(
            Q(public=True, deleted=False, paper__public=True, paper__deleted=False)
        ),
        oparl_modified=_greatest("updated_at", F("paper__updated_at")),
    )


@_built_once
def terms() -> QuerySet[LegislativeTerm]:
    """Return the legislative terms (all public)."""
    return LegislativeTerm.objects.annotate(
        oparl_present=_flag(Q(pk__isnull=False)), oparl_modified=F("updated_at")
    )


@_built_once
def locations() -> QuerySet[Location]:
    """Return the meeting places (all public)."""
    return Location.objects.annotate(
        oparl_present=_flag(Q(pk__isnull=False)), oparl_modified=F("updated_at")
    )
