"""The learning-rate sweep: one descent per rate (a minimal version).

Only the signature the engine's process relies on; the full sweep replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine.descent import CostModel, DescentConfig, descend


@dataclass(frozen=True, slots=True)
class Sweep:
    """Final cost, steps and status of one run per learning rate."""

    rates: NDArray[np.float64]
    final_cost: NDArray[np.float64]
    steps: NDArray[np.int64]
    status: tuple[str, ...]
    complete: bool


def learning_rate_sweep(
    problem: CostModel,
    config: DescentConfig,
    rates: ArrayLike,
    *,
    progress: Callable[[int, int], bool] | None = None,
) -> Sweep:
    """Run ``config`` at each of ``rates``; ``progress(done, total)`` False cancels.

    Parameters
    ----------
    problem : CostModel
        The cost to minimise.
    config : DescentConfig
        The run; its learning rate is replaced by each rate in turn.
    rates : array_like
        The learning rates, sorted ascending.
    progress : callable, optional
        Called after each run; returning False stops the sweep there.

    Returns
    -------
    Sweep
        The runs done (all of them unless cancelled).
    """
    values = np.sort(np.asarray(rates, dtype=float))
    costs: list[float] = []
    steps: list[int] = []
    status: list[str] = []
    complete = True
    for done, rate in enumerate(values, start=1):
        run = descend(problem, config.replace(learning_rate=float(rate)))
        costs.append(float(run.cost[-1]))
        steps.append(run.steps)
        status.append(run.status)
        if progress is not None and not progress(done, len(values)) and done < len(values):
            complete = False
            break
    return Sweep(
        values[: len(costs)],
        np.array(costs),
        np.array(steps, dtype=np.int64),
        tuple(status),
        complete,
    )
