"""What every view shows at one moment: the problem and each run up to the step shown.

A :class:`Scene` is built once per drawn frame — live, while replaying and for each
frame of an export — and every view draws from it, so there is one drawing path.
No Qt here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gd_explorer.engine import Dataset, DescentConfig, Fit

#: Runs that may race at once; each has its own colour slot (``RunTrace.slot``).
MAX_RUNS = 4

#: What a run's ``status`` may say, besides the engine's ``max_steps``, ``converged``,
#: ``diverged`` and ``failed``.
SHOWN_STATES = ("ready", "running", "paused", "replay")

Rows = int | NDArray[np.intp] | None


@dataclass(frozen=True, slots=True, eq=False)
class RunTrace:
    """One run as the views draw it, from its start up to the step shown.

    ``params`` has one row per point (row 0 is the start), ``cost`` and ``exact`` one
    value per point, ``grad`` one row per step taken (so one fewer). ``slot`` is the
    run's colour (0 … MAX_RUNS − 1), kept when other runs are removed.
    """

    slot: int
    label: str
    config: DescentConfig
    params: NDArray[np.float64]
    cost: NDArray[np.float64]
    exact: NDArray[np.bool_]
    grad: NDArray[np.float64]
    status: str
    message: str = ""
    diverged_at: int | None = None
    rows: Rows = None
    reached: int | None = None  # first step within 1e-6 of the optimal cost

    @property
    def step(self) -> int:
        """Return the step shown (0 is the start)."""
        return len(self.params) - 1

    @property
    def point(self) -> tuple[float, float]:
        """Return the (slope, intercept) shown."""
        m, b = self.params[-1]
        return float(m), float(b)

    @property
    def current_cost(self) -> float:
        """Return the cost at the point shown."""
        return float(self.cost[-1])

    @property
    def last_gradient(self) -> tuple[float, float] | None:
        """Return the gradient of the step that led to the point shown (None at the start)."""
        if not len(self.grad):
            return None
        gm, gb = self.grad[-1]
        return float(gm), float(gb)

    @property
    def gradient_norm(self) -> float | None:
        """Return the length of :attr:`last_gradient`."""
        grad = self.last_gradient
        return None if grad is None else math.hypot(*grad)

    @property
    def before(self) -> tuple[float, float] | None:
        """Return the point before the one shown (None at the start)."""
        if len(self.params) < 2:
            return None
        m, b = self.params[-2]
        return float(m), float(b)


@dataclass(frozen=True, slots=True, eq=False)
class Scene:
    """The problem and every run, as drawn at one moment.

    ``selected`` indexes ``traces``: the run the controls, the read-out, the
    equations, the tangent, the residuals and the sampled rows are about.
    ``replaying`` is True when the step shown is not the selected run's newest.
    """

    kind: str
    data: Dataset
    fit: Fit
    traces: tuple[RunTrace, ...]
    selected: int = 0
    replaying: bool = False

    @property
    def current(self) -> RunTrace:
        """Return the selected run's trace."""
        return self.traces[self.selected]

    def others(self) -> tuple[RunTrace, ...]:
        """Return the traces of the runs that are not selected."""
        return tuple(t for i, t in enumerate(self.traces) if i != self.selected)
