"""Transition conditions that explain why they fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planning_cycle.models import Phase


class Condition:
    """A pure check on an instance with a message saying why it fails."""

    def __init__(self, check: Callable[[Any], bool], message: Callable[[Any], str]) -> None:
        self.check = check
        self.message = message
        self.__name__ = getattr(check, "__name__", "condition")

    def __call__(self, instance: Any) -> bool:
        return bool(self.check(instance))

    def explain(self, instance: Any) -> str:
        """Return why the condition fails for this instance."""
        return self.message(instance)


def cycle_phase(instance: Any) -> str:
    """Return the phase of the instance's cycle, as read with the locked row if it was."""
    # The transition service annotates the locked row with it (`locked_cycle_phase`).
    phase = instance.__dict__.get("locked_cycle_phase")
    return str(phase if phase is not None else instance.cycle.phase)


def in_phase(phase: Phase) -> Condition:
    """Require the object's cycle to be in the given phase."""

    def check(instance: Any) -> bool:
        return cycle_phase(instance) == phase

    def message(instance: Any) -> str:
        return _("Nur in der Phase „%(phase)s“ möglich; der Zyklus ist in „%(current)s“.") % {
            "phase": phase.label,
            "current": Phase(cycle_phase(instance)).label,
        }

    check.__name__ = f"in_phase_{phase.value}"
    return Condition(check, message)


class RequiredAnswers(Condition):
    """Require text in each of the named fields; the message names the missing ones."""

    def __init__(self, *fields: str) -> None:
        self.fields = fields
        super().__init__(lambda instance: not self.missing(instance), self._message)
        self.__name__ = "required_answers"

    def missing(self, instance: Any) -> list[str]:
        """Return the names of the required fields that hold no text (blanks do not count)."""
        return [name for name in self.fields if not str(getattr(instance, name) or "").strip()]

    def _message(self, instance: Any) -> str:
        missing = self.missing(instance)
        labels = ", ".join(
            _("„%(question)s“") % {"question": instance._meta.get_field(name).verbose_name}
            for name in missing
        )
        return ngettext(
            "Zum Einreichen fehlt noch die Antwort auf %(questions)s.",
            "Zum Einreichen fehlen noch die Antworten auf %(questions)s.",
            len(missing),
        ) % {"questions": labels}


def is_route(condition: Any) -> bool:
    """Whether a condition decides which way an object goes (not offered when it fails)."""
    return bool(getattr(condition, "route", False))


def explain_failure(condition: Any, instance: Any) -> str:
    """Return the reason a condition fails, also for plain callables."""
    if isinstance(condition, Condition) or callable(getattr(condition, "explain", None)):
        return str(condition.explain(instance))
    return _("Bedingung „%(name)s“ ist nicht erfüllt.") % {
        "name": getattr(condition, "__name__", "?")
    }


# A warning does not block a transition: it is shown before it is fired (the web asks to
# confirm it) and reported with its result. A transition names its warnings
# (`custom={"warnings": (...)}`); the workflow packages register them by name.
Warning = Callable[[Any], str | None]

WARNINGS: dict[str, Warning] = {}


def warning_register(name: str, check: Warning) -> Warning:
    """Register a warning a transition names; it returns the text, or None when all is well."""
    WARNINGS[name] = check
    return check
