"""App configuration of the council papers (a workflow package with models of its own)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows.council"
    label = "council"
    verbose_name = _("Vorlagen und Sitzungen")

    def ready(self) -> None:
        from . import workflow

        workflow.register()
