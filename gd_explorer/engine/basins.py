"""Basins of attraction: the same descent from many starts at once, and where each ends.

:func:`basins` runs the update rule, schedule and gradient noise of a
:class:`~gd_explorer.engine.descent.DescentConfig` from every start of an (N, 2) array
together, as numpy arrays of shape (N,), and says which known minimum each start
reached. It is the loop of :meth:`Descent.advance <gd_explorer.engine.descent.Descent>`
written across starts: for every start, its final point is that of
``descend(problem, config.replace(init=start))`` (the tests hold them to each other).

Gradient noise: every start uses the config's seed, so every start sees the same
noise draws, as every rate of the learning-rate sweep does: the starts differ by where
they start alone. Without a seed one is drawn, and :attr:`Basins.seed` says which.

A start whose step or value leaves the floating-point range, or whose function value
passes the ceiling ``descend`` stops at, is frozen where ``descend`` would have stopped
it; nothing infinite or undefined spreads to the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine.descent import DescentConfig, divergence_limits
from gd_explorer.engine.functions import REACH_FRACTION, FunctionProblem
from gd_explorer.engine.models import CostModel
from gd_explorer.engine.optimizers import COST_ROUNDING, MAX_SHRINKS, NEWTON_RATIO
from gd_explorer.engine.schedules import make_schedule

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
Domain = tuple[float, float, float, float]

#: Most starts one map takes (a 200 × 200 grid is 40,000).
MAX_STARTS = 250_000
#: Most starts per side of a grid, and so the finest map.
MAX_PER_SIDE = 500
#: Start-steps between two reports of progress (each a chance to cancel): about a
#: twentieth of a second of gradient descent on Rosenbrock.
CHUNK_WORK = 200_000

#: Points per evaluation of the formulas (see :func:`_first`).
BLOCK = 4096

Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True, slots=True, eq=False)
class Basins:
    """Where each start of a basins map ended, and which minimum it reached.

    Attributes
    ----------
    starts, final : ndarray, shape (N, 2)
        Each start and the point its run ended at (always finite: a start that blew
        up stays where its run stopped).
    minimum : ndarray of int, shape (N,)
        The index in ``minima`` of the minimum each start reached, -1 for none (not
        reached within the steps, or diverged).
    diverged, left_domain, converged : ndarray of bool, shape (N,)
        Whether each run ended as diverged (including leaving the domain), left the
        domain (f undefined there), or met the tolerance.
    steps : ndarray of int, shape (N,)
        The steps each run took.
    minima : tuple of (x, y)
        The problem's minima, lowest first (the legend's order).
    shape : (int, int) or None
        For starts on a grid, its (points along x, points along y); start ``i * ny + j``
        is the ``i``-th along x and ``j``-th along y. None for scattered starts.
    domain : (x from, x to, y from, y to) or None
        The area a grid covers (each start the centre of its cell).
    complete : bool
        False when the map was cancelled before every run ended.
    seed : int
        The seed of the gradient noise every start used.
    """

    starts: FloatArray
    final: FloatArray
    minimum: IntArray
    diverged: BoolArray
    left_domain: BoolArray
    converged: BoolArray
    steps: IntArray
    minima: tuple[tuple[float, float], ...]
    shape: tuple[int, int] | None = None
    domain: Domain | None = None
    complete: bool = True
    seed: int = 0

    def __len__(self) -> int:
        return int(self.minimum.size)

    def counts(self) -> IntArray:
        """Return how many starts reached each minimum (in ``minima``'s order)."""
        reached = self.minimum[self.minimum >= 0]
        return np.bincount(reached, minlength=len(self.minima)).astype(np.int64)

    def grid(self) -> IntArray:
        """Return ``minimum`` as the grid's (points along x, points along y) array."""
        if self.shape is None:
            raise ValueError("these starts are not on a grid")
        return self.minimum.reshape(self.shape)


def grid_starts(domain: Sequence[float], per_side: int) -> FloatArray:
    """Return ``per_side`` × ``per_side`` starts, one at the centre of each cell of ``domain``.

    Start ``i * per_side + j`` is the ``i``-th along x and the ``j``-th along y, so
    ``values.reshape(per_side, per_side)`` is an image with x along its first axis.
    """
    count = _whole(per_side, "the starts per side", MAX_PER_SIDE)
    x0, x1, y0, y1 = _domain(domain)
    xs = x0 + (np.arange(count) + 0.5) * ((x1 - x0) / count)
    ys = y0 + (np.arange(count) + 0.5) * ((y1 - y0) / count)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    return np.column_stack([gx.ravel(), gy.ravel()])


def random_starts(domain: Sequence[float], count: int, seed: int | None = None) -> FloatArray:
    """Return ``count`` starts drawn uniformly over ``domain`` (the same for the same seed)."""
    count = _whole(count, "the number of starts", MAX_STARTS)
    x0, x1, y0, y1 = _domain(domain)
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)])


