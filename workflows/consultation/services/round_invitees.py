"""Write services of a round's invitees: invite, remove, and start their invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import Department, Organisation, User
from workflows.models import OutboxMessage, TransitionLog
from workflows.registry import workflow_objects_created

from ..models import ConsultationRound, Invitation
from ..states import RoundState
from .round_base import (
    INVITATION_TOPIC,
    INVITE_STATES,
    RoundError,
    checker_for,
    require_manage,
    require_state,
    round_lock,
)


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
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker, round)
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
        locked = round_lock(round)
        require_state(locked, INVITE_STATES)
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
    checker = checker_for(acting_user, checker)
    require_manage(acting_user, checker, invitation.round)
    with transaction.atomic():
        require_state(round_lock(invitation.round))
        invitation.delete()


def outbox_write(invitations: Iterable[Invitation], topic: str, now: dt.datetime) -> int:
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


STARTED_FIELDS = (
    "id",
    "body_id",
    "round_id",
    "department_id",
    "organisation_id",
    "state",
    "extended_until",
)


def invitations_started(invitations: list[Invitation]) -> None:
    """Open the invitations' deadlines and queue their invitation messages (in bulk)."""
    if not invitations:
        return
    workflow_objects_created(list(invitations))
    outbox_write(invitations, INVITATION_TOPIC, timezone.now())


def round_opened(obj: Any, acting_user: User, log: TransitionLog) -> None:
    """Start every invitation of a round that was just opened (`on_transition`, "open")."""
    # Only what deadlines and messages read: loading the time stamps of hundreds of rows
    # cost more than writing their deadlines (benchmarks/consultation_open.py).
    invitations = list(
        Invitation.objects.filter(round_id=obj.pk).only(*STARTED_FIELDS).order_by("id")
    )
    invitations_started(invitations)
