"""App configuration of the notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self) -> None:
        from workflows.services.rows import RECORD_COMPANIONS
        from workflows.services.transitions import TRANSITION_LISTENERS

        from .services.deadlines import deadlines_close_statement, deadlines_follow_transition

        # Deadlines close and open in the transaction of the transition that changes a task.
        if deadlines_close_statement not in RECORD_COMPANIONS:
            RECORD_COMPANIONS.append(deadlines_close_statement)
        if deadlines_follow_transition not in TRANSITION_LISTENERS:
            TRANSITION_LISTENERS.append(deadlines_follow_transition)
