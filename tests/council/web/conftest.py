"""Fixtures of the council page tests."""

from tests.council.web.support import council

__all__ = ["council"]
