"""Settings for running the product on one machine (make run)."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

# Off unless asked for (DEBUG=true): the demo shows the product's own error pages, never
# Django's debug page listing the URL patterns.
DEBUG = env.bool("DEBUG", default=False)
# A fixed development key is acceptable here only; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"
# With DEBUG off runserver serves no static files: WhiteNoise serves them straight from
# the source folders, so the demo needs no collectstatic.
WHITENOISE_USE_FINDERS = True


def site_url_for(web_address: str) -> str:
    """Return the address links point to for the address runserver listens on."""
    host, _, port = web_address.strip().rpartition(":")
    if not port.isdecimal():
        host, port = web_address.strip(), "8000"
    # A server listening on every interface is reached on this machine at 127.0.0.1.
    if host in ("", "0", "0.0.0.0", "[::]"):  # noqa: S104
        host = "127.0.0.1"
    return f"http://{host}:{port}"


# E-mails and calendar feeds link to where `make run` serves (WEB_ADDRESS, see Procfile)
# unless SITE_URL says otherwise.
SITE_URL = env.str("SITE_URL", default="") or site_url_for(
    env.str("WEB_ADDRESS", default="") or "127.0.0.1:8000"
)
