"""App configuration of the workflows."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"
    verbose_name = _("Abläufe")

    def ready(self) -> None:
        from workflows.agreements import workflow as agreements
        from workflows.cycle import workflow as cycle
        from workflows.submissions import workflow as submissions

        # Each workflow package declares its models to the registry.
        cycle.register()
        submissions.register()
        agreements.register()
