"""App configuration of the workflows."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"
    verbose_name = _("Abläufe")

    def ready(self) -> None:
        from workflows.services import carry_over  # noqa: F401  (registers its hook)
