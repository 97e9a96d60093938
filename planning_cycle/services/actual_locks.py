"""Which indicator actuals are locked: other apps register how they decide.

The core does not know why an actual is locked (the goal review is a workflow package);
a package registers a finder at app ready, and the import asks all of them at once:

    actuals_lock_register(review_locks)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from planning_cycle.models import Body, Indicator

# An indicator's actuals of a year, by primary key: (indicator id, year).
YearSlot = tuple[int, int]
# A finder gets the body and the indicators with the years asked about, and whether to lock
# the rows it decides on for the caller's transaction; it returns, for each locked slot, why
# in the user's language ("die Zielbilanzierung … angenommen ist; Korrekturen über …"). It
# reads a fixed number of queries, however many slots it is asked about.
LockFinder = Callable[[Body, Sequence[tuple[Indicator, int]], bool], dict[YearSlot, str]]

_FINDERS: list[LockFinder] = []


def actuals_lock_register(finder: LockFinder) -> LockFinder:
    """Register a finder of locked actuals (from an AppConfig.ready or a package's register)."""
    if finder not in _FINDERS:
        _FINDERS.append(finder)
    return finder


def actuals_locked(
    body: Body, slots: Sequence[tuple[Indicator, int]], *, lock: bool
) -> dict[YearSlot, str]:
    """Return why each locked (indicator, year) of the body is locked; unlocked ones are absent."""
    unique = list({(indicator.pk, year): (indicator, year) for indicator, year in slots}.values())
    reasons: dict[YearSlot, str] = {}
    if not unique:
        return reasons
    for finder in _FINDERS:
        for slot, reason in finder(body, unique, lock).items():
            reasons.setdefault(slot, reason)
    return reasons
