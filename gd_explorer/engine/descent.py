"""Running gradient descent: the configuration, the loop and its record.

There is one loop, :meth:`Descent.advance`. The worker calls it a chunk at a
time; :func:`descend` calls it until the run ends.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine.models import CostModel
from gd_explorer.engine.optimizers import OPTIMIZERS, Options, choose, make_optimizer
from gd_explorer.engine.samplers import (
    MiniBatchSampler,
    StochasticSampler,
    make_sampler,
)
from gd_explorer.engine.schedules import SCHEDULES, make_schedule, validate_schedule

FloatArray = NDArray[np.float64]

VARIANTS = ("batch", "stochastic", "minibatch")
PARAMETERS = ("m", "b")
# On a function problem the parameters are called x and y.
_ALIASES = {"m": "m", "slope": "m", "b": "b", "intercept": "b", "x": "m", "y": "b"}
#: The largest gradient noise (standard deviation) a run takes.
MAX_NOISE = 1e12

#: Most steps a run takes. The window keeps a run's every point, cost and gradient
#: (41 bytes a step, preallocated), so a run at the limit needs about 410 MB there.
MAX_STEPS = 10_000_000
#: Largest mini-batch: a batch's row indices and temporaries (about 40 bytes a row)
#: stay within a few hundred megabytes. A batch larger than the data is clamped anyway.
MAX_BATCH_SIZE = 10_000_000
#: Largest seed: one unsigned 64-bit word. The engine draws 32-bit seeds itself.
MAX_SEED = 2**64 - 1
#: Learning rates outside these make rate × gradient underflow or overflow for gradients
#: of any ordinary size. Inside, a rate far too large simply diverges, with its message.
MIN_LEARNING_RATE = 1e-300
MAX_LEARNING_RATE = 1e300

_LARGEST = float(np.finfo(np.float64).max)
#: Steps :meth:`Descent.run` takes per call of the loop.
_RUN_CHUNK = 1 << 16


def _far_out() -> np.errstate:
    """Return a context in which numpy lets values pass the largest double quietly.

    Far from the data m·x may overflow: costs and steps then become infinite, which
    the loop turns into a divergence, so there is nothing to warn about.
    """
    return np.errstate(over="ignore", invalid="ignore")


#: Rows × steps up to which a stochastic or mini-batch run on a cost without cheap
#: statistics (logistic) still records the exact full-data cost at every step: about
#: a twentieth of a second of passes over the data in all. Beyond, a step records the
#: loss of the rows it used, and the exact cost is computed where it is shown.
EXACT_BUDGET = 10_000_000

#: A run has diverged once its cost exceeds this many times its typical scale.
DIVERGENCE_FACTOR = 1e10
#: A diverged run keeps going (so the flight can be watched) until this factor.
CEILING_FACTOR = 1e100


def divergence_limits(kind: str, reference: Any) -> tuple[Any, Any]:
    """Return the sizes of cost past which a run has diverged, and past which it stops.

    ``reference`` is the typical size of the cost (a number, or an array of them, one per
    start). A run goes on past divergence so that its flight can be watched, up to
    :data:`CEILING_FACTOR` times the reference. Off a saddle a function falls by a steady
    factor a step, and that flight to 1e100 took over a thousand steps far outside the
    picture: a function's run stops 1e10-fold past the point it was seen to diverge.
    """
    above = DIVERGENCE_FACTOR * reference
    ceiling = DIVERGENCE_FACTOR * above if kind == "function" else CEILING_FACTOR * reference
    return above, ceiling


def _finite(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {number}")
    return number


def _whole(value: Any, what: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{what} must be a whole number ≥ {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be ≥ {minimum}, got {value}")
    if value > maximum:
        raise ValueError(f"{what} must be ≤ {maximum:,}, got {value:,}")
    return int(value)


def format_rate(rate: float) -> str:
    """Format a learning rate the way a person typed it (1.0, 0.05, 1e-06)."""
    text = repr(float(rate))
    return text if len(text) <= 10 else f"{rate:.6g}"


@dataclass(frozen=True, slots=True)
class DescentConfig:
    """Everything that decides a run, given the problem.

    Invalid values raise ``ValueError`` with a message that says which value
    and why. Every value is bounded: ``steps`` ≤ :data:`MAX_STEPS`, ``batch_size``
    ≤ :data:`MAX_BATCH_SIZE`, ``0 ≤ seed ≤`` :data:`MAX_SEED` and
    :data:`MIN_LEARNING_RATE` ≤ ``learning_rate`` ≤ :data:`MAX_LEARNING_RATE`.
    ``fixed`` maps ``"m"``/``"b"`` (or ``"slope"``/``"intercept"``) to a value held
    constant; it overrides ``init`` for that parameter.

    ``optimizer`` and ``schedule`` name a key of :data:`OPTIMIZERS` and
    :data:`SCHEDULES`; their options are checked against the known ones and stored,
    like ``fixed``, as read-only :class:`Options` mappings (hashable, equal to the
    dict they came from; ``optimizer_options`` and ``schedule_options`` are empty
    mappings when not given). :attr:`optimizer_settings` and
    :attr:`schedule_settings` fill in the defaults.
    """

    learning_rate: float
    steps: int
    variant: str = "batch"
    batch_size: int = 1
    seed: int | None = None
    init: tuple[float, float] = (0.0, 0.0)
    fixed: Mapping[str, float] | None = None
    optimizer: str = "gd"
    tolerance: float = 0.0
    optimizer_options: Mapping[str, Any] | None = field(default=None, compare=True)
    schedule: str = "constant"
    schedule_options: Mapping[str, Any] | None = None
    noise: float = 0.0

    def __post_init__(self) -> None:
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, int | float | np.floating):
            raise ValueError(f"learning rate must be a number, got {rate!r}")
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"learning rate must be a positive finite number, got {rate}")
        if rate > MAX_LEARNING_RATE:
            raise ValueError(f"learning rate must be ≤ {MAX_LEARNING_RATE:g}, got {rate:g}")
        if rate < MIN_LEARNING_RATE:
            raise ValueError(f"learning rate must be ≥ {MIN_LEARNING_RATE:g}, got {rate:g}")
        _whole(self.steps, "steps", 1, MAX_STEPS)
        if self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {self.variant!r}")
        _whole(self.batch_size, "batch size", 1, MAX_BATCH_SIZE)
        if self.seed is not None:
            _whole(self.seed, "seed", 0, MAX_SEED)
        try:
            m0, b0 = self.init
        except (TypeError, ValueError):
            raise ValueError(
                f"init must be a (slope, intercept) pair, got {self.init!r}"
            ) from None
        object.__setattr__(
            self, "init", (_finite(m0, "starting slope"), _finite(b0, "starting intercept"))
        )
        if self.fixed:
            fixed: dict[str, float] = {}
            for key, value in dict(self.fixed).items():
                name = _ALIASES.get(str(key).lower())
                if name is None:
                    raise ValueError(
                        "only the slope (m) or intercept (b) can be fixed (x or y on a "
                        f"function), not {key!r}"
                    )
                fixed[name] = _finite(value, f"fixed {key}")
            if len(fixed) == 2:
                raise ValueError("slope and intercept are both fixed: nothing is left to learn")
            object.__setattr__(self, "fixed", Options(fixed))
        else:
            object.__setattr__(self, "fixed", None)
        rule = choose(OPTIMIZERS, self.optimizer, "optimizer")
        object.__setattr__(
            self, "optimizer_options", rule.validate(self.optimizer_options, "optimizer")
        )
        object.__setattr__(
            self, "schedule_options", validate_schedule(self.schedule, self.schedule_options)
        )
        tolerance = _finite(self.tolerance, "tolerance")
        if tolerance < 0:
            raise ValueError(f"tolerance must be ≥ 0, got {tolerance}")
        noise = _finite(self.noise, "gradient noise")
        if not 0.0 <= noise <= MAX_NOISE:
            raise ValueError(f"gradient noise must be 0 … {MAX_NOISE:g}, got {noise:g}")
        object.__setattr__(self, "noise", noise)

    @property
    def start(self) -> tuple[float, float]:
        """Return the starting (m, b), with fixed values applied."""
        fixed = self.fixed or {}
        return fixed.get("m", self.init[0]), fixed.get("b", self.init[1])

    def free(self) -> tuple[bool, bool]:
        """Return whether the slope and the intercept are learned."""
        fixed = self.fixed or {}
        return "m" not in fixed, "b" not in fixed

    @property
    def optimizer_settings(self) -> dict[str, float]:
        """Return every option of the update rule, defaults filled in."""
        return OPTIMIZERS[self.optimizer].resolve(self.optimizer_options)

    @property
    def schedule_settings(self) -> dict[str, float]:
        """Return every option of the schedule, defaults filled in."""
        return SCHEDULES[self.schedule].resolve(self.schedule_options)

    def rate_at(self, t: int) -> float:
        """Return the learning rate of update ``t`` (0 is the first) under the schedule."""
        schedule = make_schedule(
            self.schedule, float(self.learning_rate), self.steps, self.schedule_options
        )
        return float(self.learning_rate) if schedule is None else schedule(t)

    def replace(self, **changes: Any) -> DescentConfig:
        """Return a copy with some fields changed (validated again)."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True, eq=False)
