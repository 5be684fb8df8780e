"""Feature scaling: standardise x, and what it does to the valley descent must cross.

Standardising replaces x by x' = (x − mean)/scale (mean 0, standard deviation 1).
A line y = m'·x' + b' on the new x is the line y = m·x + b on the old one with
m = m'/scale and b = b' − m'·mean/scale, so every result maps back exactly. The
cost is unchanged under that mapping (an L2 penalty on the slope becomes
l2/scale² on m'), only its shape in (m, b) changes: the article's long narrow
valley (condition number ≈ 202) becomes a round bowl (condition number 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gd_explorer.engine.analysis import RANK_SPREAD, reference_fit, stability
from gd_explorer.engine.dataset import Dataset, DatasetError
from gd_explorer.engine.descent import Descent, DescentConfig
from gd_explorer.engine.models import CostModel
from gd_explorer.engine.sweep import steps_to_reach

#: Most steps :func:`compare_scaling` lets each run take to reach the optimal cost.
SCALING_MAX_STEPS = 100_000
_CHUNK = 4096


def _pair(theta: ArrayLike) -> tuple[float, float]:
    m, b = (float(v) for v in np.asarray(theta, dtype=np.float64).reshape(2))
    return m, b


@dataclass(frozen=True, slots=True)
class Scaling:
    """A standardisation of x: x' = (x − mean)/scale."""

    mean: float
    scale: float

    def data(self, data: Dataset) -> Dataset:
        """Return ``data`` with x replaced by (x − mean)/scale (y unchanged)."""
        return Dataset((data.x - self.mean) / self.scale, data.y, data.name)

    def to_original(self, theta: ArrayLike) -> tuple[float, float]:
        """Return (m, b) on the original x for (m', b') on the standardised x.

        y = m'(x − mean)/scale + b' = (m'/scale)·x + (b' − m'·mean/scale).
        """
        m, b = _pair(theta)
        slope = m / self.scale
        return slope, b - slope * self.mean

    def from_original(self, theta: ArrayLike) -> tuple[float, float]:
        """Return (m', b') on the standardised x for (m, b) on the original x."""
        m, b = _pair(theta)
        return m * self.scale, b + m * self.mean

    def problem(self, problem: CostModel) -> CostModel:
        """Return the same cost model on the standardised data.

        Its cost at (m', b') equals ``problem``'s at :meth:`to_original` (m', b'): an
        L2 penalty (l2/2)·m² is (l2/scale²/2)·m'².
        """
        return type(problem)(self.data(problem.data), l2=problem.l2 / self.scale**2)

    def fixed(self, fixed: Mapping[str, float] | None) -> dict[str, float] | None:
        """Return held parameters in standardised units (as in ``DescentConfig.fixed``).

        A held slope m is a held m' = m·scale. A held intercept has no counterpart:
        b = b' − m'·mean/scale moves with the slope, so it raises ``ValueError``.
        """
        if not fixed:
            return None
        out: dict[str, float] = {}
        for key, value in fixed.items():
            name = str(key).lower()
            if name in ("m", "slope"):
                out["m"] = float(value) * self.scale
            elif name in ("b", "intercept"):
                raise ValueError(
                    "a held intercept cannot be kept when x is standardised (the intercept "
                    "then means the height at the mean x, not at x = 0): free the intercept "
                    "or turn scaling off"
                )
            else:
                raise ValueError(f"only the slope (m) or intercept (b) can be fixed, not {key!r}")
        return out


def standardise(data: Dataset) -> Scaling:
    """Return the scaling that gives ``data``'s x mean 0 and standard deviation 1.

    Raises :class:`DatasetError` when x does not vary (there is nothing to scale by).
    """
    x = data.x
    mean = float(x.mean())
    scale = float(np.std(x))
    size = math.sqrt(float(np.mean(x * x)))
    if not scale > RANK_SPREAD * size:
        raise DatasetError(
            f"x cannot be standardised: every x is (nearly) the same (mean {mean:g}, spread "
            f"{scale:.3g}), so there is no spread to divide by; move a point sideways first"
        )
    return Scaling(mean, scale)


