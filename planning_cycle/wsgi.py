"""WSGI entry point for gunicorn; production sets DJANGO_SETTINGS_MODULE (docs/operations.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planning_cycle.settings.local")
application = get_wsgi_application()
