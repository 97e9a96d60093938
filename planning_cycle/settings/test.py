"""Settings for the test suite: fast hashing, in-memory e-mail, eager-free Celery."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Only the live Celery tests set this, for the worker processes they start: a mail sink of
# the test. EMAIL_URL is not used here, so a developer's mail server never gets test mail.
if env.str("TEST_EMAIL_URL", default=""):
    vars().update(env.email("TEST_EMAIL_URL"))
LANGUAGE_CODE = "de"
# Each test process keeps its own cache, even when REDIS_URL is set: rate-limit counters
# must not leak between test runs that share a Redis database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-axes stays on (tests/web/test_login_throttle.py). Its backend needs the request:
# `client.force_login(user)` needs none; `client.login(...)` must pass `request=HttpRequest()`.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["OPTIONS"] = {}
# schemathesis sends thousands of requests with one token: the rate limit must not trip
# (tests/api/test_throttling.py proves it with a low rate of its own).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "1000000/hour"}}  # noqa: F405
# A workflow that exists only in the tests proves that a new workflow plugs into the
# engine with one declaration (tests/workflows/test_registry.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.memo"]  # noqa: F405
# Uploaded files of the tests go to a directory of their own, removed with the machine's tmp.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="planning-private-"))
