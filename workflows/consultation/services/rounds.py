"""Write services of the strategy unit's side of a consultation round.

Creating and editing a round's draft (sections, invitees) happens while it is a draft; its
states change only through `transition_fire`. Opening a round starts the invitations'
deadlines and queues their invitation messages in the transition's transaction
(`round_opened`, registered with `on_transition`), so that the web's transition endpoint,
the API and `round_open` all do the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import PlanningCycle, User
from workflows.services.transitions import transition_fire

from ..models import ConsultationRound, Invitation, RoundSection
from ..states import OPEN_INVITATION_STATES, RoundState, SubjectKind
from .round_base import (
    INVITATION_TOPIC,
    MANAGE,
    NUMBER_MAX,
    REMINDER_TOPIC,
    TEXT_MAX,
    TITLE_MAX,
    RoundError,
    checker_for,
    may_manage,
    require_manage,
    require_state,
    round_lock,
    text_input,
)
from .round_invitees import (
    invitation_remove,
    invitations_add,
    invitations_started,
    outbox_write,
    round_opened,
)

__all__ = [
    "INVITATION_TOPIC",
    "MANAGE",
    "REMINDER_TOPIC",
    "RoundError",
    "extension_grant",
    "extension_refuse",
    "invitation_remove",
    "invitations_add",
    "invitations_started",
    "may_manage",
    "reminder_send_unanswered",
    "round_cancel",
    "round_close",
    "round_create",
    "round_open",
    "round_opened",
    "round_update",
    "section_add",
    "section_remove",
    "section_update",
]


def _round_fields(
    *,
    acting_user: User,
    title: str,
    subject_kind: str,
    description: str,
    deadline: dt.date | None,
    cycle: PlanningCycle | None,
) -> dict[str, Any]:
    """Check a round's input; return the cleaned values or refuse naming the field."""
    values: dict[str, Any] = {
        "title": text_input(
            title, what=_("einen Titel"), field="title", limit=TITLE_MAX, required=True
        ),
        "description": text_input(
            description, what=_("die Beschreibung"), field="description", limit=TEXT_MAX
        ),
    }
    if subject_kind not in SubjectKind.values:
        raise RoundError(_("Bitte wählen Sie einen Gegenstand aus der Liste."), "subject_kind")
    values["subject_kind"] = subject_kind
    if deadline is None:
        raise RoundError(_("Bitte geben Sie eine Frist für die Stellungnahmen an."), "deadline")
    if deadline < timezone.localdate():
        raise RoundError(
            _("Die Frist (%(due)s) liegt in der Vergangenheit.")
            % {"due": date_format(deadline, "SHORT_DATE_FORMAT")},
            "deadline",
        )
    values["deadline"] = deadline
    if cycle is not None and cycle.body_id != acting_user.body_id:
        raise RoundError(_("Unbekannter Planungszyklus."), "cycle")
    values["cycle"] = cycle
    return values


def round_create(
    *,
    acting_user: User,
    title: str,
    subject_kind: str,
    description: str,
    deadline: dt.date | None,
    cycle: PlanningCycle | None = None,
    previous_round: ConsultationRound | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> ConsultationRound:
    """Create a draft round; a follow-up round copies its predecessor's invitees and sections."""
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker)
    values = _round_fields(
        acting_user=acting_user,
        title=title,
        subject_kind=subject_kind,
        description=description,
        deadline=deadline,
        cycle=cycle,
    )
    if previous_round is not None:
        if previous_round.body_id != acting_user.body_id:
            raise RoundError(_("Unbekanntes vorheriges Beteiligungsverfahren."), "previous_round")
        if previous_round.state in (RoundState.DRAFT, RoundState.CANCELLED):
            raise RoundError(
                _(
                    "Eine weitere Runde kann nur auf ein eröffnetes Verfahren folgen; "
                    "„%(title)s“ ist %(state)s."
                )
                % {"title": previous_round.title, "state": previous_round.get_state_display()},
                "previous_round",
            )
    with transaction.atomic():
        round_ = ConsultationRound.objects.create(
            body_id=acting_user.body_id,
            previous_round=previous_round,
            created_by=acting_user,
            **values,
        )
        if previous_round is not None:
            _copy_from(previous_round, round_)
    return round_


def _copy_from(previous: ConsultationRound, round_: ConsultationRound) -> None:
    """Copy a previous round's sections and invitees into a new draft (two inserts)."""
    RoundSection.objects.bulk_create(
        RoundSection(
            body_id=round_.body_id,
            round=round_,
            number=s.number,
            title=s.title,
            text=s.text,
            position=s.position,
        )
        for s in previous.sections.all()
    )
    Invitation.objects.bulk_create(
        Invitation(
            body_id=round_.body_id,
            round=round_,
            department_id=i.department_id,
            organisation_id=i.organisation_id,
        )
        for i in previous.invitations.all()
    )


def round_update(
    *,
    acting_user: User,
    round: ConsultationRound,
    title: str,
    subject_kind: str,
    description: str,
    deadline: dt.date | None,
    cycle: PlanningCycle | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> ConsultationRound:
    """Change a draft round's title, subject, description, deadline and cycle."""
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker, round)
    values = _round_fields(
        acting_user=acting_user,
        title=title,
        subject_kind=subject_kind,
        description=description,
        deadline=deadline,
        cycle=cycle,
    )
    with transaction.atomic():
        locked = round_lock(round)
        require_state(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*values, "updated_at"])
    return locked


# --- sections ----------------------------------------------------------------------------


