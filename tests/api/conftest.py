"""Fixtures shared by the API tests: personal API tokens and their Authorization header."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from planning_cycle.models import TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.support.api import bearer

__all__ = ["bearer"]


@pytest.fixture
def token_for(db: None) -> Callable[..., str]:
    """Return a function that creates an API token for a user and returns its secret."""
    count = 0

    def make(user: User, scope: str = TokenScope.READ_WRITE) -> str:
        nonlocal count
        count += 1
        _token, secret = api_token_create(acting_user=user, name=f"Test {count}", scope=scope)
        return secret

    return make


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each API test starts and ends in the default language (German).

    A request in English (Accept-Language, or the user's language) leaves English active in
    the thread: LocaleMiddleware activates it and nothing deactivates it.
    """
    translation.deactivate()
    yield
    translation.deactivate()
