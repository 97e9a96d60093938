"""The planning cycle project package and its core domain."""

from .celery import app as celery_app

__all__ = ["celery_app"]