@dataclass(frozen=True, slots=True)
class ScalingReport:
    """Curvature and speed of plain gradient descent before and after standardising x.

    ``steps_before``/``steps_after`` count the batch gradient-descent steps, at each
    side's best rate 2/(L + μ) and from the same starting line, to come within 1e-6 of
    the optimal cost (:func:`~gd_explorer.engine.sweep.steps_to_reach`); -1 when not
    reached within ``max_steps``. ``optimum`` is that optimal cost, the same on both
    sides.
    """

    scaling: Scaling
    condition_before: float
    condition_after: float
    best_rate_before: float
    best_rate_after: float
    steps_before: int
    steps_after: int
    max_steps: int
    optimum: float | None
    message: str


def _steps(count: int) -> str:
    return "1 step" if count == 1 else f"{count:,} steps"


def _steps_needed(
    problem: CostModel, config: DescentConfig, optimum: float | None, max_steps: int
) -> int:
    """Return the steps ``config`` needs to reach the optimal cost (-1: not within max)."""
    if optimum is None:
        return -1
    descent = Descent(problem, config)
    start = descent.since(0)
    if steps_to_reach(start.cost, optimum, start.cost_exact) == 0:
        return 0
    while not descent.done and descent.step < max_steps:
        chunk = descent.advance(_CHUNK)
        reached = steps_to_reach(chunk.cost, optimum, chunk.cost_exact)
        if reached >= 0:
            return chunk.first + reached
    return -1


def compare_scaling(
    problem: CostModel, config: DescentConfig, *, max_steps: int = SCALING_MAX_STEPS
) -> ScalingReport:
    """Compare the cost's shape and descent's speed before and after standardising x.

    Each side runs plain batch gradient descent at its own best rate 2/(L + μ) from
    ``config``'s start (the same line in both units), with ``config``'s held
    parameters, for at most ``max_steps`` steps (:data:`SCALING_MAX_STEPS`).
    The update rule, variant and schedule of ``config`` are not used: the best rate
    is plain gradient descent's.
    """
    scaling = standardise(problem.data)
    scaled = scaling.problem(problem)
    fixed = dict(config.fixed) if config.fixed else None
    scaled_fixed = scaling.fixed(fixed)
    before = stability(problem, fixed=fixed)
    after = stability(scaled, fixed=scaled_fixed)
    fit = reference_fit(problem, fixed)
    optimum = fit.cost if fit.exists else None
    plain = DescentConfig(
        1.0,
        max_steps,
        init=config.start,
        fixed=fixed,
        seed=config.seed,
    )
    steps = []
    for model, figures, run in (
        (problem, before, plain),
        (
            scaled,
            after,
            plain.replace(init=scaling.from_original(config.start), fixed=scaled_fixed),
        ),
    ):
        rate = figures.best_lr
        if not math.isfinite(rate):
            steps.append(-1)
            continue
        steps.append(_steps_needed(model, run.replace(learning_rate=rate), optimum, max_steps))
    if optimum is None:
        message = fit.message
    else:
        said = [_steps(s) if s >= 0 else f"more than {_steps(max_steps)}" for s in steps]
        message = (
            f"condition number {before.condition:.3g} before scaling, {after.condition:.3g} "
            f"after; at the best rate gradient descent needs {said[0]} before and "
            f"{said[1]} after to come within 1e-6 of the optimal cost"
        )
    return ScalingReport(
        scaling=scaling,
        condition_before=before.condition,
        condition_after=after.condition,
        best_rate_before=before.best_lr,
        best_rate_after=after.best_lr,
        steps_before=steps[0],
        steps_after=steps[1],
        max_steps=max_steps,
        optimum=optimum,
        message=message,
    )
