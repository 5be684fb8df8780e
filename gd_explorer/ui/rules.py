"""The update rules and schedules the controls offer: the engine's own tables.

Names, labels, option defaults and ranges live in one place, the engine
(``gd_explorer.engine.optimizers`` and ``schedules``), which also checks them; the
controls build their fields from these and refuse what the engine would refuse.
No Qt here.
"""

from __future__ import annotations

from collections.abc import Mapping

from gd_explorer.engine import OPTIMIZERS, SCHEDULES, Choice, Option

__all__ = ["RULES", "SCHEDULES", "Choice", "Option", "allows"]

#: The update rules by the name ``Settings.optimizer`` takes.
RULES: Mapping[str, Choice] = OPTIMIZERS


def allows(spec: Option, value: float) -> bool:
    """Return whether ``value`` is in ``spec``'s range (and whole, if it must be)."""
    try:
        spec.check(value, "option")
    except ValueError:
        return False
    return True
