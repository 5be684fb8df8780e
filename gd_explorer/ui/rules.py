"""The update rules and schedules the controls offer: names, labels, option defaults and ranges.

One table each, mirroring ``../shared/DESIGN.md`` to the letter and shaped like the engine's
own description of them (``Choice`` with ``Option`` specs), so that once the engine exports
its tables the two lines at the bottom become imports of ``OPTIMIZERS`` and ``SCHEDULES``.
No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a rule or schedule: its default, its allowed range and what it means.

    ``low`` and ``high`` bound the value; ``low_open``/``high_open`` say whether the bound
    itself is excluded. ``whole`` options take whole numbers only.
    """

    name: str
    default: float
    label: str
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    whole: bool = False

    def describe_range(self) -> str:
        """Return the allowed range in words, e.g. ``in [0, 1)`` or ``> 0``."""
        kind = "a whole number" if self.whole else "a finite number"
        if math.isinf(self.low) and math.isinf(self.high):
            return kind
        if math.isinf(self.high):
            return f"{kind} {'>' if self.low_open else '≥'} {self.low:g}"
        if math.isinf(self.low):
            return f"{kind} {'<' if self.high_open else '≤'} {self.high:g}"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{kind} in {left}{self.low:g}, {self.high:g}{right}"


@dataclass(frozen=True, slots=True)
class Choice:
    """A named choice (an update rule or a schedule), its formula and its options."""

    name: str
    label: str
    description: str
    specs: tuple[Option, ...] = ()


def allows(spec: Option, value: float) -> bool:
    """Return whether ``value`` is in ``spec``'s range (and whole, if it must be)."""
    if not math.isfinite(value) or (spec.whole and not float(value).is_integer()):
        return False
    above = value > spec.low if spec.low_open else value >= spec.low
    below = value < spec.high if spec.high_open else value <= spec.high
    return above and below


def defaults(choice: Choice) -> dict[str, float]:
    """Return each option of ``choice`` at its default."""
    return {spec.name: float(spec.default) for spec in choice.specs}


_BETA = Option("beta", 0.9, "momentum β", 0.0, 1.0, high_open=True)

_RULES: dict[str, Choice] = {
    rule.name: rule
    for rule in (
        Choice("gd", "Gradient descent", "θ ← θ − α g"),
        Choice("momentum", "Momentum", "v ← β v + g; θ ← θ − α v", (_BETA,)),
        Choice("nesterov", "Nesterov momentum", "v ← β v + g; θ ← θ − α (g + β v)", (_BETA,)),
        Choice(
            "adagrad",
            "AdaGrad",
            "G ← G + g²; θ ← θ − α g / (√G + ε)",
            (Option("eps", 1e-10, "ε", 0.0, low_open=True),),
        ),
        Choice(
            "rmsprop",
            "RMSProp",
            "s ← ρ s + (1 − ρ) g²; θ ← θ − α g / (√s + ε)",
            (
                Option("rho", 0.99, "decay ρ", 0.0, 1.0, high_open=True),
                Option("eps", 1e-8, "ε", 0.0, low_open=True),
            ),
        ),
        Choice(
            "adam",
            "Adam",
            "m ← β₁ m + (1 − β₁) g; v ← β₂ v + (1 − β₂) g²; "
            "θ ← θ − α m̂ / (√v̂ + ε) with bias-corrected m̂, v̂",
            (
                Option("beta1", 0.9, "β₁", 0.0, 1.0, high_open=True),
                Option("beta2", 0.999, "β₂", 0.0, 1.0, high_open=True),
                Option("eps", 1e-8, "ε", 0.0, low_open=True),
            ),
        ),
        Choice("newton", "Newton's method", "θ ← θ − α H⁻¹ g"),
        Choice(
            "linesearch",
            "Line search (Armijo)",
            "s from α, times shrink until J(θ − s g) ≤ J(θ) − c s |g|²; θ ← θ − s g",
            (
                Option("shrink", 0.5, "shrink factor", 0.0, 1.0, low_open=True, high_open=True),
                Option(
                    "c", 1e-4, "sufficient decrease c", 0.0, 1.0, low_open=True, high_open=True
                ),
            ),
        ),
    )
}

_SCHEDULES: dict[str, Choice] = {
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

#: The update rules by the name ``Settings.optimizer`` takes (the engine's, once exported).
RULES: Mapping[str, Choice] = _RULES
#: The learning-rate schedules by the name ``Settings.schedule`` takes.
SCHEDULES: Mapping[str, Choice] = _SCHEDULES
