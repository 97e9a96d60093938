"""The invitee's writes: draft, edit, release, correct and discard statements; answer invitations.

Statements are drafted by holders of `statement_edit` on the invitation's department or
organisation and released by holders of `statement_release`. Every state change goes through
`transition_fire`; what releasing a statement means for the invitations (they are answered)
runs inside the release's transaction as its registered side effect (`release_consequences`),
so that the API and the engine's transition endpoint keep the same rules as these services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import User
from workflows.models import TransitionLog
from workflows.registry import side_effects
from workflows.services.content import ContentError, clean_text, content_update
from workflows.services.rows import lock_row, record_transition
from workflows.services.transitions import (
    TransitionBlocked,
    TransitionError,
    TransitionNotPermitted,
    TransitionResult,
    transition_fire,
)

from ..models import Invitation, RoundSection, Statement
from ..states import (
    OPEN_INVITATION_STATES,
    InvitationState,
    Position,
    RoundState,
    StatementState,
)

EDIT = "planning_cycle.statement_edit"
RELEASE = "planning_cycle.statement_release"
RESPOND = "planning_cycle.invitation_respond"


def _not_permitted() -> ContentError:
    return ContentError(
        _("Sie dürfen für diese Einladung keine Stellungnahme bearbeiten."), status=403
    )


def statement_window_reason(invitation: Invitation, today: dt.date | None = None) -> str:
    """Return why the invitee cannot give a statement now, or "" when they can.

    An open round takes statements until the invitee's deadline (its extension, else the
    round's); a closed round only from invitees whose deadline was extended and still runs.
    """
    today = today or timezone.localdate()
    round_ = invitation.round
    if invitation.state == InvitationState.DECLINED:
        return _("Sie haben die Beteiligung abgesagt; eine Stellungnahme ist nicht mehr möglich.")
    if round_.state not in (RoundState.OPEN, RoundState.CLOSED):
        return _("Das Beteiligungsverfahren ist %(state)s; Stellungnahmen sind nicht möglich.") % {
            "state": RoundState(round_.state).label
        }
    deadline = invitation.deadline
    if round_.state == RoundState.CLOSED and invitation.extended_until is None:
        return _(
            "Das Beteiligungsverfahren ist geschlossen; eine Stellungnahme ist nur nach einer "
            "gewährten Fristverlängerung möglich."
        )
    if today > deadline:
        return _(
            "Die Frist zur Stellungnahme ist am %(due)s abgelaufen; eine Stellungnahme ist nur "
            "nach einer gewährten Fristverlängerung möglich."
        ) % {"due": date_format(deadline, "SHORT_DATE_FORMAT")}
    return ""


def _check_window(invitation: Invitation) -> None:
    reason = statement_window_reason(invitation)
    if reason:
        raise ContentError(reason, status=409)


def _clean_position(position: str) -> str:
    if position and position not in Position.values:
        raise ContentError(_("Bitte wählen Sie eine der angebotenen Haltungen."), "position")
    return position


def _check_section(section: RoundSection | None, invitation: Invitation) -> None:
    if section is not None and section.round_id != invitation.round_id:
        raise ContentError(
            _("Der Abschnitt „%(section)s“ gehört nicht zu diesem Beteiligungsverfahren.")
            % {"section": section},
            "section",
        )


def _check_co_signers(co_signers: Iterable[Invitation], invitation: Invitation) -> list[Invitation]:
    found = list(dict.fromkeys(co_signers))
    for other in found:
        if other.pk == invitation.pk:
            raise ContentError(
                _("Die eigene Einladung kann nicht zugleich Mitzeichnende sein."), "co_signers"
            )
        if other.round_id != invitation.round_id:
            raise ContentError(
                _("„%(invitee)s“ ist zu diesem Beteiligungsverfahren nicht eingeladen.")
                % {"invitee": other},
                "co_signers",
            )
    return found


def _lock_invitation(pk: int) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("round", "department", "organisation")
        .get(pk=pk)
    )


def statement_create(
    *,
    acting_user: User,
    invitation: Invitation,
    position: str = "",
    text: str = "",
    section: RoundSection | None = None,
    co_signers: Iterable[Invitation] = (),
    checker: ObjectPermissionChecker | None = None,
) -> Statement:
    """Draft a statement for an invitation the user may act for, while statements are taken."""
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        # The invitation's row lock orders this against a decline or an extension.
        locked = _lock_invitation(invitation.pk)
        if not user_may(checker, acting_user, EDIT, locked):
            raise _not_permitted()
        _check_window(locked)
        position = _clean_position(position)
        _check_section(section, locked)
        signers = _check_co_signers(co_signers, locked)
        statement = Statement.objects.create(
            body_id=locked.body_id,
            round_id=locked.round_id,
            invitation=locked,
            department_id=locked.department_id,
            organisation_id=locked.organisation_id,
            section=section,
            position=position,
            text=clean_text(text, "text"),
            drafted_by=acting_user,
        )
        if signers:
            statement.co_signers.set(signers)
    return statement


def statement_update(
    *,
    acting_user: User,
    statement: Statement,
    position: str,
    text: str,
    section: RoundSection | None = None,
    co_signers: Iterable[Invitation] = (),
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> Statement:
    """Change a draft statement: its position and text (the engine's content rules), section
    and co-signers; the editor becomes the one who last drafted it.
    """
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        invitation = _lock_invitation(statement.invitation_id)
        # Permission, state and the caller's view of the row: the engine's content service.
        saved = content_update(
            acting_user=acting_user,
            obj=statement,
            values={"position": position, "text": text},
            expected_updated_at=expected_updated_at,
            checker=checker,
        )
        assert isinstance(saved, Statement)
        # Judged after the permission; a refusal rolls the content back with everything else.
        _clean_position(position)
        _check_window(invitation)
        _check_section(section, invitation)
        signers = _check_co_signers(co_signers, invitation)
        saved.section = section
        saved.drafted_by = acting_user
        saved.save(update_fields=["section", "drafted_by", "updated_at"])
        saved.co_signers.set(signers)
    return saved


def statement_discard(
    *, acting_user: User, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> None:
    """Delete a draft statement with its attachments."""
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked = Statement.objects.select_for_update(of=("self",)).get(pk=statement.pk)
        if not user_may(checker, acting_user, EDIT, locked):
            raise _not_permitted()
        if locked.state != StatementState.DRAFT:
            raise ContentError(
                _("Eine freigegebene Stellungnahme kann nicht gelöscht werden."), status=409
            )
        files = [f.file.name for f in locked.attachments.all()]
        storage = locked.attachments.model._meta.get_field("file").storage  # type: ignore[union-attr]
        locked.delete()
        # The stored files go once the rows are gone for good.
        transaction.on_commit(lambda: [storage.delete(name) for name in files if name])


def statement_correct(
    *, acting_user: User, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> Statement:
    """Start a correction of a released statement: a new draft version that supersedes it."""
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        invitation = _lock_invitation(statement.invitation_id)
        old = Statement.objects.select_for_update(of=("self",)).get(pk=statement.pk)
        if not user_may(checker, acting_user, EDIT, old):
            raise _not_permitted()
        if old.state != StatementState.RELEASED:
            raise ContentError(
                _(
                    "Nur eine freigegebene Stellungnahme kann korrigiert werden; ändern Sie den "
                    "Entwurf direkt."
                ),
                status=409,
            )
        _check_window(invitation)
        try:
            # A savepoint: the one-to-one `supersedes` refuses a second correction.
            with transaction.atomic():
                new = Statement.objects.create(
                    body_id=old.body_id,
                    round_id=old.round_id,
                    invitation_id=old.invitation_id,
                    department_id=old.department_id,
                    organisation_id=old.organisation_id,
                    section_id=old.section_id,
                    position=old.position,
                    text=old.text,
                    version=old.version + 1,
                    supersedes=old,
                    drafted_by=acting_user,
                )
        except IntegrityError:
            raise ContentError(
                _(
                    "Zu Fassung %(version)d dieser Stellungnahme gibt es bereits eine "
                    "Korrektur; bearbeiten Sie diese."
                )
                % {"version": old.version},
                status=409,
            ) from None
        new.co_signers.set(old.co_signers.all())
    return new


def statement_release(
    *,
    acting_user: User,
    statement: Statement,
    expected_state: str | None = StatementState.DRAFT,
    comment: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Release a draft statement; its invitation and its co-signers' count as answered.

    The four-eyes rule and the invitations' answers run in the release's transaction
    (`release_consequences`), whoever fires it.
    """
    return transition_fire(
        acting_user=acting_user,
        obj=statement,
        transition="release",
        comment=comment,
        expected_state=expected_state,
        checker=checker,
    )


def four_eyes_reason(statement: Statement, user: User) -> str:
    """Return why this user may not release the statement (four-eyes rule), or ""."""
    organisation = statement.organisation
    if organisation is None or not organisation.second_person_release:
        return ""
    if statement.drafted_by_id != user.pk:
        return ""
    return _(
        "%(organisation)s verlangt die Freigabe durch eine zweite Person: Sie haben diese "
        "Stellungnahme zuletzt bearbeitet und können sie daher nicht selbst freigeben. "
        "Bitten Sie eine andere berechtigte Person um die Freigabe."
    ) % {"organisation": organisation}


def release_consequences(obj: models.Model, acting_user: User, log: TransitionLog) -> None:
    """Inside a statement's release: enforce four eyes, mark the invitations answered."""
    assert isinstance(obj, Statement)
    statement = Statement.objects.select_related("organisation").get(pk=obj.pk)
    reason = four_eyes_reason(statement, acting_user)
    if reason:
        # Raised inside the transition's transaction: the release is rolled back.
        raise TransitionBlocked(reason, reasons=(reason,), overridable=False)
    signers = list(statement.co_signers.order_by().values_list("pk", flat=True))
    # Lock every invitation concerned in one order: two joint statements released at once
    # that name each other's invitee then wait for each other instead of deadlocking.
    involved = sorted({statement.invitation_id, *signers})
    list(Invitation.objects.select_for_update(of=("self",)).filter(pk__in=involved).order_by("pk"))
    own = Invitation.objects.only("pk", "state", "body_id").get(pk=statement.invitation_id)
    if own.state in OPEN_INVITATION_STATES:
        transition_fire(
            acting_user=acting_user,
            obj=own,
            transition="submit",
            expected_state=own.state,
        )
    for pk in sorted(signers):
        _co_signer_submit(pk, statement=statement, acting_user=acting_user)


def _co_signer_submit(pk: int, *, statement: Statement, acting_user: User) -> None:
    """Mark a co-signer's invitation answered by the joint statement.

    Not through `transition_fire`: the releasing person holds no permission on the other
    invitee, and needs none. The answer is the consequence of an act they are permitted
    (releasing their own statement, which names the co-signer), not an act on the other
    invitation; the history row says so and names the joint statement.
    """
    locked = lock_row(Invitation, pk)
    assert isinstance(locked, Invitation)
    source = str(locked.state)
    if source not in OPEN_INVITATION_STATES:
        return
    locked.submit()
    locked.save(update_fields=["state", "updated_at"])
    comment = _(
        "Gemeinsame Stellungnahme von %(author)s (Fassung %(version)d) freigegeben; sie gilt "
        "auch für diese Einladung."
    ) % {"author": statement.invitee, "version": statement.version}
    log = record_transition(
        locked,
        acting_user=acting_user,
        transition="submit",
        source=source,
        target=str(locked.state),
        comment=comment,
        override_reason="",
    )
    for effect in side_effects(Invitation, "submit"):
        effect(locked, acting_user, log)


def invitation_decline(
    *,
    acting_user: User,
    invitation: Invitation,
    comment: str = "",
    expected_state: str | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Decline to give a statement."""
    return transition_fire(
        acting_user=acting_user,
        obj=invitation,
        transition="decline",
        comment=comment,
        expected_state=expected_state,
        checker=checker,
    )


def invitation_extension_request(
    *,
    acting_user: User,
    invitation: Invitation,
    until: dt.date,
    reason: str,
    expected_state: str | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Ask for a later deadline: the reason is the transition's comment, the date is kept."""
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked = _lock_invitation(invitation.pk)
        # The permission first, so that a refused user learns nothing about the deadline.
        if not user_may(checker, acting_user, RESPOND, locked):
            raise TransitionNotPermitted(
                _("Sie dürfen „%(action)s“ hier nicht ausführen.")
                % {"action": _("Fristverlängerung beantragen")}
            )
        current = locked.deadline
        if until <= current:
            raise ExtensionDateRefused(
                _(
                    "Das gewünschte Datum (%(until)s) muss nach der bisherigen Frist "
                    "(%(due)s) liegen."
                )
                % {
                    "until": date_format(until, "SHORT_DATE_FORMAT"),
                    "due": date_format(current, "SHORT_DATE_FORMAT"),
                }
            )
        # Written before the transition, which checks that a date is there (whoever fires
        # it); a refused transition rolls the date back with it.
        Invitation.objects.filter(pk=locked.pk).update(extension_requested_until=until)
        return transition_fire(
            acting_user=acting_user,
            obj=locked,
            transition="request_extension",
            comment=reason,
            expected_state=expected_state,
            checker=checker,
        )


def extension_date_required(obj: models.Model, acting_user: User, log: TransitionLog) -> None:
    """Inside an extension request: refuse it without the requested date."""
    assert isinstance(obj, Invitation)
    if obj.extension_requested_until is None:
        message = _("Bitte geben Sie an, bis wann Sie die Frist verlängern möchten.")
        raise TransitionBlocked(message, reasons=(message,), overridable=False)


class ExtensionDateRefused(TransitionError):
    """The requested date is not after the current deadline."""

    status = 400
