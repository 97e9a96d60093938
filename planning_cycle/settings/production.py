"""Production settings: refuse to start without a strong secret or with DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY, STORAGES, env

# The same rules as Django's deploy check (security.W009), enforced at start.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SECRET_KEY_INSECURE_PREFIX = "django-insecure"


def secret_key_problem(key: str) -> str | None:
    """Return what makes the key unfit for production, or None for a strong key."""
    if not key:
        return "SECRET_KEY must be set in production."
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return (
            f"SECRET_KEY starts with '{SECRET_KEY_INSECURE_PREFIX}': it is a generated "
            "development key; set a new random one."
        )
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return (
            f"SECRET_KEY is too short: {len(key)} characters, at least "
            f"{SECRET_KEY_MIN_LENGTH} are needed."
        )
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"SECRET_KEY has only {len(set(key))} distinct characters, at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} are needed."
        )
    return None


_problem = secret_key_problem(SECRET_KEY)
if _problem:
    raise ImproperlyConfigured(_problem)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS only: plain HTTP is redirected, and browsers are told to use HTTPS for a year.
# Subdomains are left out by default: an administration's other hosts may not all have
# HTTPS yet. SECURE_HSTS_SECONDS=0 switches HSTS off (e.g. while trying out TLS).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
