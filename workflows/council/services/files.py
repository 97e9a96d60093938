"""Attach and remove the main file and the attachments of a paper.

Papers' files are managed by the council office (`paper_manage`). Every file is checked by
its content first (`workflows.uploads`); one call is all or nothing: either every file is
stored with its row, or none is and no byte stays on disk. A new main file replaces the
previous one, which is kept as deleted (OParl lists deleted objects); a removed file is
kept as deleted too, its bytes are removed once the removal is committed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import User
from workflows.uploads import (
    CheckedUpload,
    UploadRefused,
    UploadsRefused,
    upload_check,
    uploads_check,
)

from ..models import Paper, PaperFile
from ..states import FileRole
from .base import MANAGE, CouncilError, checker_for, require

logger = logging.getLogger(__name__)


def _files_check(uploads: Sequence[Any], role: str, name: str) -> list[CheckedUpload]:
    if role == FileRole.MAIN and len(uploads) > 1:
        raise CouncilError(_("Eine Vorlage hat genau ein Hauptdokument."), "files")
    if name:
        if len(uploads) != 1:
            raise CouncilError(_("Ein Dateiname passt nur zu genau einer Datei."), "name")
        try:
            return [upload_check(uploads[0], name=name)]
        except UploadRefused as exc:
            raise CouncilError(exc.message, "files") from None
    try:
        return uploads_check(uploads)
    except UploadsRefused as exc:
        raise CouncilError(" ".join(exc.messages), "files") from None


def paper_files_attach(
    *,
    acting_user: User,
    paper: Paper,
    uploads: Sequence[Any],
    role: str = FileRole.ATTACHMENT,
    public: bool = True,
    name: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> list[PaperFile]:
    """Store uploads as the paper's main file or attachments, all or none.

    `name`, if given, is the name a single upload is stored under instead of its own.
    """
    checker = checker_for(acting_user, checker)
    # The permission first: a refused user learns nothing about their files.
    require(
        acting_user, checker, MANAGE, paper, _("Sie dürfen die Dateien der Vorlage nicht ändern.")
    )
    if role not in FileRole.values:
        raise CouncilError(_("Bitte wählen Sie die Art der Datei aus der Liste."), "role")
    checked = _files_check(uploads, role, name.strip())
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Paper.objects.select_for_update().get(pk=paper.pk, deleted=False)
            if role == FileRole.MAIN:
                PaperFile.objects.filter(paper=locked, role=FileRole.MAIN, deleted=False).update(
                    deleted=True, updated_at=timezone.now()
                )
            last = PaperFile.objects.filter(paper=locked).aggregate(m=Max("position"))["m"]
            position = (last or 0) + 1
            rows = []
            for upload, facts in zip(uploads, checked, strict=True):
                row = PaperFile(
                    body_id=locked.body_id,
                    paper=locked,
                    role=role,
                    name=facts.name,
                    media_type=facts.media_type,
                    size=facts.size,
                    sha256=facts.sha256,
                    public=public and locked.public,
                    position=0 if role == FileRole.MAIN else position,
                    uploaded_by=acting_user,
                )
                position += 1
                if hasattr(upload, "seek"):
                    upload.seek(0)
                content = upload if isinstance(upload, File) else File(upload, name=facts.name)
                row.file.save(facts.name, content, save=False)
                stored.append(str(row.file.name))
                row.save()
                rows.append(row)
            Paper.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    except BaseException:
        _delete_stored(stored)
        raise
    return rows


def paper_file_remove(
    *,
    acting_user: User,
    file: PaperFile,
    checker: ObjectPermissionChecker | None = None,
) -> None:
    """Remove a file of a paper (kept as deleted); its bytes go once that is committed."""
    checker = checker_for(acting_user, checker)
    require(
        acting_user, checker, MANAGE, file, _("Sie dürfen die Dateien der Vorlage nicht ändern.")
    )
    with transaction.atomic():
        changed = PaperFile.objects.filter(pk=file.pk, deleted=False).update(
            deleted=True, updated_at=timezone.now()
        )
        if not changed:
            raise CouncilError(_("Die Datei wurde bereits entfernt."), status=409)
        Paper.objects.filter(pk=file.paper_id).update(updated_at=timezone.now())
        name = str(file.file.name)
        transaction.on_commit(lambda: _delete_stored([name]))


def _delete_stored(names: Sequence[str]) -> None:
    storage = PaperFile._meta.get_field("file").storage  # type: ignore[attr-defined]
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("could not delete stored file %s", name)
