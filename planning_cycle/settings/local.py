"""Settings for running the product on one machine (make run)."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=True)
# A fixed development key is acceptable here only; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"