def reached_minima(problem: FunctionProblem, points: ArrayLike) -> IntArray:
    """Return :meth:`FunctionProblem.reached` for each point of an (N, 2) array; -1 for None."""
    xy = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    limit = REACH_FRACTION * problem.span()
    best = np.full(len(xy), -1, dtype=np.int64)
    nearest = np.full(len(xy), np.inf)
    with np.errstate(invalid="ignore", over="ignore"):
        for index, (mx, my) in enumerate(problem.minima):
            dx = xy[:, 0] - mx
            distance = np.abs(dx) if problem.dimension == 1 else np.hypot(dx, xy[:, 1] - my)
            closer = (distance <= limit) & (distance < nearest)
            best[closer] = index
            nearest[closer] = distance[closer]
    return best


def basins(
    problem: CostModel,
    config: DescentConfig,
    starts: ArrayLike,
    *,
    shape: tuple[int, int] | None = None,
    domain: Sequence[float] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Basins:
    """Run ``config`` from every start at once and return where each run ended.

    Parameters
    ----------
    problem : CostModel
        The function to minimise (a :class:`FunctionProblem`; a regression cost is
        refused, having one minimum).
    config : DescentConfig
        Everything but the start (``init`` is ignored; ``fixed`` still holds).
    starts : array_like, shape (N, 2)
        The starting points.
    shape, domain : optional
        For starts from :func:`grid_starts`: the grid's shape and area, kept in the result.
    progress : callable, optional
        Called as ``progress(steps done, steps in all)`` after each chunk of steps;
        returning False cancels, like ``cancelled``.
    cancelled : callable, optional
        Asked before each chunk; True stops the map, which is then returned with
        ``complete=False`` and every run where it had got to.

    Raises
    ------
    ValueError
        For a problem that is not a function, a variant other than batch, or starts
        that are not finite (x, y) pairs.
    """
    run = BasinsRun(problem, config, starts)
    total = config.steps
    stopped = False
    while not run.done:
        if cancelled is not None and cancelled():
            stopped = True
            break
        run.advance(max(1, CHUNK_WORK // max(run.active, 1)))
        if progress is not None and progress(run.step if not run.done else total, total) is False:
            stopped = not run.done
            break
    return run.result(
        complete=not stopped,
        shape=shape,
        domain=None if domain is None else _domain(domain),
    )


class BasinsRun:
    """Descent from many starts at once, advanced a chunk of steps at a time.

    The runs step in lockstep: step ``t`` of every live run has the same learning
    rate and the same noise. A run that ends (converged, diverged) is frozen and
    dropped from the arrays still computed.
    """

    def __init__(self, problem: CostModel, config: DescentConfig, starts: ArrayLike) -> None:
        if not isinstance(problem, FunctionProblem):
            raise ValueError(
                "basins of attraction need a function of x and y: a regression cost has "
                "one minimum, so every start would reach it"
            )
        if not isinstance(config, DescentConfig):
            raise TypeError(f"config must be a DescentConfig, not {type(config).__name__}")
        if config.variant != "batch":
            raise ValueError(
                f"a function has no data rows to sample, so variant {config.variant!r} means "
                "nothing here: use 'batch' (gradient noise models stochastic steps)"
            )
        points = _starts(starts)
        self.problem, self.config = problem, config
        self.free_x, self.free_y = config.free()
        if problem.dimension == 1:
            self.free_y = False  # a function of x alone: y never moves
        fixed = config.fixed or {}
        if "m" in fixed:
            points[:, 0] = fixed["m"]
        if "b" in fixed:
            points[:, 1] = fixed["b"]
        self.seed = (
            int(config.seed)
            if config.seed is not None
            else int(np.random.SeedSequence().generate_state(1)[0])
        )
        # The stream descend draws its noise from, so that each start repeats its run.
        self._noise = np.random.default_rng([self.seed, 1]) if config.noise > 0.0 else None
        self._schedule = make_schedule(
            config.schedule, float(config.learning_rate), config.steps, config.schedule_options
        )
        count = len(points)
        self.starts = points
        self.final = points.copy()
        self._taken = np.zeros(count, dtype=np.int64)
        self.diverged = np.zeros(count, dtype=bool)
        self.left_domain = np.zeros(count, dtype=bool)
        self.converged = np.zeros(count, dtype=bool)
        self.step = 0
        x, y = points[:, 0].copy(), points[:, 1].copy()
        f, gx, gy = _first(problem, x, y)
        reference = np.maximum(np.maximum(np.abs(f), problem.cost_scale()), 1e-300)
        with np.errstate(invalid="ignore"):
            reference = np.where(np.isfinite(f), reference, 1.0)
        above, ceiling = divergence_limits(problem.kind, reference)
        self._live = _Live(
            ids=np.arange(count),
            x=x,
            y=y,
            f=f,
            gx=gx,
            gy=gy,
            above=above,
            ceiling=ceiling,
            blown=np.zeros(count, dtype=bool),
        )
        self._rule = make_rule(config, problem, (self.free_x, self.free_y), count)
        # A start where f is undefined or beyond the largest double has nothing to step from.
        unusable = ~np.isfinite(f)
        if unusable.any():
            self.left_domain[unusable] = np.isnan(f[unusable])
            self.diverged[unusable] = True
            self._drop(unusable, 0)

    @property
    def active(self) -> int:
        """Return how many runs are still going."""
        return int(self._live.ids.size)

    @property
    def done(self) -> bool:
        """Return whether every run has ended."""
        return self.active == 0 or self.step >= self.config.steps

    def advance(self, max_steps: int) -> None:
        """Take up to ``max_steps`` steps of every live run (fewer if they all end)."""
        count = min(max(0, int(max_steps)), self.config.steps - self.step)
        if count <= 0 or not self.active:
            return
        noise = (
            self.config.noise * self._noise.standard_normal((count, 2))
            if self._noise is not None
            else None
        )
        with np.errstate(all="ignore"):
            for k in range(count):
                if not self.active:
                    break
                self._step(None if noise is None else noise[k])

    def _step(self, noise: FloatArray | None) -> None:
        live, config = self._live, self.config
        tolerance = config.tolerance
        if tolerance > 0.0:
            size = np.hypot(live.gx if self.free_x else 0.0, live.gy if self.free_y else 0.0)
            met = size <= tolerance
            if met.any():
                self.converged[live.ids[met]] = True
                self._drop(met, self.step)
                live = self._live
                if not self.active:
                    return
        gm = live.gx if self.free_x else np.zeros_like(live.x)
        gb = live.gy if self.free_y else np.zeros_like(live.y)
        if noise is not None:
            # descend adds the noise and then zeroes a held parameter's gradient.
            gm = gm + noise[0] if self.free_x else gm
            gb = gb + noise[1] if self.free_y else gb
        rate = float(config.learning_rate) if self._schedule is None else self._schedule(self.step)
        new_x, new_y = self._rule.update(live.x, live.y, live.f, gm, gb, rate)
        if not self.free_x:
            new_x = live.x
        if not self.free_y:
            new_y = live.y
        f, gx, gy = _first(self.problem, new_x, new_y)
        overflow = ~(np.isfinite(new_x) & np.isfinite(new_y))
        undefined = ~overflow & ~np.isfinite(f)
        moved = ~(overflow | undefined)
        self.step += 1
        live.x = np.where(moved, new_x, live.x)
        live.y = np.where(moved, new_y, live.y)
        live.f, live.gx, live.gy = f, gx, gy
        size = np.abs(f)
        live.blown |= moved & (size > live.above)
        flown = moved & (size > live.ceiling)
        ended = ~moved | flown
        if ended.any():
            self.left_domain[live.ids[undefined & np.isnan(f)]] = True
            self.diverged[live.ids[ended]] = True
            # A step that could not be taken is not counted; one that flew off is.
            self._drop(ended, np.where(moved, self.step, self.step - 1)[ended])

    def _drop(self, ended: BoolArray, steps: int | IntArray) -> None:
        """Freeze the runs marked ``ended`` where they are after ``steps`` steps."""
        live = self._live
        ids = live.ids[ended]
        self.final[ids, 0] = live.x[ended]
        self.final[ids, 1] = live.y[ended]
        self._taken[ids] = steps
        self.diverged[ids] |= live.blown[ended]
        keep = ~ended
        live.keep(keep)
        self._rule.keep(keep)

    def result(
        self,
        *,
        complete: bool = True,
        shape: tuple[int, int] | None = None,
        domain: Domain | None = None,
    ) -> Basins:
        """Return where every run is now (ended or not) as :class:`Basins`."""
        live = self._live
        final = self.final.copy()
        final[live.ids, 0] = live.x
        final[live.ids, 1] = live.y
        steps = self._taken.copy()
        steps[live.ids] = self.step
        diverged = self.diverged.copy()
        diverged[live.ids] |= live.blown
        converged = self.converged.copy()
        tolerance = self.config.tolerance
        if tolerance > 0.0 and self.step >= self.config.steps:
            # descend looks once more after its last step, as before every step.
            with np.errstate(invalid="ignore"):
                size = np.hypot(live.gx if self.free_x else 0.0, live.gy if self.free_y else 0.0)
            converged[live.ids[size <= tolerance]] = True
        minimum = reached_minima(self.problem, final)
        minimum[diverged] = -1
        if shape is not None:
            nx, ny = (int(v) for v in shape)
            if nx * ny != len(final):
                raise ValueError(f"a grid of {nx} × {ny} does not hold {len(final)} starts")
            shape = (nx, ny)
        return Basins(
            starts=self.starts.copy(),
            final=final,
            minimum=minimum,
            diverged=diverged,
            left_domain=self.left_domain.copy(),
            converged=converged,
            steps=steps,
            minima=tuple(self.problem.minima),
            shape=shape,
            domain=domain,
            complete=complete,
            seed=self.seed,
        )


@dataclass(slots=True)
class _Live:
    """The runs still going: where they are, f and ∇f there, and their limits."""

    ids: IntArray
    x: FloatArray
    y: FloatArray
    f: FloatArray
    gx: FloatArray
    gy: FloatArray
    above: FloatArray  # past this |f| the run has diverged (it still goes on)
    ceiling: FloatArray  # past this |f| it stops
    blown: BoolArray

    def keep(self, keep: BoolArray) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name)[keep])


def _first(problem: FunctionProblem, x: FloatArray, y: FloatArray) -> tuple[FloatArray, ...]:
    """Return f, ∂f/∂x and ∂f/∂y at the points, as arrays of their own.

    In blocks of :data:`BLOCK` points, so that a formula's dozens of temporaries stay
    small: over 40,000 points at once each one was fresh memory from the system, and
    one call of Himmelblau's formulas took 6 ms against 1.3 ms in blocks.
    """
    out = np.empty((3, x.size))
    for start in range(0, x.size, BLOCK):
        end = start + BLOCK
        values = problem.derivatives(x[start:end], y[start:end])
        for row, value in enumerate(values):
            out[row, start:end] = value
    return out[0], out[1], out[2]


# The update rules of engine/optimizers.py, across starts. Each acts element-wise and
# keeps its state as arrays over the live runs; ``keep`` drops the runs that ended.


class _Rule:
    """Plain gradient descent: θ ← θ − α g."""

    state: tuple[str, ...] = ()

    def __init__(
        self,
        problem: FunctionProblem,
        free: tuple[bool, bool],
        options: dict[str, float],
        count: int,
    ) -> None:
        self.problem = problem
        self.free = free
        self.options = options
        for name in self.state:
            setattr(self, name, np.zeros(count))

    def keep(self, keep: BoolArray) -> None:
        """Drop the state of the runs not kept."""
        for name in self.state:
            setattr(self, name, getattr(self, name)[keep])

    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        """Return the points after one step from (x, y), where f is ``f``."""
        return x - rate * gm, y - rate * gb


class _Momentum(_Rule):
    state = ("vm", "vb")
    vm: FloatArray
    vb: FloatArray

    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        beta = self.options["beta"]
        self.vm = vm = beta * self.vm + gm
        self.vb = vb = beta * self.vb + gb
        return x - rate * vm, y - rate * vb


class _Nesterov(_Momentum):
    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        beta = self.options["beta"]
        self.vm = vm = beta * self.vm + gm
        self.vb = vb = beta * self.vb + gb
        return x - rate * (gm + beta * vm), y - rate * (gb + beta * vb)


class _AdaGrad(_Rule):
    state = ("sm", "sb")
    sm: FloatArray
    sb: FloatArray

    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        self.sm = sm = self.sm + gm * gm
        self.sb = sb = self.sb + gb * gb
        eps = self.options["eps"]
        return x - rate * gm / (np.sqrt(sm) + eps), y - rate * gb / (np.sqrt(sb) + eps)


class _RMSProp(_AdaGrad):
    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        rho, eps = self.options["rho"], self.options["eps"]
        self.sm = sm = rho * self.sm + (1.0 - rho) * (gm * gm)
        self.sb = sb = rho * self.sb + (1.0 - rho) * (gb * gb)
        return x - rate * gm / (np.sqrt(sm) + eps), y - rate * gb / (np.sqrt(sb) + eps)


class _Adam(_Rule):
    state = ("mm", "mb", "vm", "vb")
    mm: FloatArray
    mb: FloatArray
    vm: FloatArray
    vb: FloatArray

    def __init__(
        self,
        problem: FunctionProblem,
        free: tuple[bool, bool],
        options: dict[str, float],
        count: int,
    ) -> None:
        super().__init__(problem, free, options, count)
        self.updates = 0  # the same for every live run: they step in lockstep

    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        self.updates = t = self.updates + 1
        beta1, beta2, eps = self.options["beta1"], self.options["beta2"], self.options["eps"]
        self.mm = mm = beta1 * self.mm + (1.0 - beta1) * gm
        self.mb = mb = beta1 * self.mb + (1.0 - beta1) * gb
        self.vm = vm = beta2 * self.vm + (1.0 - beta2) * (gm * gm)
        self.vb = vb = beta2 * self.vb + (1.0 - beta2) * (gb * gb)
        first = 1.0 - beta1**t
        second = 1.0 - beta2**t
        step_m = (mm / first) / (np.sqrt(vm / second) + eps)
        step_b = (mb / first) / (np.sqrt(vb / second) + eps)
        return x - rate * step_m, y - rate * step_b


class _Newton(_Rule):
    """θ ← θ − α H⁻¹ g where H is positive definite, else a plain gradient step."""

    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        a, c, d = (np.asarray(v, dtype=np.float64) for v in self.problem.second_derivatives(x, y))
        free_m, free_b = self.free
        if free_m and free_b:
            finite = np.isfinite(a) & np.isfinite(c) & np.isfinite(d)
            # The eigenvalues of a symmetric 2×2 matrix, without cancellation.
            mean = 0.5 * (a + d)
            radius = np.hypot(0.5 * (a - d), c)
            largest = mean + radius
            det = a * d - c * c
            positive = largest > 0.0
            smallest = np.where(positive, det / np.where(positive, largest, 1.0), -1.0)
            ok = finite & positive & (smallest > NEWTON_RATIO * largest)
            safe = np.where(ok, det, 1.0)
            dm = np.where(ok, (d * gm - c * gb) / safe, gm)
            db = np.where(ok, (a * gb - c * gm) / safe, gb)
            return x - rate * dm, y - rate * db
        curvature = a if free_m else d
        ok = np.isfinite(curvature) & (curvature > 0.0)
        safe = np.where(ok, curvature, 1.0)
        if free_m:
            return x - rate * np.where(ok, gm / safe, gm), y - rate * np.where(ok, 0.0, gb)
        return x - rate * np.where(ok, 0.0, gm), y - rate * np.where(ok, gb / safe, gb)


class _LineSearch(_Rule):
    """Backtracking (Armijo) from α, per run, on the exact f."""

    def __init__(
        self,
        problem: FunctionProblem,
        free: tuple[bool, bool],
        options: dict[str, float],
        count: int,
    ) -> None:
        super().__init__(problem, free, options, count)
        self.scale = problem.cost_scale()

    def update(
        self,
        x: FloatArray,
        y: FloatArray,
        f: FloatArray,
        gm: FloatArray,
        gb: FloatArray,
        rate: float,
    ) -> tuple[FloatArray, FloatArray]:
        shrink, c = self.options["shrink"], self.options["c"]
        slope = c * (gm * gm + gb * gb)
        rounding = COST_ROUNDING * np.maximum(np.abs(f), self.scale)
        s = np.full(x.shape, float(rate))
        new_x, new_y = x.copy(), y.copy()
        pending = np.arange(x.size)
        for shrinks in range(MAX_SHRINKS + 1):
            ps = s[pending]
            tx = x[pending] - ps * gm[pending]
            ty = y[pending] - ps * gb[pending]
            (value,) = self.problem._value(tx, ty)
            new = np.broadcast_to(np.asarray(value, dtype=np.float64), tx.shape)
            here = f[pending]
            accept = (new <= here - ps * slope[pending]) | (new - here <= rounding[pending])
            if shrinks == MAX_SHRINKS:
                accept[:] = True  # descend takes the last step tried, and so do we
            done = pending[accept]
            new_x[done], new_y[done] = tx[accept], ty[accept]
            pending = pending[~accept]
            if not pending.size:
                break
            s[pending] *= shrink
        return new_x, new_y


_RULES: dict[str, type[_Rule]] = {
    "gd": _Rule,
    "momentum": _Momentum,
    "nesterov": _Nesterov,
    "adagrad": _AdaGrad,
    "rmsprop": _RMSProp,
    "adam": _Adam,
    "newton": _Newton,
    "linesearch": _LineSearch,
}


def make_rule(
    config: DescentConfig, problem: FunctionProblem, free: tuple[bool, bool], count: int
) -> _Rule:
    """Return ``config``'s update rule across ``count`` runs."""
    rule = _RULES.get(config.optimizer)
    if rule is None:  # a rule added to OPTIMIZERS and not here: say so, never guess
        raise ValueError(f"basins cannot run the update rule {config.optimizer!r} yet")
    return rule(problem, free, config.optimizer_settings, count)


def _starts(starts: ArrayLike) -> FloatArray:
    try:
        points = np.array(starts, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"starts must be (x, y) pairs of numbers, got {starts!r}") from None
    if points.ndim != 2 or points.shape[1] != 2 or not len(points):
        raise ValueError(
            f"starts must be an array of (x, y) pairs, shape (N, 2); got shape {points.shape}"
        )
    if len(points) > MAX_STARTS:
        raise ValueError(f"at most {MAX_STARTS:,} starts at once, got {len(points):,}")
    if not np.isfinite(points).all():
        row = int(np.flatnonzero(~np.isfinite(points).all(axis=1))[0])
        raise ValueError(f"start {row + 1} is not a finite point: {tuple(points[row])}")
    return points


def _domain(domain: Sequence[float]) -> Domain:
    try:
        x0, x1, y0, y1 = (float(v) for v in domain)
    except (TypeError, ValueError):
        raise ValueError(f"a domain is (x from, x to, y from, y to), got {domain!r}") from None
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1)) or x0 >= x1 or y0 >= y1:
        raise ValueError(
            f"a domain is (x from, x to, y from, y to) with from < to, got {tuple(domain)}"
        )
    return x0, x1, y0, y1


def _whole(value: Any, what: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{what} must be a whole number from 1 to {maximum:,}, got {value!r}")
    if not 1 <= value <= maximum:
        raise ValueError(f"{what} must be from 1 to {maximum:,}, got {value:,}")
    return int(value)


__all__ = [
    "MAX_PER_SIDE",
    "MAX_STARTS",
    "Basins",
    "BasinsRun",
    "basins",
    "grid_starts",
    "random_starts",
    "reached_minima",
]
