"""App configuration of the notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self) -> None:
        from workflows.registry import on_created, on_due_changed, on_transition

        from .services.deadlines import (
            deadlines_due_refresh,
            deadlines_follow_transition,
            deadlines_open_for_created,
        )

        # Deadlines close and open in the transaction of the transition that changes a
        # task, and open for the workflow objects that services create.
        on_transition(deadlines_follow_transition)
        on_created(deadlines_open_for_created)
        # A moved meeting moves the results due after it.
        on_due_changed(deadlines_due_refresh)

        from planning_cycle.services.cycles import on_cycle_opened

        from .services.milestones import milestone_deadlines_open

        # A new cycle's milestones open their deadlines like its phases' tasks do.
        on_cycle_opened(milestone_deadlines_open)

        from workflows.consultation.models import ConsultationRound

        from .services.consultation import round_deadlines_cancel

        # A cancelled round asks nobody for anything any more.
        on_transition(round_deadlines_cancel, model=ConsultationRound, transition="cancel")
