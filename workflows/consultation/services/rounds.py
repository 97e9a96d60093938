"""Write services of the strategy unit's side of a consultation round.

Creating and editing a round's draft (sections, invitees) happens while it is a draft; its
states change only through `transition_fire`. Opening a round starts the invitations'
deadlines and queues their invitation messages in the transition's transaction
(`round_opened`, registered with `on_transition`), so that the web's transition endpoint,
the API and `round_open` all do the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import Department, Organisation, PlanningCycle, User
from planning_cycle.text import TextRefused, breaks_normalise, text_clean
from workflows.models import OutboxMessage, TransitionLog
from workflows.registry import workflow_objects_created
from workflows.services.content import ContentError
from workflows.services.transitions import transition_fire

from ..models import ConsultationRound, Invitation, RoundSection
from ..states import OPEN_INVITATION_STATES, RoundState, SubjectKind

MANAGE = "planning_cycle.consultation_manage"
INVITATION_TOPIC = "consultation.invitation"
REMINDER_TOPIC = "consultation.reminder"
TITLE_MAX = 200
NUMBER_MAX = 20
TEXT_MAX = 20_000
# Invitees may be added while the round is a draft or open (a forgotten one, later).
INVITE_STATES = (RoundState.DRAFT, RoundState.OPEN)


class RoundError(ContentError):
    """A change of a round was refused; the message says why, `field` where."""


def _checker(user: User, checker: ObjectPermissionChecker | None) -> ObjectPermissionChecker:
    return checker or permission_checker(user)


def may_manage(user: User, checker: ObjectPermissionChecker, round_: Any = None) -> bool:
    """Tell whether the user runs consultation rounds of their body (or of this round's)."""
    stand_in = round_ if round_ is not None else ConsultationRound(body_id=user.body_id)
    return user_may(checker, user, MANAGE, stand_in)


def _require_manage(user: User, checker: ObjectPermissionChecker, round_: Any = None) -> None:
    if not may_manage(user, checker, round_):
        raise RoundError(_("Sie dürfen keine Beteiligungsverfahren durchführen."), status=403)


def _lock(round_: ConsultationRound) -> ConsultationRound:
    return ConsultationRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)


def _require_state(round_: ConsultationRound, states: Iterable[str] = (RoundState.DRAFT,)) -> None:
    if round_.state not in states:
        raise RoundError(
            _(
                "Das Beteiligungsverfahren ist %(state)s; sein Entwurf und seine "
                "Eingeladenen können nicht mehr geändert werden."
            )
            % {"state": round_.get_state_display()},
            status=409,
        )


def _text(value: str | None, *, what: str, field: str, limit: int, required: bool = False) -> str:
    try:
        text = text_clean(breaks_normalise(value), what=what, limit=limit)
    except TextRefused as exc:
        raise RoundError(exc.message, field) from None
    if required and not text:
        raise RoundError(_("Bitte geben Sie %(what)s an.") % {"what": what}, field)
    return text


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
        "title": _text(title, what=_("einen Titel"), field="title", limit=TITLE_MAX, required=True),
        "description": _text(
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
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker)
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
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker, round)
    values = _round_fields(
        acting_user=acting_user,
        title=title,
        subject_kind=subject_kind,
        description=description,
        deadline=deadline,
        cycle=cycle,
    )
    with transaction.atomic():
        locked = _lock(round)
        _require_state(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*values, "updated_at"])
    return locked


# --- sections ----------------------------------------------------------------------------


def _section_values(number: str, title: str, text: str) -> dict[str, str]:
    return {
        "number": _text(
            number, what=_("eine Nummer"), field="number", limit=NUMBER_MAX, required=True
        ),
        "title": _text(
            title, what=_("eine Überschrift"), field="title", limit=TITLE_MAX, required=True
        ),
        "text": _text(text, what=_("den Text"), field="text", limit=TEXT_MAX),
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
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker, round)
    values = _section_values(number, title, text)
    with transaction.atomic():
        locked = _lock(round)
        _require_state(locked)
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
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker, section.round)
    values = _section_values(number, title, text)
    with transaction.atomic():
        _require_state(_lock(section.round))
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
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker, section.round)
    with transaction.atomic():
        _require_state(_lock(section.round))
        section.delete()


# --- invitees ----------------------------------------------------------------------------


def _listing(names: Iterable[object]) -> str:
    return ", ".join(str(n) for n in names)


