"""Helpers of the API tests."""

from __future__ import annotations


def bearer(secret: str) -> dict[str, str]:
    """The test client's keyword arguments for `Authorization: Bearer <secret>`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
