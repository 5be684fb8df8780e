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
from gd_explorer.engine.schedules import scheduled_rate

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


# What the rows of a step say: each row's gradient (the spread) and each row's cost.


@dataclass(frozen=True, slots=True, eq=False)
class GradientSpread:
    """The gradients behind one stochastic or mini-batch step, where the step began.

    Every vector is in the runs' own units (standardised slope and intercept when x
    is standardised), with a held parameter's part 0, as the step had it.

    Attributes
    ----------
    origin : ndarray, shape (2,)
        The (slope, intercept) the step was taken from.
    rows : ndarray of int
        The rows the step used.
    row_gradients : ndarray, shape (k, 2)
        ∇J_i of each of those rows at ``origin``, the penalty's part included.
    step_gradient : ndarray, shape (2,)
        Their mean: the gradient the step used.
    full_gradient : ndarray, shape (2,)
        ∇J over every row at ``origin``: where all the rows together say down is.
    rate : float
        The step's learning rate α (its schedule's, at that step).
    """

    origin: NDArray[np.float64]
    rows: NDArray[np.intp]
    row_gradients: NDArray[np.float64]
    step_gradient: NDArray[np.float64]
    full_gradient: NDArray[np.float64]
    rate: float

    @property
    def spread(self) -> float:
        """Return how far the rows' gradients lie from the full one, relative to its length.

        The root mean square of |∇J_i − ∇J| over the step's rows divided by |∇J|:
        0 when every row agrees with all the data, above 1 when a typical row's
        gradient is off by more than the full gradient is long. Infinite where the
        full gradient is 0 and the rows still disagree.
        """
        off = self.row_gradients - self.full_gradient
        rms = math.sqrt(float(np.mean(np.sum(off * off, axis=1))))
        length = math.hypot(*self.full_gradient)
        if length > 0.0:
            return rms / length
        return 0.0 if rms == 0.0 else math.inf

    @property
    def against(self) -> int:
        """Return how many rows point uphill: their −∇J_i is against −∇J (over 90° off)."""
        return int(np.count_nonzero(self.row_gradients @ self.full_gradient < 0.0))


def row_gradients(
    problem: CostModel, theta: tuple[float, float], rows: NDArray[np.intp]
) -> NDArray[np.float64]:
    """Return the gradient of each row's own cost at ``theta``, one row per row.

    Each is what :meth:`CostModel.gradient` gives for that row alone (the penalty's
    part included), so their mean over a batch is the batch's gradient.

    Parameters
    ----------
    problem : CostModel
        A linear or logistic cost.
    theta : (float, float)
        Slope and intercept.
    rows : ndarray of int
        Row indices into ``problem.data``.
    """
    m, b = theta
    x = problem.data.x[rows]
    y = problem.data.y[rows]
    with np.errstate(over="ignore", invalid="ignore"):
        if problem.kind == "logistic":
            error = np.exp(-np.logaddexp(0.0, -(m * x + b))) - y  # p − y
            out = np.column_stack([error * x, error])
        else:
            residual = y - (m * x + b)
            out = np.column_stack([-residual * x, -residual])
    out[:, 0] += problem.l2 * m
    return out


def gradient_spread(scene: Scene) -> GradientSpread | None:
    """Return the spread of the selected run's newest shown step, where it has one.

    None at the start, for batch descent (every row, no spread), on a function, and
    where the step's rows are not known (the data changed during the run).
    """
    trace, problem = scene.current, scene.problem
    config = trace.config
    if (
        problem is None
        or problem.kind not in ("linear", "logistic")
        or config.variant == "batch"
        or trace.rows is None
        or trace.before is None
    ):
        return None
    rows = np.atleast_1d(np.asarray(trace.rows, dtype=np.intp))
    if rows.size == 0 or rows.min() < 0 or rows.max() >= problem.n:
        return None
    origin = np.array(trace.before, dtype=np.float64)
    free = np.array(config.free(), dtype=np.float64)
    theta = (float(origin[0]), float(origin[1]))
    gradients = row_gradients(problem, theta, rows) * free  # a held parameter never moves
    with np.errstate(over="ignore", invalid="ignore"):
        full = problem.gradient(theta) * free
    rate = scheduled_rate(
        config.schedule,
        float(config.learning_rate),
        trace.step - 1,
        config.steps,
        config.schedule_options,
    )
    return GradientSpread(
        origin=origin,
        rows=rows,
        row_gradients=gradients,
        step_gradient=gradients.mean(axis=0),
        full_gradient=full,
        rate=rate,
    )


def row_losses(
    kind: str, x: ArrayLike, y: ArrayLike, theta: tuple[float, float]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return each row's model value and its own cost at ``theta``, in the data's units.

    Least squares: the fitted value m·x + b and the squared error (y − m·x − b)², so
    that the cost is half their mean (the ½ convention). Logistic: p = σ(m·x + b) and
    the row's log-loss −[y log p + (1 − y) log(1 − p)], so that the cost is their mean.
    Neither includes an L2 penalty, which is the same for every row.

    Parameters
    ----------
    kind : {"linear", "logistic"}
        The cost model.
    x, y : array_like
        The rows.
    theta : (float, float)
        Slope and intercept on the data's own x.
    """
    m, b = theta
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        u = m * xs + b
        if kind == "logistic":
            # softplus(u) for class 0 and softplus(−u) for class 1, never overflowing.
            loss = np.logaddexp(0.0, np.where(ys >= 0.5, -u, u))
            return np.exp(-np.logaddexp(0.0, -u)), loss
        residual = ys - u
        return u, residual * residual