def invitations_add(
    *,
    acting_user: User,
    round: ConsultationRound,
    department_ids: Iterable[int] = (),
    organisation_ids: Iterable[int] = (),
    checker: ObjectPermissionChecker | None = None,
) -> list[Invitation]:
    """Invite departments and organisations of the round's body (draft or open round).

    Invited to an open round, they get their deadline and invitation at once.
    """
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker, round)
    dept_ids = sorted({int(i) for i in department_ids})
    org_ids = sorted({int(i) for i in organisation_ids})
    if not dept_ids and not org_ids:
        raise RoundError(
            _("Bitte wählen Sie mindestens eine Organisationseinheit oder Organisation aus."),
            "invitees",
        )
    # Names and flags only: a model instance per invitee would cost more than the insert.
    departments = dict(
        Department.objects.filter(body_id=round.body_id, pk__in=dept_ids).values_list("pk", "code")
    )
    organisations = {
        pk: (name, active)
        for pk, name, active in Organisation.objects.filter(
            body_id=round.body_id, pk__in=org_ids
        ).values_list("pk", "name", "active")
    }
    unknown = sorted(set(dept_ids) - set(departments))
    if unknown:
        raise RoundError(
            _("Unbekannte Organisationseinheit (Nr. %(ids)s).") % {"ids": _listing(unknown)},
            "departments",
        )
    unknown = sorted(set(org_ids) - set(organisations))
    if unknown:
        raise RoundError(
            _("Unbekannte Organisation (Nr. %(ids)s).") % {"ids": _listing(unknown)},
            "organisations",
        )
    inactive = [name for name, active in organisations.values() if not active]
    if inactive:
        raise RoundError(
            _("Nicht mehr aktive Organisationen können nicht eingeladen werden: %(names)s.")
            % {"names": _listing(inactive)},
            "organisations",
        )
    with transaction.atomic():
        locked = _lock(round)
        _require_state(locked, INVITE_STATES)
        try:
            with transaction.atomic():
                created = _insert_invitations(locked, dept_ids, org_ids)
        except IntegrityError as exc:
            if "invitation_" not in str(exc) and "UNIQUE" not in str(exc):
                raise
            raise _already_invited(locked, dept_ids, org_ids) from exc
        if locked.state == RoundState.OPEN:
            invitations_started(created)
    return created


def _insert_invitations(
    round_: ConsultationRound, dept_ids: list[int], org_ids: list[int]
) -> list[Invitation]:
    """Insert the invitations with one statement; the database refuses duplicates."""
    now = timezone.now()
    common = {"body_id": round_.body_id, "round_id": round_.pk, "created_at": now}
    if connection.vendor != "postgresql":
        rows = [Invitation(department_id=d, **common) for d in dept_ids]
        rows += [Invitation(organisation_id=o, **common) for o in org_ids]
        return Invitation.objects.bulk_create(rows)
    # Django's bulk_create prepares every value of every row in Python: for hundreds of
    # invitees that cost several times the insert itself (benchmarks/consultation_open.py).
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_INVITATIONS_SQL,
            [round_.body_id, round_.pk, now, now, dept_ids, org_ids],
        )
        found = cursor.fetchall()
    return [
        Invitation(
            pk=pk,
            department_id=department_id,
            organisation_id=organisation_id,
            updated_at=now,
            **common,
        )
        for pk, department_id, organisation_id in found
    ]


# Table names come from model metadata; every value is a bound parameter.
INSERT_INVITATIONS_SQL = f"""
INSERT INTO {Invitation._meta.db_table}
    (body_id, round_id, department_id, organisation_id, state, created_at, updated_at)
SELECT %s, %s, invitee.department_id, invitee.organisation_id, 'invited', %s, %s
FROM (
    SELECT d AS department_id, NULL::bigint AS organisation_id FROM unnest(%s::bigint[]) AS d
    UNION ALL
    SELECT NULL::bigint, o FROM unnest(%s::bigint[]) AS o
) AS invitee
RETURNING id, department_id, organisation_id
"""  # noqa: S608


def _already_invited(
    round_: ConsultationRound, dept_ids: list[int], org_ids: list[int]
) -> RoundError:
    """Name the invitees that the database found invited already."""
    existing = Invitation.objects.filter(round_id=round_.pk).select_related(
        "department", "organisation"
    )
    names = [
        str(i.invitee)
        for i in existing
        if i.department_id in dept_ids or i.organisation_id in org_ids
    ]
    return RoundError(
        _("Bereits eingeladen: %(names)s.") % {"names": _listing(names)},
        "invitees",
        status=409,
    )


def invitation_remove(
    *,
    acting_user: User,
    invitation: Invitation,
    checker: ObjectPermissionChecker | None = None,
) -> None:
    """Remove an invitee from a draft round."""
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker, invitation.round)
    with transaction.atomic():
        _require_state(_lock(invitation.round))
        invitation.delete()


def _outbox(invitations: Iterable[Invitation], topic: str, now: dt.datetime) -> int:
    """Queue one message per invitation with one statement."""
    rows = [(i.body_id, i.pk) for i in invitations]
    if connection.vendor != "postgresql":
        OutboxMessage.objects.bulk_create(
            OutboxMessage(body_id=b, topic=topic, payload={"invitation_id": pk}, created_at=now)
            for b, pk in rows
        )
        return len(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_OUTBOX_SQL,
            [topic, now, [b for b, _pk in rows], [pk for _b, pk in rows]],
        )
    return len(rows)


INSERT_OUTBOX_SQL = f"""
INSERT INTO {OutboxMessage._meta.db_table}
    (body_id, topic, payload, created_at, attempts, last_error)
SELECT row.body_id, %s, jsonb_build_object('invitation_id', row.id), %s, 0, ''
FROM unnest(%s::bigint[], %s::bigint[]) AS row (body_id, id)
"""  # noqa: S608


def invitations_started(invitations: list[Invitation]) -> None:
    """Open the invitations' deadlines and queue their invitation messages (in bulk)."""
    if not invitations:
        return
    workflow_objects_created(list(invitations))
    _outbox(invitations, INVITATION_TOPIC, timezone.now())


def round_opened(obj: Any, acting_user: User, log: TransitionLog) -> None:
    """Start every invitation of a round that was just opened (`on_transition`, "open")."""
    invitations = list(Invitation.objects.filter(round_id=obj.pk).order_by("id"))
    invitations_started(invitations)


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
    checker = _checker(acting_user, checker)
    _require_manage(acting_user, checker, round)
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
        return _outbox(waiting, REMINDER_TOPIC, timezone.now())


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
