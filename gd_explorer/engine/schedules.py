"""Learning-rate schedules: the rate α_t of update t = 0, 1, … from the base rate α.

The formulas are DESIGN's, to the letter (``steps`` is the run's number of steps):

- ``constant``: α
- ``step`` {every 100, factor 0.5}: α · factor^⌊t / every⌋
- ``exponential`` {factor 0.99}: α · factorᵗ
- ``inverse`` {decay 0.01}: α / (1 + decay · t)
- ``cosine`` {min_rate 0}: min_rate + (α − min_rate)(1 + cos(π t / steps)) / 2

The rate is α for every update rule: Newton's α and the line search's first step too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from gd_explorer.engine.optimizers import Choice, Option, choose

#: Schedules by the name ``DescentConfig.schedule`` takes (label, formula, options).
SCHEDULES: dict[str, Choice] = {
    choice.name: choice
    for choice in (
        Choice("constant", "Constant", "α_t = α"),
        Choice(
            "step",
            "Step decay",
            "α_t = α · factor^⌊t / every⌋",
            (
                Option("every", 100, "steps between drops", 1.0, whole=True),
                Option("factor", 0.5, "factor at each drop", 0.0, 1.0, low_open=True),
            ),
        ),
        Choice(
            "exponential",
            "Exponential decay",
            "α_t = α · factorᵗ",
            (Option("factor", 0.99, "factor per step", 0.0, 1.0, low_open=True),),
        ),
        Choice(
            "inverse",
            "Inverse time (1/t)",
            "α_t = α / (1 + decay · t)",
            (Option("decay", 0.01, "decay per step", 0.0),),
        ),
        Choice(
            "cosine",
            "Cosine",
            "α_t = min + (α − min)(1 + cos(π t / steps)) / 2",
            (Option("min_rate", 0.0, "smallest rate", 0.0),),
        ),
    )
}

Schedule = Callable[[int], float]


def validate_schedule(name: Any, options: Mapping[str, Any] | None) -> Mapping[str, float]:
    """Return ``options`` checked for schedule ``name`` (``ValueError`` if unknown or bad)."""
    return choose(SCHEDULES, name, "schedule").validate(options, "schedule")


def make_schedule(
    name: str, rate: float, steps: int, options: Mapping[str, Any] | None = None
) -> Schedule | None:
    """Return t ↦ α_t for schedule ``name`` from base rate ``rate``; None for ``constant``.

    None lets the loop keep one rate without a call per step.
    """
    choice = choose(SCHEDULES, name, "schedule")
    values = choice.resolve(choice.validate(options, "schedule"))
    if name == "step":
        every, factor = int(values["every"]), values["factor"]
        return lambda t: rate * factor ** (t // every)
    if name == "exponential":
        factor = values["factor"]
        return lambda t: rate * factor**t
    if name == "inverse":
        decay = values["decay"]
        return lambda t: rate / (1.0 + decay * t)
    if name == "cosine":
        low = values["min_rate"]
        return lambda t: low + (rate - low) * (1.0 + math.cos(math.pi * t / steps)) / 2.0
    return None


def scheduled_rate(
    name: str, rate: float, t: int, steps: int, options: Mapping[str, Any] | None = None
) -> float:
    """Return the rate α_t of update ``t`` (0 is the first) under schedule ``name``."""
    schedule = make_schedule(name, rate, steps, options)
    return rate if schedule is None else schedule(t)
