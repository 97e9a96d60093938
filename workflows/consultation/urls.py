"""Addresses of the consultation pages (stored deadlines link to them: keep them)."""

from .web import evaluation, files, organisations, rounds, statements

urlpatterns = [
    *rounds.urls,
    *statements.urls,
    *files.urls,
    *evaluation.urls,
    *organisations.urls,
]
