"""Meetings of committees: scheduling, changing, and their agenda items without a paper."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import Committee, User
from workflows.registry import workflow_due_changed

from ..models import AgendaItem, ConsultationStep, LegislativeTerm, Location, Meeting
from ..states import MeetingState, StepState
from .base import MANAGE, CouncilError, checker_for, require, same_body, text_input

CLOSED = (MeetingState.HELD, MeetingState.CANCELLED)
# Moves the items behind an inserted one out of the unique positions' way (two updates).
POSITION_SHIFT = 100_000


def _meeting_values(
    *,
    acting_user: User,
    name: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    location: Location | None,
    term: LegislativeTerm | None,
) -> dict[str, object]:
    if start is None:
        raise CouncilError(_("Bitte geben Sie Datum und Uhrzeit des Beginns an."), "start")
    if timezone.is_naive(start) or (end is not None and timezone.is_naive(end)):
        raise ValueError("meeting times must be timezone-aware")
    if end is not None and end < start:
        raise CouncilError(
            _("Das Ende (%(end)s) liegt vor dem Beginn (%(start)s).")
            % {
                "end": date_format(timezone.localtime(end), "SHORT_DATETIME_FORMAT"),
                "start": date_format(timezone.localtime(start), "SHORT_DATETIME_FORMAT"),
            },
            "end",
        )
    same_body(acting_user, location, "location", _("Sitzungsort"))
    same_body(acting_user, term, "term", _("Wahlperiode"))
    return {
        "name": text_input(
            name, what=_("eine Bezeichnung"), field="name", limit=200, required=True
        ),
        "start": start,
        "end": end,
        "location": location,
        "term": term,
    }


def meeting_create(
    *,
    acting_user: User,
    committee: Committee,
    name: str,
    start: dt.datetime | None,
    end: dt.datetime | None = None,
    location: Location | None = None,
    term: LegislativeTerm | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> Meeting:
    """Schedule a meeting of a committee."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, committee, "committee", _("Gremium"))
    require(acting_user, checker, MANAGE, committee, _("Sie dürfen keine Sitzungen anlegen."))
    values = _meeting_values(
        acting_user=acting_user, name=name, start=start, end=end, location=location, term=term
    )
    return Meeting.objects.create(body_id=committee.body_id, committee=committee, **values)


def meeting_update(
    *,
    acting_user: User,
    meeting: Meeting,
    name: str,
    start: dt.datetime | None,
    end: dt.datetime | None = None,
    location: Location | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> Meeting:
    """Change a coming meeting's name, time or place."""
    checker = checker_for(acting_user, checker)
    require(acting_user, checker, MANAGE, meeting, _("Sie dürfen keine Sitzungen bearbeiten."))
    values = _meeting_values(
        acting_user=acting_user,
        name=name,
        start=start,
        end=end,
        location=location,
        term=meeting.term,
    )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.state in CLOSED:
            raise CouncilError(
                _("Die Sitzung ist %(state)s und kann nicht mehr geändert werden.")
                % {"state": locked.get_state_display()},
                status=409,
            )
        moved = values["start"] != locked.start
        Meeting.objects.filter(pk=locked.pk).update(updated_at=timezone.now(), **values)
        if moved:
            # The results of the papers on its agenda are due from the new day.
            workflow_due_changed(
                list(
                    ConsultationStep.objects.filter(
                        agenda_item__meeting=locked, state=StepState.SCHEDULED
                    )
                )
            )
    locked.refresh_from_db()
    return locked


def _open_agenda(meeting: Meeting) -> None:
    if meeting.state in CLOSED:
        raise CouncilError(
            _("Die Sitzung ist %(state)s; ihre Tagesordnung kann nicht mehr geändert werden.")
            % {"state": meeting.get_state_display()},
            status=409,
        )


def _make_room(meeting: Meeting, position: int) -> None:
    """Move the items from `position` on one place down the agenda."""
    behind = AgendaItem.objects.filter(meeting=meeting, deleted=False)
    now = timezone.now()
    behind.filter(position__gte=position).update(
        position=F("position") + POSITION_SHIFT, updated_at=now
    )
    behind.filter(position__gte=POSITION_SHIFT).update(position=F("position") - POSITION_SHIFT + 1)


def agenda_item_add(
    *,
    acting_user: User,
    meeting: Meeting,
    name: str,
    public: bool = True,
    number: str = "",
    position: int | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> AgendaItem:
    """Add an item without a paper (Mitteilungen, Anfragen) to a coming meeting's agenda.

    Without a position it comes last (numbered by its place unless a number is given); at
    a position, the items from there move down and the number must be given.
    """
    checker = checker_for(acting_user, checker)
    require(acting_user, checker, MANAGE, meeting, _("Sie dürfen keine Tagesordnungen bearbeiten."))
    text = text_input(name, what=_("den Gegenstand"), field="name", limit=500, required=True)
    number = text_input(number, what=_("die Nummer"), field="number", limit=20)
    if position is not None and position < 1:
        raise CouncilError(_("Die Position muss 1 oder größer sein."), "position")
    try:
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
            _open_agenda(locked)
            last = (
                AgendaItem.objects.filter(meeting=locked, deleted=False).aggregate(
                    m=Max("position")
                )["m"]
                or 0
            )
            if position is None or position > last:
                position = last + 1
            else:
                if not number:
                    raise CouncilError(
                        _(
                            "Bitte geben Sie die Nummer an, wenn der Punkt nicht am Ende "
                            "der Tagesordnung steht."
                        ),
                        "number",
                    )
                _make_room(locked, position)
            return AgendaItem.objects.create(
                body_id=locked.body_id,
                meeting=locked,
                number=number or str(position),
                position=position,
                name=text,
                public=public,
            )
    except IntegrityError:
        raise CouncilError(
            _("Die Tagesordnung wurde gerade geändert; bitte erneut."), status=409
        ) from None


def agenda_item_remove(
    *,
    acting_user: User,
    item: AgendaItem,
    checker: ObjectPermissionChecker | None = None,
) -> AgendaItem:
    """Take an item without a paper off a coming meeting's agenda (kept as deleted)."""
    checker = checker_for(acting_user, checker)
    require(acting_user, checker, MANAGE, item, _("Sie dürfen keine Tagesordnungen bearbeiten."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        _open_agenda(locked)
        fresh = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if fresh.step_id is not None:
            raise CouncilError(
                _(
                    "Zu diesem Tagesordnungspunkt gehört eine Vorlage; nehmen Sie sie auf der "
                    "Seite der Vorlage von der Tagesordnung."
                ),
                status=409,
            )
        if fresh.deleted:
            raise CouncilError(
                _("Der Tagesordnungspunkt ist schon von der Tagesordnung genommen."), status=409
            )
        AgendaItem.objects.filter(pk=fresh.pk).update(deleted=True, updated_at=timezone.now())
    fresh.refresh_from_db()
    return fresh
