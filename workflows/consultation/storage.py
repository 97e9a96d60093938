"""Where the consultation documents are kept: the engine's private storage, named here.

The migrations name `private_storage` and `upload_path` of this module: keep both.
"""

from __future__ import annotations

import uuid
from typing import Any

from workflows.storage import PrivateFileSystemStorage, private_storage

__all__ = ["PrivateFileSystemStorage", "private_storage", "upload_path"]


def upload_path(instance: Any, filename: str) -> str:
    """Return a stored name that reveals nothing of the original name (kept in a column)."""
    return f"consultation/{instance.body_id}/{instance.round_id}/{uuid.uuid4().hex}"
