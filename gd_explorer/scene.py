"""What every view shows at one moment: the problem and each run up to the step shown.

A :class:`Scene` is built once per drawn frame — live, while replaying and for each
frame of an export — and every view draws from it, so there is one drawing path.
No Qt here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine import CostModel, Dataset, DescentConfig, Fit, Trajectory
from gd_explorer.engine import steps_to_reach as engine_steps_to_reach
from gd_explorer.engine.scaling import Scaling

#: Runs that may race at once; each has its own colour slot (``RunTrace.slot``).
MAX_RUNS = 4

#: What a run's ``status`` may say, besides the engine's ``max_steps``, ``converged``,
#: ``diverged`` and ``failed``.
SHOWN_STATES = ("ready", "running", "paused", "replay")

Rows = int | NDArray[np.intp] | None
#: A run's points, costs, which costs are exact, and gradients.
Arrays = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]


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
    #: How x is standardised for the runs (None: not): their slopes and intercepts are
    #: those of standardised x, and :meth:`original` gives them in the data's units.
    scaling: Scaling | None = None
    #: The cost the runs descend, for views that evaluate it at the ball (the function
    #: panel's Hessian); None where whoever built the scene did not say.
    problem: CostModel | None = None

    def original(self, point: tuple[float, float]) -> tuple[float, float]:
        """Return a run's (slope, intercept) in the data's own units."""
        if self.scaling is None:
            return point
        return self.scaling.to_original(point)

    @property
    def current(self) -> RunTrace:
        """Return the selected run's trace."""
        return self.traces[self.selected]

    def others(self) -> tuple[RunTrace, ...]:
        """Return the traces of the runs that are not selected."""
        return tuple(t for i, t in enumerate(self.traces) if i != self.selected)


# Building scenes: from a run's record (live or replayed), a finished trajectory, or a start.


def steps_to_reach(
    costs: ArrayLike, optimum: float | None, exact: ArrayLike | None = None
) -> int | None:
    """Return the first step within 1e-6 of the optimal cost, None when none is.

    The rule is the engine's (:func:`gd_explorer.engine.steps_to_reach`, shared with
    the learning-rate sweep): a cost that is only a batch's loss (``exact`` False)
    never counts. Here "never" is None rather than -1.
    """
    with np.errstate(invalid="ignore"):
        found = engine_steps_to_reach(costs, optimum, exact)
    return None if found < 0 else found


class Reach:
    """:func:`steps_to_reach` over a growing run, looking at each new cost once.

    A live run grows by a few steps a frame: searching it all again would cost
    O(steps) per frame, and a million-step run would slow every frame down.
    """

    def __init__(self, optimum: float | None) -> None:
        self.optimum = optimum
        self._searched = 0
        self._found: int | None = None

    def update(self, costs: ArrayLike, exact: ArrayLike | None = None) -> int | None:
        """Return the first step of ``costs`` (the whole run so far) that reached the optimum.

        ``exact`` says which costs are exact (None: all); a batch loss never counts.
        """
        if self._found is None:
            values = np.asarray(costs)
            which = None if exact is None else np.asarray(exact)[self._searched :]
            found = steps_to_reach(values[self._searched :], self.optimum, which)
            if found is not None:
                self._found = self._searched + found
            self._searched = len(values)
        return self._found

    def at(self, step: int, costs: ArrayLike, exact: ArrayLike | None = None) -> int | None:
        """Return the first step that reached the optimum, if it is ``step`` or before."""
        found = self.update(costs, exact)
        return found if found is not None and found <= step else None


class Recorded(Protocol):
    """What :func:`record_trace` reads of a run's record (``worker.RunRecord``)."""

    config: DescentConfig
    grad: NDArray[np.float64]
    status: str
    message: str
    diverged_at: int | None

    @property
    def steps(self) -> int: ...  # noqa: D102

    def view(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...  # noqa: D102

    def exact_view(self) -> NDArray[np.bool_]: ...  # noqa: D102


def record_trace(
    record: Recorded,
    step: int,
    status: str,
    *,
    slot: int = 0,
    label: str = "",
    rows: Rows = None,
    reached: int | None = None,
) -> RunTrace:
    """Return a run's trace up to ``step`` from its record (views of its arrays, no copy).

    ``status`` is what the run is said to be doing (the caller knows whether it is
    paused or replayed). The divergence is told from the step it happened on.
    """
    params, cost = record.view()
    arrays = (params, cost, record.exact_view(), record.grad)
    return _cut(record, arrays, step, status, slot, label, rows, reached)


def _cut(
    run: Recorded | Trajectory,
    arrays: tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]
    ],
    step: int,
    status: str,
    slot: int,
    label: str,
    rows: Rows,
    reached: int | None,
) -> RunTrace:
    """Return the trace of ``run`` up to ``step`` from its (params, cost, exact, grad)."""
    params, cost, exact, grad = arrays
    step = min(max(int(step), 0), run.steps)
    diverged = run.diverged_at
    return RunTrace(
        slot=slot,
        label=label,
        config=run.config,
        params=params[: step + 1],
        cost=cost[: step + 1],
        exact=exact[: step + 1],
        grad=grad[:step],
        status=status,
        message=run.message,
        diverged_at=diverged if diverged is not None and step >= diverged else None,
        rows=rows,
        reached=reached,
    )


def trajectory_trace(
    trajectory: Trajectory,
    step: int,
    status: str,
    *,
    slot: int = 0,
    label: str = "",
    rows: Rows = None,
    optimum: float | None = None,
) -> RunTrace:
    """Return a finished run's trace up to ``step`` (an export's frame)."""
    step = min(max(int(step), 0), trajectory.steps)
    reached = steps_to_reach(
        trajectory.cost[: step + 1], optimum, trajectory.cost_exact[: step + 1]
    )
    arrays = (trajectory.params, trajectory.cost, trajectory.cost_exact, trajectory.grad)
    return _cut(trajectory, arrays, step, status, slot, label, rows, reached)


def start_trace(
    config: DescentConfig,
    problem: CostModel,
    *,
    slot: int = 0,
    label: str = "",
    optimum: float | None = None,
) -> RunTrace:
    """Return the trace of a run not started yet: the ball at its start, ready."""
    start = np.array([config.start], dtype=np.float64)
    cost = np.array([problem.cost(start[0])], dtype=np.float64)
    return RunTrace(
        slot=slot,
        label=label,
        config=config,
        params=start,
        cost=cost,
        exact=np.ones(1, dtype=bool),
        grad=np.empty((0, 2)),
        status="ready",
        reached=steps_to_reach(cost, optimum),
    )
