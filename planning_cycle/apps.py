"""App configuration of the core domain."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningCycleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planning_cycle"
    verbose_name = _("Planungszyklus")

    def ready(self) -> None:
        # Registers the token authentication with drf-spectacular's schema generator.
        from planning_cycle.api import schema  # noqa: F401