def _section_values(number: str, title: str, text: str) -> dict[str, str]:
    return {
        "number": text_input(
            number, what=_("eine Nummer"), field="number", limit=NUMBER_MAX, required=True
        ),
        "title": text_input(
            title, what=_("eine Überschrift"), field="title", limit=TITLE_MAX, required=True
        ),
        "text": text_input(text, what=_("den Text"), field="text", limit=TEXT_MAX),
    }


def _number_taken(number: str) -> RoundError:
    return RoundError(
        _("Im Entwurf gibt es bereits einen Abschnitt mit der Nummer „%(number)s“.")
        % {"number": number},
        "number",
        status=409,
    )


def _save_section(section: RoundSection, **kwargs: Any) -> None:
    """Save a section; the database refuses a number the round already has."""
    try:
        with transaction.atomic():
            section.save(**kwargs)
    except IntegrityError as exc:
        if "section_number_unique" not in str(exc) and "UNIQUE" not in str(exc):
            raise
        raise _number_taken(section.number) from exc


def section_add(
    *,
    acting_user: User,
    round: ConsultationRound,
    number: str,
    title: str,
    text: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> RoundSection:
    """Add a numbered section to a draft round (after its last section)."""
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker, round)
    values = _section_values(number, title, text)
    with transaction.atomic():
        locked = round_lock(round)
        require_state(locked)
        last = locked.sections.aggregate(last=Max("position"))["last"]
        section = RoundSection(
            body_id=locked.body_id, round=locked, position=(last or 0) + 1, **values
        )
        _save_section(section, force_insert=True)
    return section


def section_update(
    *,
    acting_user: User,
    section: RoundSection,
    number: str,
    title: str,
    text: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> RoundSection:
    """Change a section of a draft round."""
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker, section.round)
    values = _section_values(number, title, text)
    with transaction.atomic():
        require_state(round_lock(section.round))
        for name, value in values.items():
            setattr(section, name, value)
        _save_section(section, update_fields=list(values))
    return section


def section_remove(
    *,
    acting_user: User,
    section: RoundSection,
    checker: ObjectPermissionChecker | None = None,
) -> None:
    """Remove a section of a draft round."""
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker, section.round)
    with transaction.atomic():
        require_state(round_lock(section.round))
        section.delete()


# --- transitions -------------------------------------------------------------------------


def round_open(
    *,
    acting_user: User,
    round: ConsultationRound,
    expected_state: str | None = RoundState.DRAFT,
    checker: ObjectPermissionChecker | None = None,
) -> ConsultationRound:
    """Open the round: its invitees get their deadlines and invitations, in one transaction."""
    with transaction.atomic():
        result = transition_fire(
            acting_user=acting_user,
            obj=round,
            transition="open",
            expected_state=expected_state,
            checker=checker,
        )
    assert isinstance(result.obj, ConsultationRound)
    return result.obj


def round_close(
    *,
    acting_user: User,
    round: ConsultationRound,
    comment: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> ConsultationRound:
    """Close the round for statements."""
    result = transition_fire(
        acting_user=acting_user,
        obj=round,
        transition="close",
        comment=comment,
        expected_state=RoundState.OPEN,
        checker=checker,
    )
    assert isinstance(result.obj, ConsultationRound)
    return result.obj


def round_cancel(
    *,
    acting_user: User,
    round: ConsultationRound,
    reason: str,
    checker: ObjectPermissionChecker | None = None,
) -> ConsultationRound:
    """Cancel the round, with a reason."""
    result = transition_fire(
        acting_user=acting_user, obj=round, transition="cancel", comment=reason, checker=checker
    )
    assert isinstance(result.obj, ConsultationRound)
    return result.obj


def reminder_send_unanswered(
    *,
    acting_user: User,
    round: ConsultationRound,
    checker: ObjectPermissionChecker | None = None,
) -> int:
    """Queue a reminder to every invitee who has not answered yet; return how many."""
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker, round)
    with transaction.atomic():
        locked = ConsultationRound.objects.select_for_update(of=("self",)).get(pk=round.pk)
        if locked.state not in (RoundState.OPEN, RoundState.CLOSED):
            raise RoundError(
                _("Das Beteiligungsverfahren ist %(state)s; Erinnerungen sind nicht möglich.")
                % {"state": locked.get_state_display()},
                status=409,
            )
        waiting = [
            Invitation(pk=pk, body_id=locked.body_id)
            for pk in Invitation.objects.filter(
                round_id=locked.pk, state__in=OPEN_INVITATION_STATES
            )
            .order_by("id")
            .values_list("pk", flat=True)
        ]
        if not waiting:
            raise RoundError(_("Alle Eingeladenen haben bereits geantwortet."), status=409)
        return outbox_write(waiting, REMINDER_TOPIC, timezone.now())


def extension_grant(
    *,
    acting_user: User,
    invitation: Invitation,
    comment: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> Invitation:
    """Grant the deadline extension an invitee asked for."""
    result = transition_fire(
        acting_user=acting_user,
        obj=invitation,
        transition="grant_extension",
        comment=comment,
        checker=checker,
    )
    assert isinstance(result.obj, Invitation)
    return result.obj


def extension_refuse(
    *,
    acting_user: User,
    invitation: Invitation,
    reason: str,
    checker: ObjectPermissionChecker | None = None,
) -> Invitation:
    """Refuse the deadline extension an invitee asked for, with a reason."""
    result = transition_fire(
        acting_user=acting_user,
        obj=invitation,
        transition="refuse_extension",
        comment=reason,
        checker=checker,
    )
    assert isinstance(result.obj, Invitation)
    return result.obj
