"""What the file tests share: the files on private storage, uploads of sample bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.support.consultation import Round, round_build
from tests.support.world import World
from workflows.consultation.models import ConsultationRound
from workflows.consultation.states import RoundState


def stored_files() -> set[Path]:
    """Return every file under the private storage's directory."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """Return an upload as a browser sends it (its content type is not to be trusted)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def round_with_state(world: World, state: str = RoundState.OPEN, **kwargs: Any) -> Round:
    """Build a round and put it in a state without its transitions' side effects.

    The files do not depend on how the round got there (invitation deadlines, messages);
    the transitions themselves are tested with the rounds.
    """
    built = round_build(world, open_=False, **kwargs)
    ConsultationRound.objects.filter(pk=built.round.pk).update(
        state=state, opened_at=None if state == RoundState.DRAFT else timezone.now()
    )
    built.round.refresh_from_db()
    return built