class Trajectory:
    """The record of a run: every point visited, its cost and the step taken.

    ``params`` has one row (m, b) per point including the start; ``cost`` the
    cost there; ``grad`` the gradient each step actually used (zero for a
    fixed parameter). ``cost_exact[k]`` says whether ``cost[k]`` is the exact
    full-data cost; where it is False, ``cost[k]`` is the loss of the rows step k
    used, at the point it reached (stochastic and mini-batch steps on large
    logistic data, whose exact cost is a pass over every row). The start, and the
    last point of a run that has ended, are exact unless their cost passes the
    largest double.
    """

    params: FloatArray
    cost: FloatArray
    grad: FloatArray
    status: str
    message: str
    seed: int
    config: DescentConfig
    diverged_at: int | None = None
    notes: tuple[str, ...] = ()
    cost_exact: NDArray[np.bool_] = field(default_factory=lambda: np.ones(0, dtype=bool))

    @classmethod
    def record(
        cls,
        params: FloatArray,
        cost: FloatArray,
        grad: FloatArray,
        *,
        status: str,
        message: str,
        seed: int,
        config: DescentConfig,
        diverged_at: int | None = None,
        notes: tuple[str, ...] = (),
        cost_exact: ArrayLike | None = None,
        copy: bool = True,
    ) -> Trajectory:
        """Return a trajectory holding read-only copies of the arrays.

        ``cost_exact`` defaults to every cost being exact. With ``copy=False`` the
        trajectory takes the arrays as they are (read-only views), for arrays that
        nothing will write again.
        """
        take = np.array if copy else np.asarray
        copies = [take(a, dtype=np.float64) for a in (params, cost, grad)]
        if cost_exact is None:
            exact = np.ones(copies[1].shape, dtype=bool)
        else:
            exact = take(cost_exact, dtype=bool)
            if exact.shape != copies[1].shape:
                raise ValueError(
                    f"cost_exact has shape {exact.shape}, the costs {copies[1].shape}"
                )
        for array in (*copies, exact):
            array.setflags(write=False)
        return cls(
            params=copies[0],
            cost=copies[1],
            grad=copies[2],
            status=status,
            message=message,
            seed=seed,
            config=config,
            diverged_at=diverged_at if status == "diverged" else None,
            notes=tuple(notes),
            cost_exact=exact,
        )

    @property
    def steps(self) -> int:
        """Return the number of steps taken."""
        return int(self.grad.shape[0])

    @property
    def final(self) -> tuple[float, float]:
        """Return the last (m, b)."""
        m, b = self.params[-1]
        return float(m), float(b)


