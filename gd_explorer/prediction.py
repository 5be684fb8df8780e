"""Predict, then run: what a learning rate will do, what a run did, and why.

Plain gradient descent on least squares at a constant rate α multiplies the distance
to the bottom along the cost's steepest direction by ``1 − α·L`` at every step (L is
the largest curvature, from :func:`~gd_explorer.engine.stability`). So, with the
same 1/L and 2/L that the learning-rate bands show:

- α ≤ 1/L: the factor is in [0, 1): the ball slides down one side, never crossing
  the bottom: it **converges**;
- 1/L < α < 2/L: the factor is in (−1, 0): every step jumps past the bottom, by less
  each time: it **oscillates** and settles;
- α ≥ 2/L: the factor is −1 or below: every jump lands as far or further out: it
  **diverges**.

What a run did is read from its trajectory alone, along that same steepest direction
(each step's movement along it is the step's *stride*):

- **diverge**: the engine said so, or the strides grew at two steps running, or the
  cost rose at two steps running;
- **oscillate**: the stride changed sign at two steps running, shrinking each time,
  while the cost fell at each of those steps;
- **converge**: the run ended with neither, and no stride ever changed sign.

Strides smaller than a billionth of the first are rounding, not movement: they are
left out. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from gd_explorer.engine import CostModel, DescentConfig, Stability

Behaviour = Literal["converge", "oscillate", "diverge"]
FloatPair = NDArray[np.float64]
#: The answers, in the order the question offers them.
BEHAVIOURS: tuple[Behaviour, ...] = ("converge", "oscillate", "diverge")
QUESTION = "Will it converge, oscillate or diverge?"
#: A stride this small against the first is rounding, not movement.
NEGLIGIBLE = 1e-9
#: Relative change below which a cost or a stride counts as unchanged (rounding).
SAME = 1e-9

_PAST = {
    "converge": "converged: it slid down one side and never crossed the bottom",
    "oscillate": "oscillated: it jumped across the bottom, a little less far each time",
    "diverge": "diverged: each jump landed further out than the last",
}
_NAMES = {"m": "slope", "b": "intercept"}
#: Update rules by the names the controls give them.
_RULES = {
    "momentum": "Momentum",
    "nesterov": "Nesterov momentum",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "newton": "Newton's method",
    "linesearch": "A line search",
}


def refusal(kind: str, config: DescentConfig, figures: Stability | None) -> str | None:
    """Return why a run cannot be predicted from 1/L and 2/L, or None when it can.

    Parameters
    ----------
    kind : str
        The problem's kind: ``"linear"``, ``"logistic"`` or ``"function"``.
    config : DescentConfig
        The run to predict.
    figures : Stability or None
        The problem's curvature (None when it could not be worked out).
    """
    lead = "Predict, then run needs"
    if kind == "logistic":
        return (
            f"{lead} least squares: a logistic cost curves differently at every point, "
            "so no single 1/L and 2/L decide the run. Choose the linear model."
        )
    if kind != "linear":
        return (
            f"{lead} data and least squares: a function curves differently at every "
            "point, so no single 1/L and 2/L decide the run."
        )
    if config.optimizer != "gd":
        return (
            f"{lead} plain gradient descent: "
            f"{_RULES.get(config.optimizer, config.optimizer)} changes what a learning "
            "rate does, so 1/L and 2/L do not decide it. Choose Gradient descent as the "
            "update rule."
        )
    if config.schedule != "constant":
        return (
            f"{lead} a constant learning rate: with a {config.schedule} schedule the rate "
            "moves across the bands during the run. Choose the Constant schedule."
        )
    if config.variant != "batch":
        return (
            f"{lead} batch descent: a {config.variant} step follows randomly chosen points, "
            "so its size is noisy and 1/L and 2/L alone do not decide it. Choose Batch."
        )
    if figures is None or not (np.isfinite(figures.L) and figures.L > 0):
        return (
            f"{lead} a cost that curves: here it is flat in every direction the run can "
            "move (are all x values the same?)."
        )
    return None


def bands(figures: Stability) -> tuple[float, float]:
    """Return (1/L, 2/L): the rates where steps stop being smooth and start to diverge.

    The same numbers as the learning-rate bands: both come from ``max_stable_lr``.
    """
    two_over_l = float(figures.max_stable_lr)
    return two_over_l / 2, two_over_l


def expected(rate: float, figures: Stability) -> Behaviour:
    """Return what plain gradient descent at ``rate`` does on a cost curving as ``figures``."""
    one_over_l, two_over_l = bands(figures)
    if rate <= one_over_l:
        return "converge"
    if rate < two_over_l:
        return "oscillate"
    return "diverge"


def why(rate: float, figures: Stability, fixed: dict[str, float] | None = None) -> str:
    """Return, in words and with the numbers, why ``rate`` does what :func:`expected` says."""
    one_over_l, two_over_l = bands(figures)
    factor = 1.0 - rate * figures.L
    free = [_NAMES[p] for p in ("m", "b") if not fixed or p not in fixed]
    along = f"along the {free[0]}" if len(free) == 1 else "in its steepest direction"
    curve = f"L = {figures.L:.4g} is how sharply the cost curves {along}. "
    shown = f"{factor:.3g}".replace("-", "−")  # the minus sign, as in the text around it
    times = f"each step multiplies the distance to the bottom by 1 − lr·L = {shown}"
    behaviour = expected(rate, figures)
    if behaviour == "converge":
        return (
            f"{curve}Learning rate {rate:g} is below 1/L = {one_over_l:.3g}: {times}, "
            "between 0 and 1, so every step covers only part of the way to the bottom: "
            "the ball slides down one side and never crosses it."
        )
    if behaviour == "oscillate":
        return (
            f"{curve}Learning rate {rate:g} is between 1/L = {one_over_l:.3g} and "
            f"2/L = {two_over_l:.3g}: {times}, between −1 and 0, so every step overshoots "
            "the minimum, but by less each time: it oscillates and settles."
        )
    return (
        f"{curve}Learning rate {rate:g} is above 2/L = {two_over_l:.3g}: {times}, "
        "−1 or below, so every step overshoots the minimum by at least as much as it was "
        "away: the ball climbs the walls and the cost grows without bound."
    )


def steepest_direction(problem: CostModel, fixed: dict[str, float] | None = None) -> FloatPair:
    """Return the unit (slope, intercept) direction in which the cost curves by L.

    Parameters
    ----------
    problem : CostModel
        A least-squares cost (its Hessian is the same everywhere).
    fixed : dict, optional
        Held parameters (as in ``DescentConfig``): the direction lies along the free one.
    """
    if fixed and "b" in fixed:
        return np.array([1.0, 0.0])
    if fixed and "m" in fixed:
        return np.array([0.0, 1.0])
    hessian = np.asarray(problem.hessian((0.0, 0.0)), dtype=float)
    _, vectors = np.linalg.eigh(hessian)
    return np.asarray(vectors[:, -1], dtype=float)


def _twice_running(flags: NDArray[np.bool_]) -> bool:
    return bool(np.any(flags[1:] & flags[:-1]))


def observe(
    params: NDArray[np.float64],
    cost: NDArray[np.float64],
    direction: FloatPair,
    *,
    diverged: bool = False,
    ended: bool = False,
) -> Behaviour | None:
    """Return what a run did, once its steps show it; None while they do not yet.

    Parameters
    ----------
    params : (k + 1, 2) array
        Every point of the run, the start first.
    cost : (k + 1,) array
        The cost at each point.
    direction : (2,) array
        The steepest direction (:func:`steepest_direction`).
    diverged : bool
        The engine found the run diverged.
    ended : bool
        The run is over: a run that has shown nothing else converged.
    """
    if diverged:
        return "diverge"
    with np.errstate(invalid="ignore", over="ignore"):
        strides = np.diff(np.asarray(params, dtype=float), axis=0) @ np.asarray(direction)
        costs = np.asarray(cost, dtype=float)
        rises = costs[1:] > costs[:-1] * (1 + SAME)
        falls = costs[1:] < costs[:-1]
        size = np.abs(strides)
    if len(strides) == 0:
        return None
    moving = size > NEGLIGIBLE * size[0] if size[0] > 0 else np.zeros(len(size), dtype=bool)
    pairs = moving[1:] & moving[:-1]
    grows = pairs & (size[1:] > size[:-1] * (1 + SAME))
    if _twice_running(grows) or _twice_running(rises):
        return "diverge"
    crosses = pairs & (np.sign(strides[1:]) != np.sign(strides[:-1]))
    # Pair i is steps i and i + 1; its crossing counts when both steps lowered the cost.
    settling = crosses & (size[1:] < size[:-1]) & falls[1:] & falls[:-1]
    if _twice_running(settling):
        return "oscillate"
    if ended and not crosses.any():
        return "converge"
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the class said, what happened, and why.

    ``right`` is None when nobody answered, or the run was too short to show.
    """

    answer: Behaviour | None
    happened: Behaviour | None
    expected: Behaviour
    right: bool | None
    headline: str
    reason: str


def verdict(
    answer: Behaviour | None,
    happened: Behaviour | None,
    rate: float,
    figures: Stability,
    fixed: dict[str, float] | None = None,
) -> Verdict:
    """Return the verdict on ``answer`` for a run that did ``happened`` at ``rate``."""
    theory = expected(rate, figures)
    reason = why(rate, figures, fixed)
    if happened is None:
        headline = f"The run was too short to show it; by the numbers it would {theory}."
        right = None if answer is None else answer == theory
        if right is not None:
            headline = ("Right by the numbers. " if right else "Not by the numbers. ") + headline
        return Verdict(answer, None, theory, right, headline, reason)
    did = f"It {_PAST[happened]}."
    if answer is None:
        right, headline = None, did
    elif answer == happened:
        right, headline = True, f"Right! {did}"
    else:
        right, headline = False, f"Not this time: you said {answer}. {did}"
    if happened != theory:
        reason += f" (By the numbers it would {theory}; this run did not show it.)"
    return Verdict(answer, happened, theory, right, headline, reason)
