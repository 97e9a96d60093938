"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planning_cycle.settings.local")

app = Celery("planning_cycle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