@dataclass(frozen=True, slots=True)
class Chunk:
    """The steps one call of :meth:`Descent.advance` added.

    ``first`` is the index (in the trajectory) of the first new point;
    ``rows`` the rows sampled by the last step (None for batch or no step);
    ``cost_exact`` which costs are exact (see :class:`Trajectory`).
    """

    first: int
    params: FloatArray
    cost: FloatArray
    grad: FloatArray
    rows: int | NDArray[np.intp] | None
    status: str
    cost_exact: NDArray[np.bool_]


class Descent:
    """A gradient-descent run that can be advanced a chunk of steps at a time.

    Parameters
    ----------
    problem : CostModel
        The cost to minimise.
    config : DescentConfig
        How to descend.
    exact_costs : bool, optional
        Record the exact full-data cost at every step (True), or let the run decide
        (None, the default): exact wherever it is cheap — least squares, batch steps,
        a tolerance (which needs the full gradient anyway) or at most
        :data:`EXACT_BUDGET` rows × steps — and otherwise the loss of each step's
        rows, with the exact cost at the end and wherever :meth:`settle` is called.
    """

    def __init__(
        self, problem: CostModel, config: DescentConfig, *, exact_costs: bool | None = None
    ) -> None:
        if not isinstance(problem, CostModel):
            raise TypeError(f"problem must be a cost model, not {type(problem).__name__}")
        if not isinstance(config, DescentConfig):
            raise TypeError(f"config must be a DescentConfig, not {type(config).__name__}")
        if problem.kind == "function" and config.variant != "batch":
            raise ValueError(
                f"a function has no data rows to sample, so variant {config.variant!r} means "
                "nothing here: use 'batch' (gradient noise models stochastic steps)"
            )
        self.problem = problem
        self.notes: list[str] = []
        #: Where a run on a function left the region where the function is defined.
        self.left_domain: tuple[int, float, float] | None = None
        #: Where a run on a function stepped onto a point where f is −∞ (log(0)).
        self.fell_to: tuple[int, float, float] | None = None
        #: Where a run on a function met a gradient without a value (a cone's tip).
        self.no_gradient: tuple[int, float, float] | None = None
        n = problem.n
        batch_size = config.batch_size
        if config.variant == "minibatch" and batch_size > n:
            self.notes.append(
                f"batch size {batch_size} is larger than the {n} rows of data; using all {n}"
            )
            batch_size = n
            config = replace(config, batch_size=n)
        self.config = config
        self.seed = (
            int(config.seed)
            if config.seed is not None
            else int(np.random.SeedSequence().generate_state(1)[0])
        )
        rng = np.random.default_rng(self.seed)
        self._sampler = make_sampler(config.variant, n, batch_size, rng)
        # Gradient noise has its own stream, so it never shifts which rows are drawn.
        self._noise = np.random.default_rng([self.seed, 1])
        self._free_m, self._free_b = config.free()
        if getattr(problem, "dimension", 2) == 1:
            self._free_b = False  # a function of x alone: y never moves
        self._optimizer = make_optimizer(
            config.optimizer, problem, (self._free_m, self._free_b), config.optimizer_options
        )
        self._schedule = make_schedule(
            config.schedule, float(config.learning_rate), config.steps, config.schedule_options
        )
        m, b = config.start
        with _far_out():
            cost, gm, gb = problem._evaluate(m, b)
        self._m, self._b, self._cost = m, b, cost
        self._full = (gm, gb)
        # Room for the whole run at once, 41 bytes a step (the 160 of lists would not
        # do): pages not yet written cost no memory, and growing by copies would hold
        # old and new arrays together, 750 MB for a run of MAX_STEPS.
        rows = config.steps + 1
        self._params = np.empty((rows, 2))
        self._costs = np.empty(rows)
        self._grads = np.empty((rows, 2))
        self._exact = np.empty(rows, dtype=bool)
        self._exact[0] = True
        self._exact_steps = exact_costs
        self._every_step_exact = self._exact_policy()
        self._params[0] = m, b
        self._steps = 0
        self.diverged_at: int | None = None
        self._overflowed = False
        self.status = "running"
        self.message = "running"
        self.last_rows: int | NDArray[np.intp] | None = None
        if math.isfinite(cost):
            self._costs[0] = cost
            self._set_thresholds(cost)
        else:
            # So far out that the cost passes the largest double: nothing to step from.
            # The largest double stands for it (a lower bound), so every value stays finite.
            self._costs[0] = self._cost = _LARGEST
            self._exact[0] = False
            self._set_thresholds(_LARGEST)
            self.diverged_at = 0
            self.status = "diverged"
            self.message = (
                f"diverged at the start: the cost at slope {m:g}, intercept {b:g} is beyond "
                "the largest floating-point number; start nearer the data"
            )
            if problem.kind == "function":
                self.left_domain = (0, m, b) if math.isnan(cost) else None
                self.message = (
                    f"f is not defined at the start ({m:g}, {b:g}): start where it is"
                    if math.isnan(cost)
                    else f"f at the start ({m:g}, {b:g}) is beyond the largest "
                    "floating-point number: start nearer the middle"
                )

    def _exact_policy(self) -> bool:
        """Return whether every step records the exact cost (see the class docstring)."""
        if self._exact_steps is not None:
            return self._exact_steps
        config, problem = self.config, self.problem
        left = config.steps - getattr(self, "_steps", 0)
        return (
            problem.cheap_cost
            or config.variant == "batch"
            or config.tolerance > 0.0
            or problem.n * left <= EXACT_BUDGET
        )

    def _set_thresholds(self, start_cost: float) -> None:
        # A function may be negative (and fall without bound): its size is what counts.
        reference = max(abs(start_cost), self.problem.cost_scale(), 1e-300)
        self._diverge_above, self._ceiling = divergence_limits(self.problem.kind, reference)

    @property
    def step(self) -> int:
        """Return the number of steps taken so far."""
        return self._steps

    @property
    def done(self) -> bool:
        """Return whether the run has ended.

        A run whose cost has blown up may go on a while (its flight can be watched):
        ``diverged_at`` and ``message`` say so from the step it was detected.
        """
        return self.status != "running"

    @property
    def point(self) -> tuple[float, float]:
        """Return the current (m, b)."""
        return self._m, self._b

    def _full_norm(self) -> float:
        gm, gb = self._full
        return math.hypot(gm if self._free_m else 0.0, gb if self._free_b else 0.0)

    def advance(self, max_steps: int) -> Chunk:
        """Take up to ``max_steps`` steps (fewer if the run ends) and return them.

        The last cost may be a batch loss (see :class:`Trajectory`) until
        :meth:`settle` or the end of the run makes it exact.
        """
        first = self._steps + 1
        if not self.done:
            with _far_out():
                self._loop(max(0, int(max_steps)))
        return self.since(first)

    def since(self, first: int) -> Chunk:
        """Return the points from index ``first`` on (0 is the start, 1 the first step).

        ``grad`` holds the steps that led to those points, so it has one row
        fewer when ``first`` is 0.
        """
        first = max(0, int(first))
        end = self._steps + 1
        return Chunk(
            first=first,
            params=self._params[first:end].copy(),
            cost=self._costs[first:end].copy(),
            grad=self._grads[max(first - 1, 0) : end - 1].copy(),
            rows=self.last_rows,
            status=self.status,
            cost_exact=self._exact[first:end].copy(),
        )

    def set_problem(self, problem: CostModel) -> None:
        """Carry on from the current point on another cost (the data was edited).

        The steps already taken keep the costs they had. Random rows are drawn from
        the same generator, now over the new number of rows.
        """
        if not isinstance(problem, CostModel):
            raise TypeError(f"problem must be a cost model, not {type(problem).__name__}")
        if type(problem) is not type(self.problem):
            raise ValueError("a run cannot change its model; start a new run instead")
        self.problem = problem
        n = problem.n
        sampler = self._sampler
        if isinstance(sampler, StochasticSampler):
            self._sampler = StochasticSampler(n, sampler.rng)
        elif isinstance(sampler, MiniBatchSampler):
            size = self.config.batch_size
            if size > n:
                self.notes.append(f"the data now has {n} rows; batches use all of them")
                size = n
            self._sampler = MiniBatchSampler(n, size, sampler.rng)
        self._optimizer.set_problem(problem)
        with _far_out():
            cost, gm, gb = problem._evaluate(self._m, self._b)
            start_cost = problem._cost(*self.config.start)
        self._cost = cost
        self._full = (gm, gb)
        self._set_thresholds(start_cost)
        self._every_step_exact = self._exact_policy()

    def _store(
        self,
        ms: list[float],
        bs: list[float],
        costs: list[float],
        gs: list[float],
        inexact: list[int],
    ) -> None:
        """Append the steps taken; ``inexact`` lists the indices of batch-loss costs."""
        k = len(costs)
        if not k:
            return
        start = self._steps + 1
        need = start + k
        self._params[start:need, 0] = ms
        self._params[start:need, 1] = bs
        self._costs[start:need] = costs
        self._exact[start:need] = True
        if inexact:
            self._exact[inexact] = False
        self._grads[start - 1 : need - 1] = np.reshape(gs, (k, 2))
        self._steps += k

    def _loop(self, max_steps: int) -> None:
        problem, config = self.problem, self.config
        sampler, update, schedule = self._sampler, self._optimizer.update, self._schedule
        rate = float(config.learning_rate)
        tolerance, steps = config.tolerance, config.steps
        free_m, free_b = self._free_m, self._free_b
        full_batch = config.variant == "batch"
        # The full gradient is needed after each step only to use it or to test convergence.
        need_full = full_batch or tolerance > 0.0
        fixed_m, fixed_b = config.start
        # Otherwise a step records the loss of its rows, O(batch), and the exact cost
        # only when that loss looks like a divergence (then it decides).
        exact_costs = need_full or self._every_step_exact
        inexact: list[int] = []
        ms: list[float] = []
        bs: list[float] = []
        costs: list[float] = []
        gs: list[float] = []  # gm, gb interleaved
        taken, m, b, cost = self._steps, self._m, self._b, self._cost
        gm_full, gb_full = self._full
        diverge_above, ceiling = self._diverge_above, self._ceiling
        rows: int | NDArray[np.intp] | None = None
        status = "running"
        noise = config.noise
        normal = self._noise.standard_normal if noise > 0.0 else None
        # A function may fall without bound (a saddle): a blow-up counts either way.
        two_sided = problem.kind == "function"
        for _ in range(max_steps):
            if (
                tolerance > 0.0
                and math.hypot(gm_full if free_m else 0.0, gb_full if free_b else 0.0) <= tolerance
            ):
                status = "converged"
                break
            if taken >= steps:
                status = "max_steps"
                break
            rows = sampler.next()
            if rows is None:
                if full_batch:
                    gm, gb = gm_full, gb_full
                else:
                    gm, gb = problem._full_gradient(m, b)
            elif isinstance(rows, int):
                gm, gb = problem._one_row_gradient(m, b, rows)
            else:
                gm, gb = problem._row_gradient(m, b, rows)
            if normal is not None:
                gm += noise * normal()
                gb += noise * normal()
            if not free_m:
                gm = 0.0
            if not free_b:
                gb = 0.0
            if schedule is not None:
                rate = schedule(taken)
            new_m, new_b = update(m, b, gm, gb, rate)
            if not free_m:
                new_m = fixed_m
            if not free_b:
                new_b = fixed_b
            if not (math.isfinite(new_m) and math.isfinite(new_b)):
                if two_sided and not (math.isfinite(gm) and math.isfinite(gb)):
                    self.no_gradient = (taken, m, b)
                self._overflowed = True
                status = "diverged"
                break
            if need_full:
                new_cost, gm_full, gb_full = problem._evaluate(new_m, new_b)
            elif exact_costs or rows is None:
                new_cost = problem._cost(new_m, new_b)
            else:
                if isinstance(rows, int):
                    new_cost = problem._one_row_loss(new_m, new_b, rows)
                else:
                    new_cost = problem._row_loss(new_m, new_b, rows)
                if new_cost > diverge_above or not math.isfinite(new_cost):
                    new_cost = problem._cost(new_m, new_b)
                else:
                    inexact.append(taken + 1)
            if not math.isfinite(new_cost):
                # The step left the range of floating point: keep only what is finite.
                if two_sided and math.isnan(new_cost):
                    self.left_domain = (taken + 1, new_m, new_b)
                elif two_sided and new_cost < 0.0:
                    self.fell_to = (taken + 1, new_m, new_b)
                self._overflowed = True
                status = "diverged"
                break
            m, b, cost = new_m, new_b, new_cost
            ms.append(m)
            bs.append(b)
            costs.append(cost)
            gs.append(gm)
            gs.append(gb)
            taken += 1
            if two_sided and cost < 0.0:
                size = -cost
                if size > diverge_above and self.diverged_at is None:
                    self.diverged_at = taken
                    self.message = self._describe("diverged")
                if size > ceiling:
                    status = "diverged"
                    break
            if cost > diverge_above and self.diverged_at is None:
                self.diverged_at = taken
                # Say so at once: a window shows it while the ball is still flying.
                self.message = self._describe("diverged")
            if cost > ceiling:
                status = "diverged"
                break
        else:
            # The chunk ran out; the run may also have reached its end exactly here.
            if (
                tolerance > 0.0
                and math.hypot(gm_full if free_m else 0.0, gb_full if free_b else 0.0) <= tolerance
            ):
                status = "converged"
            elif taken >= steps:
                status = "max_steps"
        self._store(ms, bs, costs, gs, inexact)
        self._m, self._b, self._cost = m, b, cost
        self._full = (gm_full, gb_full)
        self.last_rows = rows
        if status != "running":
            self._finish(status)

    def settle(self) -> None:
        """Make the cost of the current point exact, if it is not (one pass over the data).

        The window calls it before each frame it draws, and a run calls it at its end.
        The exact cost may show a divergence that the batch losses did not.
        """
        with _far_out():
            diverged = self._settle()
        if diverged and not self.done:
            self._finish("diverged")

    def _settle(self) -> bool:
        """Make the current cost exact; return whether the run must stop as diverged."""
        k = self._steps
        if self._exact[k]:
            return False
        cost = self.problem._cost(self._m, self._b)
        if not math.isfinite(cost):
            # Beyond the largest double: the batch loss stays, marked as not exact.
            self._overflowed = True
            return True
        self._costs[k] = self._cost = cost
        self._exact[k] = True
        if cost > self._diverge_above and self.diverged_at is None:
            self.diverged_at = k
            self.message = self._describe("diverged")
        return cost > self._ceiling

    def _finish(self, status: str) -> None:
        with _far_out():
            self._settle()
        self.notes.extend(self._optimizer.notes)
        if self.diverged_at is not None or self._overflowed:
            status = "diverged"
            if self.diverged_at is None:
                self.diverged_at = self.step + 1
        self.status = status
        self.message = self._describe(status)
        if self.notes:
            self.message += " (" + "; ".join(self.notes) + ")"

    def _describe(self, status: str) -> str:
        k = self.step
        if status == "converged":
            return (
                f"converged after {k} steps: the gradient's size {self._full_norm():.3g} is "
                f"within the tolerance {self.config.tolerance:g}"
            )
        if status == "max_steps":
            return f"finished all {k} steps; cost {self._cost:.6g}"
        if self.problem.kind == "function":
            return self._describe_function()
        from gd_explorer.engine.analysis import stability

        rate = self.config.learning_rate
        limit = stability(self.problem, self.config.start, self.config.fixed).max_stable_lr
        where = f"diverged at step {self.diverged_at}: "
        if self.config.optimizer != "gd":
            # The limit 2/L is plain gradient descent's; other rules have their own.
            return where + (
                f"the cost grew more than {DIVERGENCE_FACTOR:.0e}-fold with learning rate "
                f"{format_rate(rate)} ({OPTIMIZERS[self.config.optimizer].label}; plain "
                f"gradient descent's stability limit here is {limit:.3g})"
            )
        if rate > limit:
            return where + (
                f"learning rate {format_rate(rate)} is above the stability limit {limit:.3g}"
            )
        return where + self._below_limit(rate, limit)

    def _below_limit(self, rate: float, limit: float) -> str:
        """Say why a run diverged although its base learning rate is below 2/L.

        Only a run that samples rows may blame them: a batch run uses every row at
        every step, so its reason lies elsewhere (a schedule, the curvature, the data).
        """
        grew = (
            f"the cost grew more than {DIVERGENCE_FACTOR:.0e}-fold although learning rate "
            f"{format_rate(rate)} is below the stability limit {limit:.3g}"
        )
        schedule, at = self._schedule, self.diverged_at
        reached = rate if schedule is None or not at else schedule(at - 1)
        if reached > limit:
            return (
                f"the {self.config.schedule} schedule raised the learning rate to "
                f"{reached:.3g}, above the stability limit {limit:.3g}"
            )
        if self.config.variant != "batch":
            return grew + (
                " of the full cost (the rows sampled at a step can be steeper than their average)"
            )
        if self.problem.kind == "logistic":
            return grew + (
                " at the start: the cost curves more steeply where the run went, and "
                "the limit there is lower"
            )
        return grew + " of the cost now (the data or the curvature changed during the run)"

    def _describe_function(self) -> str:
        """Say why a run on a function stopped early, in its own words."""
        if self.left_domain is not None:
            step, x, y = self.left_domain
            return (
                f"left the domain at step {step}: f is not defined at ({x:.4g}, {y:.4g}), "
                f"so the run stopped at ({self._m:.4g}, {self._b:.4g})"
            )
        if self.no_gradient is not None:
            step, x, y = self.no_gradient
            return (
                f"stopped at step {step}: the gradient of f has no value at ({x:.4g}, {y:.4g}) "
                "(a tip or a kink, as sqrt(x**2 + y**2) has at its lowest point), so there is "
                "no direction to step in; start elsewhere"
            )
        if self.fell_to is not None:
            step, x, y = self.fell_to
            return (
                f"diverged at step {step}: f is −∞ at ({x:.4g}, {y:.4g}), so it has no "
                f"minimum (it is unbounded below); the run stopped at ({self._m:.4g}, "
                f"{self._b:.4g})"
            )
        where = f"diverged at step {self.diverged_at}: "
        if self._cost < 0.0:
            # The message is written again when the run ends, steps after it began to
            # fall: how far it fell by then is said with its step.
            now = (
                ""
                if self.step == self.diverged_at
                else f" (to {self._cost:.3g} by step {self.step})"
            )
            return where + (
                f"f fell below {-self._diverge_above:.3g} and kept falling{now}: it has no "
                "minimum in that direction (it is unbounded below)"
            )
        from gd_explorer.engine.analysis import stability

        rate = self.config.learning_rate
        limit = stability(self.problem, self.config.start, self.config.fixed).max_stable_lr
        grew = (
            f"f grew more than {DIVERGENCE_FACTOR:.0e}-fold with learning rate {format_rate(rate)}"
        )
        noise = self.config.noise
        if noise > 0.0 and math.isfinite(limit) and rate <= limit:
            # The rate is stable here: blaming it would send the user the wrong way.
            return where + (
                f"{grew} and gradient noise of size {noise:g}: the rate is below the "
                f"{limit:.3g} the curvature at the start allows, so the noise threw it "
                f"(each step moves about rate × noise = {rate * noise:.3g} at random)"
            )
        if not math.isfinite(limit):
            # No curvature at the start to judge the rate by.
            return where + grew + (f" and gradient noise of size {noise:g}" if noise else "")
        return where + (
            f"{grew} (the curvature at the start allows rates below {limit:.3g} for plain "
            "gradient descent)"
        )

    def trajectory(self) -> Trajectory:
        """Return the run so far as a :class:`Trajectory`.

        Once the run has ended its arrays never change again, so the trajectory
        takes them without a copy: at MAX_STEPS a copy would double 410 MB.
        """
        k = self._steps
        return Trajectory.record(
            self._params[: k + 1],
            self._costs[: k + 1],
            self._grads[:k],
            status=self.status,
            message=self.message,
            seed=self.seed,
            config=self.config,
            diverged_at=self.diverged_at,
            notes=tuple(self.notes),
            cost_exact=self._exact[: k + 1],
            copy=not self.done,
        )

    def run(self) -> Trajectory:
        """Advance to the end of the run and return the trajectory."""
        while not self.done:
            # In chunks: a chunk's steps wait in Python lists (about 160 bytes a step)
            # before they are stored, which for a whole long run took gigabytes.
            self.advance(_RUN_CHUNK)
        return self.trajectory()


def descend(problem: CostModel, config: DescentConfig) -> Trajectory:
    """Run gradient descent on ``problem`` as ``config`` says and return the record."""
    return Descent(problem, config).run()
