"""The learning-rate sweep: one run per rate, and how far and how fast each got.

Each run is ``descend(problem, config.replace(learning_rate=rate))``, the one
descent loop; nothing here steps on its own. On the article's data 50 runs of
1,000 steps take well under a tenth of a second, so the runs are not vectorised
across rates (``benchmarks/bench_sweep.py`` measures it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine.analysis import reference_fit, stability
from gd_explorer.engine.descent import (
    MAX_LEARNING_RATE,
    MIN_LEARNING_RATE,
    DescentConfig,
    descend,
)
from gd_explorer.engine.models import CostModel

#: A cost counts as optimal once cost − J* ≤ REACH_TOLERANCE · max(1, |J*|).
REACH_TOLERANCE = 1e-6

Progress = Callable[[int, int], bool | None]


def reach_threshold(optimum: float) -> float:
    """Return the cost at or below which a run counts as having reached ``optimum``.

    That is J* + 1e-6 · max(1, |J*|): relative for large costs, absolute near 0.
    """
    return optimum + REACH_TOLERANCE * max(1.0, abs(optimum))


def steps_to_reach(costs: ArrayLike, optimum: float | None, exact: ArrayLike | None = None) -> int:
    """Return the first step whose cost is within 1e-6 of the optimal cost, or -1.

    "Within" means cost − J* ≤ 1e-6 · max(1, |J*|) (see :func:`reach_threshold`).

    Parameters
    ----------
    costs : array_like
        The cost at each point of a run, the start first (step 0).
    optimum : float or None
        The optimal cost J*; None (no finite optimum) gives -1.
    exact : array_like of bool, optional
        Which costs are exact (``Trajectory.cost_exact``); a batch loss never counts.
    """
    if optimum is None or not math.isfinite(optimum):
        return -1
    values = np.asarray(costs, dtype=np.float64)
    reached = values <= reach_threshold(optimum)
    if exact is not None:
        reached &= np.asarray(exact, dtype=bool)
    hits = np.flatnonzero(reached)
    return int(hits[0]) if hits.size else -1


@dataclass(frozen=True, slots=True)
class Sweep:
    """The outcome of one run per learning rate.

    ``rates`` are sorted ascending; ``final_cost`` is the cost where each run ended
    (always finite: a diverged run's is where it stopped, and ``status`` says
    ``"diverged"``); ``steps`` the first step within 1e-6 of the optimal cost
    (:func:`steps_to_reach`) or -1. A cancelled sweep holds the runs done so far
    (the lowest rates) and ``complete`` is False. ``optimum`` is J* (None where no
    finite optimum exists); ``seed`` the one seed every run used.
    """

    rates: NDArray[np.float64]
    final_cost: NDArray[np.float64]
    steps: NDArray[np.int64]
    status: tuple[str, ...]
    complete: bool
    optimum: float | None = None
    seed: int | None = None

    def __len__(self) -> int:
        return int(self.rates.size)


def _rates(rates: ArrayLike) -> NDArray[np.float64]:
    try:
        values = np.asarray(rates, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"learning rates must be numbers, got {rates!r}") from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError("give at least one learning rate, as a flat list")
    bad = values[~((values >= MIN_LEARNING_RATE) & (values <= MAX_LEARNING_RATE))]
    if bad.size:
        raise ValueError(
            f"every learning rate must be a number from {MIN_LEARNING_RATE:g} to "
            f"{MAX_LEARNING_RATE:g}; got {bad[0]:g}"
        )
    return np.sort(values)


def learning_rate_sweep(
    problem: CostModel,
    config: DescentConfig,
    rates: ArrayLike,
    *,
    progress: Progress | None = None,
) -> Sweep:
    """Run ``config`` once per learning rate and return how each run ended.

    Parameters
    ----------
    problem : CostModel
        The cost.
    config : DescentConfig
        Everything but the learning rate. Without a seed, one seed is drawn and every
        run uses it, so that the runs differ by their rate alone.
    rates : array_like
        The learning rates (any order; the result is sorted).
    progress : callable, optional
        Called as ``progress(done, total)`` after each run; returning False cancels
        the sweep, which then returns the runs done so far with ``complete=False``.
    """
    values = _rates(rates)
    if config.seed is None:
        config = config.replace(seed=int(np.random.SeedSequence().generate_state(1)[0]))
    fit = reference_fit(problem, config.fixed)
    optimum = fit.cost if fit.exists else None
    total = values.size
    finals = np.empty(total)
    steps = np.full(total, -1, dtype=np.int64)
    status: list[str] = []
    for i, rate in enumerate(values):
        run = descend(problem, config.replace(learning_rate=float(rate)))
        finals[i] = run.cost[-1]
        steps[i] = steps_to_reach(run.cost, optimum, run.cost_exact)
        status.append(run.status)
        if progress is not None and progress(i + 1, total) is False:
            break
    done = len(status)
    return Sweep(
        rates=values[:done],
        final_cost=finals[:done],
        steps=steps[:done],
        status=tuple(status),
        complete=done == total,
        optimum=optimum,
        seed=config.seed,
    )


def sweep_rates(low: float, high: float, count: int) -> NDArray[np.float64]:
    """Return ``count`` learning rates from ``low`` to ``high``, evenly spaced on a log scale."""
    if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 1:
        raise ValueError(f"the number of rates must be a whole number ≥ 1, got {count!r}")
    low, high = float(low), float(high)
    if not (MIN_LEARNING_RATE <= low <= high <= MAX_LEARNING_RATE):
        raise ValueError(
            f"the rates must run from a low to a high rate within {MIN_LEARNING_RATE:g} … "
            f"{MAX_LEARNING_RATE:g}; got {low:g} to {high:g}"
        )
    return np.geomspace(low, high, int(count))


def suggested_rates(problem: CostModel, config: DescentConfig, count: int = 50) -> NDArray:
    """Return rates around the stability limit 2/L: from 2/L ÷ 1000 to 3 · 2/L.

    Below, plain descent crawls; above 2/L it diverges; the sweep shows both ends.
    """
    limit = stability(problem, config.start, config.fixed).max_stable_lr
    if not math.isfinite(limit):
        limit = 1.0
    low = min(max(limit * 1e-3, MIN_LEARNING_RATE), MAX_LEARNING_RATE)
    high = min(max(limit * 3.0, low), MAX_LEARNING_RATE)
    return sweep_rates(low, high, count)
