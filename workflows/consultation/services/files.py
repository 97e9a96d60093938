"""Attach and remove the documents of a round and the attachments of a statement.

A round's documents are managed by those who run consultations (`consultation_manage`)
while the round is a draft or open; a statement's attachments by its invitee's people
(`statement_edit`) while the statement is a draft: a released statement never changes.
Every file is checked by content first (`workflows.consultation.uploads`); one call is all
or nothing: either every file is stored with its row, or none is and no byte stays on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import User

from ..models import MANAGE, ConsultationFile, ConsultationRound, Statement
from ..states import RoundState, StatementState
from ..uploads import CheckedUpload, UploadsRefused, uploads_check

logger = logging.getLogger(__name__)

EDIT = "planning_cycle.statement_edit"
# A round's documents change while it is prepared and while statements are given.
ROUND_DOCUMENT_STATES = (RoundState.DRAFT, RoundState.OPEN)
# Statements are drafted while the round takes them (closed: for extended invitations).
STATEMENT_ROUND_STATES = (RoundState.OPEN, RoundState.CLOSED)
# More files in one request are refused: nobody attaches that many at once on purpose.


class FileError(Exception):
    """A file operation was refused; `messages` tell the user why (one per bad file)."""

    def __init__(self, *messages: str, status: int = 400) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)
        self.message = " ".join(messages)
        self.status = status


def _not_permitted() -> FileError:
    return FileError(_("Sie dürfen die Dateien hier nicht ändern."), status=403)


def _locked_owner(
    round_: ConsultationRound, statement: Statement | None
) -> tuple[ConsultationRound, Statement | None]:
    """Lock the round (and the statement), so a release or a transition waits for us."""
    locked_round = ConsultationRound.objects.select_for_update().get(pk=round_.pk)
    locked_statement = (
        Statement.objects.select_for_update().get(pk=statement.pk) if statement else None
    )
    return locked_round, locked_statement


def _check_may_change(
    user: User,
    checker: ObjectPermissionChecker,
    round_: ConsultationRound,
    statement: Statement | None,
) -> None:
    """Refuse unless the user may change the files of this round or statement now."""
    if statement is None:
        if not user_may(checker, user, MANAGE, round_):
            raise _not_permitted()
        if round_.state not in ROUND_DOCUMENT_STATES:
            raise FileError(
                _(
                    "Die Unterlagen des Verfahrens können nur im Entwurf und während der "
                    "Beteiligung geändert werden; das Verfahren ist „%(state)s“."
                )
                % {"state": round_.get_state_display()},
                status=409,
            )
        return
    if not user_may(checker, user, EDIT, statement):
        raise _not_permitted()
    if statement.state != StatementState.DRAFT:
        raise FileError(
            _(
                "Die Stellungnahme ist freigegeben und ändert sich nicht mehr; Anlagen "
                "gehören zu einer neuen Fassung."
            ),
            status=409,
        )
    if round_.state not in STATEMENT_ROUND_STATES:
        raise FileError(
            _("Das Verfahren nimmt keine Stellungnahmen an; es ist „%(state)s“.")
            % {"state": round_.get_state_display()},
            status=409,
        )


def files_check(uploads: Sequence[Any]) -> list[CheckedUpload]:
    """Check every upload; refuse all with one message per bad file if any is bad."""
    try:
        return uploads_check(uploads)
    except UploadsRefused as exc:
        raise FileError(*exc.messages) from None


def files_attach(
    *,
    acting_user: User,
    round: ConsultationRound,
    statement: Statement | None = None,
    uploads: Sequence[Any],
    checker: ObjectPermissionChecker | None = None,
) -> list[ConsultationFile]:
    """Store uploads as documents of the round or attachments of the statement, all or none."""
    if statement is not None and statement.round_id != round.pk:
        raise ValueError("the statement belongs to another round")
    checker = checker or ObjectPermissionChecker(acting_user)
    # The permission first: a refused user learns nothing about their files.
    _check_may_change(acting_user, checker, round, statement)
    checked = files_check(uploads)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked_round, locked_statement = _locked_owner(round, statement)
            _check_may_change(acting_user, checker, locked_round, locked_statement)
            rows = []
            for upload, facts in zip(uploads, checked, strict=True):
                row = ConsultationFile(
                    body_id=locked_round.body_id,
                    round=locked_round,
                    statement=locked_statement,
                    name=facts.name,
                    media_type=facts.media_type,
                    size=facts.size,
                    sha256=facts.sha256,
                    uploaded_by=acting_user,
                )
                _rewind(upload)
                content = upload if isinstance(upload, File) else File(upload, name=facts.name)
                row.file.save(facts.name, content, save=False)
                stored.append(str(row.file.name))
                row.save()
                rows.append(row)
    except BaseException:
        # Nothing of a refused or failed call stays on disk.
        _delete_stored(stored)
        raise
    return rows


def file_attach(
    *,
    acting_user: User,
    round: ConsultationRound,
    statement: Statement | None = None,
    upload: Any,
    checker: ObjectPermissionChecker | None = None,
) -> ConsultationFile:
    """Store one upload as a document of the round or an attachment of the statement."""
    return files_attach(
        acting_user=acting_user,
        round=round,
        statement=statement,
        uploads=[upload],
        checker=checker,
    )[0]


def file_remove(
    *,
    acting_user: User,
    file: ConsultationFile,
    checker: ObjectPermissionChecker | None = None,
) -> None:
    """Remove a document or attachment; its stored bytes go once the removal is committed."""
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked_round, locked_statement = _locked_owner(file.round, file.statement)
        _check_may_change(acting_user, checker, locked_round, locked_statement)
        deleted, _counts = ConsultationFile.objects.filter(pk=file.pk).delete()
        if not deleted:
            raise FileError(_("Die Datei wurde bereits entfernt."), status=409)
        name = str(file.file.name)
        transaction.on_commit(lambda: _delete_stored([name]))


def _rewind(upload: Any) -> None:
    if hasattr(upload, "seek"):
        upload.seek(0)


def _delete_stored(names: Sequence[str]) -> None:
    storage = ConsultationFile._meta.get_field("file").storage  # type: ignore[attr-defined]
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("could not delete stored file %s", name)
