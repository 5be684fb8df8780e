"""Update rules: how a step turns a gradient into a move.

An update rule is a small object with per-run state, created fresh for each
run by :func:`make_optimizer`. The descent loop asks it where to evaluate the
gradient (``lookahead``; momentum-style rules look ahead) and then to apply
the gradient it got (``update``). New rules register in ``OPTIMIZERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class GradientDescent:
    """Plain gradient descent: θ ← θ − learning_rate · ∇J(θ)."""

    name = "gd"
    label = "Gradient descent"

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = learning_rate

    def lookahead(self, m: float, b: float) -> tuple[float, float]:
        """Return the point whose gradient the next update uses."""
        return m, b

    def update(self, m: float, b: float, gm: float, gb: float) -> tuple[float, float]:
        """Return the parameters after one step with gradient (gm, gb)."""
        rate = self.learning_rate
        return m - rate * gm, b - rate * gb


OptimizerFactory = Callable[..., GradientDescent]

#: Update rules by the name ``DescentConfig.optimizer`` takes.
OPTIMIZERS: dict[str, OptimizerFactory] = {"gd": GradientDescent}


def make_optimizer(
    name: str, learning_rate: float, options: Mapping[str, Any] | None = None
) -> GradientDescent:
    """Return a fresh update rule ``name`` with the given hyper-parameters."""
    try:
        factory = OPTIMIZERS[name]
    except KeyError:
        known = ", ".join(sorted(OPTIMIZERS))
        raise ValueError(f"unknown optimizer {name!r}; available: {known}") from None
    return factory(learning_rate, **dict(options or {}))
