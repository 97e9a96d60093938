"""Guards that decide whether the cycle may leave a phase; management may override them.

A phase transition of the cycle names its guards (`custom={"guards": (...)}`); the
workflow packages register them by name (`guard_register`), so the engine knows none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import ngettext

from planning_cycle.models import PlanningCycle

# A guard returns None when the cycle may move on, else the reason in the user's language.
Guard = Callable[[PlanningCycle], str | None]

LISTED = 10

GUARDS: dict[str, Guard] = {}


def guard_register(name: str, guard: Guard) -> Guard:
    """Register the guard a cycle transition names."""
    GUARDS[name] = guard
    return guard


def listing(items: list[str]) -> str:
    """Return the first items, comma-separated, with an ellipsis when there are more."""
    shown = ", ".join(items[:LISTED])
    return shown + (" …" if len(items) > LISTED else "")


def missing_departments(rows: Iterable[tuple[str, str]], done: str, what: str) -> str | None:
    """Name the departments (code, state) not yet in state `done`, or None when all are."""
    rows = list(rows)
    missing = [code for code, state in rows if state != done]
    if not missing:
        return None
    return ngettext(
        "%(what)s kann nicht abgeschlossen werden: %(n)d von %(total)d Fachdiensten fehlt: "
        "%(list)s",
        "%(what)s kann nicht abgeschlossen werden: %(n)d von %(total)d Fachdiensten fehlen: "
        "%(list)s",
        len(missing),
    ) % {"what": what, "n": len(missing), "total": len(rows), "list": listing(missing)}
