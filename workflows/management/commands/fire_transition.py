"""Fire one workflow transition from the command line, through the transition service."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from planning_cycle.models import User
from workflows.access import workflow_object
from workflows.registry import workflows
from workflows.services.transitions import TransitionError, transition_fire


def _models() -> dict[str, Any]:
    return {str(w.model._meta.model_name): w.model for w in workflows()}


class Command(BaseCommand):
    help = "Fire a transition as a user, e.g. departmentreview 12 accept --user leitung"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model", choices=sorted(_models()))
        parser.add_argument("id", type=int)
        parser.add_argument("transition")
        parser.add_argument("--user", required=True, help="username of the acting user")
        parser.add_argument("--comment", default="")
        parser.add_argument("--override-reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        model = _models()[options["model"]]
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist as exc:
            raise CommandError(_("Benutzer „%s“ gibt es nicht.") % options["user"]) from exc
        # The acting user finds what the access gate lets them see, as every other caller.
        if user.is_superuser:
            obj = model._default_manager.filter(pk=options["id"]).first()
        else:
            obj = workflow_object(model, user=user, pk=options["id"])
        if obj is None:
            raise CommandError(
                _("%(model)s %(id)d gibt es nicht.")
                % {"model": model._meta.verbose_name, "id": options["id"]}
            )
        try:
            result = transition_fire(
                acting_user=user,
                obj=obj,
                transition=options["transition"],
                comment=options["comment"],
                override_reason=options["override_reason"],
            )
        except TransitionError as exc:
            raise CommandError(exc.message) from exc
        log = result.log
        self.stdout.write(
            _("%(obj)s: %(source)s → %(target)s (Verlaufseintrag %(log)d)")
            % {
                "obj": result.obj,
                "source": log.source_state,
                "target": log.target_state,
                "log": log.pk,
            }
        )
