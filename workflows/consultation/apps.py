"""App configuration of the consultation rounds (a workflow package with models of its own)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows.consultation"
    label = "consultation"
    verbose_name = _("Beteiligungsverfahren")

    def ready(self) -> None:
        from . import workflow

        workflow.register()
