"""Where workflow documents and attachments are kept: a private directory no URL points into."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: its files are handed out by a gated view only."""

    @property
    def base_url(self) -> None:  # type: ignore[override]
        # FileSystemStorage would fall back to MEDIA_URL; private files have no address.
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through the access gate")


class _PrivateStorage(LazyObject):
    # Lazy, so that a test's settings (a temporary directory) take effect.
    def _setup(self) -> None:
        self._wrapped = PrivateFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def private_storage() -> Any:
    """Return the storage of private files (callable, so migrations do not embed a path)."""
    return _PrivateStorage()
