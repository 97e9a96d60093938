"""App configuration of the notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self) -> None:
        from workflows.services.transitions import TRANSITION_LISTENERS

        from .services.deadlines import deadlines_follow_transition

        # Deadlines open and close in the transaction of the transition that changes a task.
        if deadlines_follow_transition not in TRANSITION_LISTENERS:
            TRANSITION_LISTENERS.append(deadlines_follow_transition)
