"""Update rules: how a step turns a gradient into a move.

An update rule is a small object with per-run state, created fresh for each
run by :func:`make_optimizer`; the descent loop gives it each step's gradient
and learning rate (``update``). :data:`OPTIMIZERS` describes every rule by name
(label, formula, options with defaults and ranges), so that a configuration
validates against it and a window builds its controls from it. The formulas are
DESIGN's, to the letter: other programs compare trajectories against them.

:class:`Choice`, :class:`Option` and :class:`Options` describe any named choice
with options; the schedules use them too.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gd_explorer.engine.models import CostModel


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a choice: its default, its allowed range and what it means.

    ``low`` and ``high`` bound the value; ``low_open``/``high_open`` say whether the
    bound itself is excluded. ``whole`` options take whole numbers only.
    """

    name: str
    default: float
    label: str
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    whole: bool = False

    def describe_range(self) -> str:
        """Return the allowed range in words, e.g. ``in [0, 1)`` or ``> 0``."""
        kind = "a whole number" if self.whole else "a finite number"
        if math.isinf(self.low) and math.isinf(self.high):
            return kind
        if math.isinf(self.high):
            return f"{kind} {'>' if self.low_open else '≥'} {self.low:g}"
        if math.isinf(self.low):
            return f"{kind} {'<' if self.high_open else '≤'} {self.high:g}"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{kind} in {left}{self.low:g}, {self.high:g}{right}"

    def check(self, value: Any, owner: str) -> float:
        """Return ``value`` as a number, or raise ``ValueError`` saying what is allowed."""
        where = f"{owner} option {self.name!r} ({self.label})"
        if isinstance(value, bool) or not isinstance(
            value, int | float | np.integer | np.floating
        ):
            raise ValueError(f"{where} must be {self.describe_range()}, got {value!r}")
        number = float(value)
        if self.whole:
            if not number.is_integer():
                raise ValueError(f"{where} must be {self.describe_range()}, got {value!r}")
            whole = int(number)
        ok = math.isfinite(number)
        ok = ok and (number > self.low if self.low_open else number >= self.low)
        ok = ok and (number < self.high if self.high_open else number <= self.high)
        if not ok:
            raise ValueError(f"{where} must be {self.describe_range()}, got {value!r}")
        return whole if self.whole else number


class Options(Mapping[str, float]):
    """A read-only mapping of option values, hashable and comparable with any mapping.

    Keys are kept sorted, so that two configurations given the same options in a
    different order are equal and hash alike.
    """

    __slots__ = ("_items",)

    def __init__(self, values: Mapping[str, float] | None = None) -> None:
        self._items = tuple(sorted((values or {}).items()))

    def __getitem__(self, key: str) -> float:
        for name, value in self._items:
            if name == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __reduce__(self) -> tuple[type, tuple[dict[str, float]]]:
        return Options, (dict(self._items),)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Options):
            return self._items == other._items
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(dict(self._items))


@dataclass(frozen=True, slots=True)
class Choice:
    """A named choice (an update rule or a schedule) and its options.

    ``options`` maps each option's name to its default (read-only); ``specs`` holds
    each option's range and label, for validation and for building controls.
    """

    name: str
    label: str
    description: str
    specs: tuple[Option, ...] = ()
    factory: Any = field(default=None, compare=False, repr=False)
    options: Mapping[str, float] = field(init=False)

    def __post_init__(self) -> None:
        defaults = {spec.name: spec.default for spec in self.specs}
        object.__setattr__(self, "options", MappingProxyType(defaults))

    def validate(self, given: Mapping[str, Any] | None, what: str) -> Options:
        """Return ``given`` checked against this choice's options (defaults not filled in).

        Raises ``ValueError`` naming the known options for an unknown one, and the
        allowed range for a value out of it.
        """
        if given is None:
            return Options()
        if not isinstance(given, Mapping):
            raise ValueError(f"{what} options must be a mapping of names to values, not {given!r}")
        specs = {spec.name: spec for spec in self.specs}
        checked: dict[str, float] = {}
        for key, value in given.items():
            spec = specs.get(key)
            if spec is None:
                known = ", ".join(sorted(specs)) if specs else "none"
                raise ValueError(
                    f"{what} {self.name!r} has no option {key!r}; its options: {known}"
                )
            checked[key] = spec.check(value, f"{what} {self.name!r}")
        return Options(checked)

    def resolve(self, given: Mapping[str, float] | None) -> dict[str, float]:
        """Return every option's value: the given ones, the defaults for the rest."""
        values = dict(self.options)
        values.update(given or {})
        return values


def choose(table: Mapping[str, Choice], name: Any, what: str) -> Choice:
    """Return ``table[name]``, or raise ``ValueError`` naming the known choices."""
    choice = table.get(name) if isinstance(name, str) else None
    if choice is None:
        known = ", ".join(table)
        raise ValueError(f"unknown {what} {name!r}; available: {known}")
    return choice


# The update rules. Each acts per parameter on plain floats (the loop runs millions
# of steps, and numpy's cost per call would dominate a 2-vector). A fixed parameter's
# gradient is 0, so its state stays 0 and it never moves.


class UpdateRule:
    """Plain gradient descent: θ ← θ − α g.

    Subclasses keep per-run state, created fresh for each run by
    :func:`make_optimizer`. ``update`` returns the new (m, b) from the gradient
    ``(gm, gb)`` the step used and the step's learning rate ``rate``.
    """

    name = "gd"

    def __init__(
        self, problem: CostModel, free: tuple[bool, bool], options: Mapping[str, float]
    ) -> None:
        self.problem = problem
        self.free = free
        self.updates = 0
        self.notes: list[str] = []

    def set_problem(self, problem: CostModel) -> None:
        """Carry on, on another cost (the data was edited)."""
        self.problem = problem

    @property
    def state(self) -> dict[str, tuple[float, float]]:
        """Return the rule's state per parameter (m, b), for inspection and tests."""
        return {}

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step with gradient (gm, gb) and rate α."""
        return m - rate * gm, b - rate * gb


class Momentum(UpdateRule):
    """Heavy ball, PyTorch's form: v ← β v + g; θ ← θ − α v."""

    name = "momentum"

    def __init__(
        self, problem: CostModel, free: tuple[bool, bool], options: Mapping[str, float]
    ) -> None:
        super().__init__(problem, free, options)
        self.beta = options["beta"]
        self.vm = self.vb = 0.0

    @property
    def state(self) -> dict[str, tuple[float, float]]:
        """Return the velocity v."""
        return {"v": (self.vm, self.vb)}

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step."""
        beta = self.beta
        self.vm = vm = beta * self.vm + gm
        self.vb = vb = beta * self.vb + gb
        return m - rate * vm, b - rate * vb


class Nesterov(Momentum):
    """Nesterov momentum, PyTorch's form: v ← β v + g; θ ← θ − α (g + β v)."""

    name = "nesterov"

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step."""
        beta = self.beta
        self.vm = vm = beta * self.vm + gm
        self.vb = vb = beta * self.vb + gb
        return m - rate * (gm + beta * vm), b - rate * (gb + beta * vb)


class AdaGrad(UpdateRule):
    """AdaGrad: G ← G + g²; θ ← θ − α g / (√G + ε)."""

    name = "adagrad"

    def __init__(
        self, problem: CostModel, free: tuple[bool, bool], options: Mapping[str, float]
    ) -> None:
        super().__init__(problem, free, options)
        self.eps = options["eps"]
        self.sm = self.sb = 0.0

    @property
    def state(self) -> dict[str, tuple[float, float]]:
        """Return the sum of squared gradients G."""
        return {"G": (self.sm, self.sb)}

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step."""
        self.sm = sm = self.sm + gm * gm
        self.sb = sb = self.sb + gb * gb
        eps = self.eps
        return m - rate * gm / (math.sqrt(sm) + eps), b - rate * gb / (math.sqrt(sb) + eps)


class RMSProp(AdaGrad):
    """RMSProp: s ← ρ s + (1 − ρ) g²; θ ← θ − α g / (√s + ε)."""

    name = "rmsprop"

    def __init__(
        self, problem: CostModel, free: tuple[bool, bool], options: Mapping[str, float]
    ) -> None:
        super().__init__(problem, free, options)
        self.rho = options["rho"]

    @property
    def state(self) -> dict[str, tuple[float, float]]:
        """Return the running mean of squared gradients s."""
        return {"s": (self.sm, self.sb)}

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step."""
        rho = self.rho
        self.sm = sm = rho * self.sm + (1.0 - rho) * (gm * gm)
        self.sb = sb = rho * self.sb + (1.0 - rho) * (gb * gb)
        eps = self.eps
        return m - rate * gm / (math.sqrt(sm) + eps), b - rate * gb / (math.sqrt(sb) + eps)


class Adam(UpdateRule):
    """Adam with bias correction, t = 1, 2, … the update count.

    m ← β₁ m + (1 − β₁) g; v ← β₂ v + (1 − β₂) g²;
    θ ← θ − α (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
    """

    name = "adam"

    def __init__(
        self, problem: CostModel, free: tuple[bool, bool], options: Mapping[str, float]
    ) -> None:
        super().__init__(problem, free, options)
        self.beta1, self.beta2, self.eps = options["beta1"], options["beta2"], options["eps"]
        self.mm = self.mb = self.vm = self.vb = 0.0

    @property
    def state(self) -> dict[str, tuple[float, float]]:
        """Return the first and second moment estimates m and v."""
        return {"m": (self.mm, self.mb), "v": (self.vm, self.vb)}

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step."""
        self.updates = t = self.updates + 1
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        self.mm = mm = beta1 * self.mm + (1.0 - beta1) * gm
        self.mb = mb = beta1 * self.mb + (1.0 - beta1) * gb
        self.vm = vm = beta2 * self.vm + (1.0 - beta2) * (gm * gm)
        self.vb = vb = beta2 * self.vb + (1.0 - beta2) * (gb * gb)
        first = 1.0 - beta1**t
        second = 1.0 - beta2**t
        step_m = (mm / first) / (math.sqrt(vm / second) + eps)
        step_b = (mb / first) / (math.sqrt(vb / second) + eps)
        return m - rate * step_m, b - rate * step_b


#: Below this ratio of the smallest to the largest curvature, Newton's method counts
#: the Hessian as singular: its step would be dominated by rounding.
NEWTON_RATIO = 1e-12


class Newton(UpdateRule):
    """Newton's method: θ ← θ − α H⁻¹ g, H the exact Hessian of the free parameters.

    With α = 1 one step lands on a least-squares optimum. Where H is not positive
    definite (or is singular, or not finite), Newton's step would climb or fly off:
    the rule takes a plain gradient step θ − α g there instead and says so in the
    run's notes.
    """

    name = "newton"

    def __init__(
        self, problem: CostModel, free: tuple[bool, bool], options: Mapping[str, float]
    ) -> None:
        super().__init__(problem, free, options)
        self.fallbacks = 0
        self._first_fallback = 0
        self._constant: tuple[float, float, float] | None = None

    def set_problem(self, problem: CostModel) -> None:
        """Carry on, on another cost: its curvature is another."""
        super().set_problem(problem)
        self._constant = None

    def _curvature(self, m: float, b: float) -> tuple[float, float, float]:
        """Return the Hessian's entries (∂²/∂m², ∂²/∂m∂b, ∂²/∂b²) at (m, b)."""
        if self._constant is not None:
            return self._constant
        h = self.problem.hessian((m, b))
        entries = float(h[0, 0]), float(h[0, 1]), float(h[1, 1])
        # Least squares curves the same everywhere: one Hessian serves the whole run.
        if self.problem.kind == "linear":
            self._constant = entries
        return entries

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step."""
        self.updates += 1
        step = self._direction(m, b, gm, gb)
        if step is None:
            self.fallbacks += 1
            if self.fallbacks == 1:
                self._first_fallback = self.updates
            self._note()
            return m - rate * gm, b - rate * gb
        return m - rate * step[0], b - rate * step[1]

    def _direction(self, m: float, b: float, gm: float, gb: float) -> tuple[float, float] | None:
        """Return H⁻¹ g over the free parameters, or None where H is not positive definite."""
        a, c, d = self._curvature(m, b)
        free_m, free_b = self.free
        if free_m and free_b:
            if not (math.isfinite(a) and math.isfinite(c) and math.isfinite(d)):
                return None
            # The eigenvalues of a symmetric 2×2 matrix, without cancellation.
            mean = 0.5 * (a + d)
            radius = math.hypot(0.5 * (a - d), c)
            largest = mean + radius
            smallest = (a * d - c * c) / largest if largest > 0.0 else -1.0
            if largest <= 0.0 or smallest <= NEWTON_RATIO * largest:
                return None
            det = a * d - c * c
            return (d * gm - c * gb) / det, (a * gb - c * gm) / det
        curvature = a if free_m else d
        if not (math.isfinite(curvature) and curvature > 0.0):
            return None
        return (gm / curvature, 0.0) if free_m else (0.0, gb / curvature)

    def _note(self) -> None:
        times = "once" if self.fallbacks == 1 else f"at {self.fallbacks} steps"
        self.notes[:] = [
            f"the cost's curvature was not positive there, so Newton's method would not "
            f"lead downhill: it took a plain gradient step instead {times} "
            f"(first at step {self._first_fallback})"
        ]


#: Most times a line search halves (shrinks) its step before giving up.
MAX_SHRINKS = 50
#: The rounding of a computed cost, relative to its size (the larger of the cost and
#: its typical scale): least squares from statistics loses a few digits to cancellation.
COST_ROUNDING = 64 * float(np.finfo(np.float64).eps)


class LineSearch(UpdateRule):
    """Gradient descent with a backtracking (Armijo) line search on the full cost J.

    The step s starts at the step's learning rate α and is multiplied by ``shrink``
    until J(θ − s g) ≤ J(θ) − c s |g|² (|g|² over the free parameters). J is always
    the exact full-data cost, even when g comes from sampled rows. A rise of J within
    its rounding (:data:`COST_ROUNDING` of the cost's size) counts as no rise: near the
    optimum J cannot tell steps apart, and the search would otherwise shrink until the
    step vanished. After :data:`MAX_SHRINKS` shrinks without success (which can happen
    when g is a noisy stochastic gradient, not the slope of J) the rule takes the last
    step tried and carries on; the run's notes count such steps.
    """

    name = "linesearch"

    def __init__(
        self, problem: CostModel, free: tuple[bool, bool], options: Mapping[str, float]
    ) -> None:
        super().__init__(problem, free, options)
        self.shrink, self.c = options["shrink"], options["c"]
        self.failures = 0
        self.shrinks = 0
        self._known: tuple[float, float, float] | None = None
        self._scale = problem.cost_scale()

    def set_problem(self, problem: CostModel) -> None:
        """Carry on, on another cost: the remembered cost is no longer J's."""
        super().set_problem(problem)
        self._known = None
        self._scale = problem.cost_scale()

    def update(self, m: float, b: float, gm: float, gb: float, rate: float) -> tuple[float, float]:
        """Return the parameters after one step."""
        self.updates += 1
        cost = self.problem._cost
        known = self._known
        here = known[2] if known is not None and known[0] == m and known[1] == b else cost(m, b)
        slope = self.c * (gm * gm + gb * gb)
        rounding = COST_ROUNDING * max(abs(here), self._scale)
        s = rate
        for shrinks in range(MAX_SHRINKS + 1):
            new_m, new_b = m - s * gm, b - s * gb
            new = cost(new_m, new_b)
            if new <= here - s * slope or new - here <= rounding:
                break
            if shrinks == MAX_SHRINKS:
                self.failures += 1
                self._note()
                break
            s *= self.shrink
        self.shrinks += shrinks
        self._known = (new_m, new_b, new)
        return new_m, new_b

    def _note(self) -> None:
        times = "once" if self.failures == 1 else f"at {self.failures} steps"
        self.notes[:] = [
            f"the line search found no step that lowered the cost enough after "
            f"{MAX_SHRINKS} shrinks {times}, and took the last step tried"
        ]


OPTIMIZERS: dict[str, Choice] = {
    rule.name: rule
    for rule in (
        Choice("gd", "Gradient descent", "θ ← θ − α g", factory=UpdateRule),
        Choice(
            "momentum",
            "Momentum",
            "v ← β v + g; θ ← θ − α v",
            (Option("beta", 0.9, "momentum β", 0.0, 1.0, high_open=True),),
            factory=Momentum,
        ),
        Choice(
            "nesterov",
            "Nesterov momentum",
            "v ← β v + g; θ ← θ − α (g + β v)",
            (Option("beta", 0.9, "momentum β", 0.0, 1.0, high_open=True),),
            factory=Nesterov,
        ),
        Choice(
            "adagrad",
            "AdaGrad",
            "G ← G + g²; θ ← θ − α g / (√G + ε)",
            (Option("eps", 1e-10, "ε", 0.0, low_open=True),),
            factory=AdaGrad,
        ),
        Choice(
            "rmsprop",
            "RMSProp",
            "s ← ρ s + (1 − ρ) g²; θ ← θ − α g / (√s + ε)",
            (
                Option("rho", 0.99, "decay ρ", 0.0, 1.0, high_open=True),
                Option("eps", 1e-8, "ε", 0.0, low_open=True),
            ),
            factory=RMSProp,
        ),
        Choice(
            "adam",
            "Adam",
            "m ← β₁ m + (1 − β₁) g; v ← β₂ v + (1 − β₂) g²; "
            "θ ← θ − α m̂ / (√v̂ + ε) with bias-corrected m̂, v̂",
            (
                Option("beta1", 0.9, "β₁", 0.0, 1.0, high_open=True),
                Option("beta2", 0.999, "β₂", 0.0, 1.0, high_open=True),
                Option("eps", 1e-8, "ε", 0.0, low_open=True),
            ),
            factory=Adam,
        ),
        Choice("newton", "Newton's method", "θ ← θ − α H⁻¹ g", factory=Newton),
        Choice(
            "linesearch",
            "Line search (Armijo)",
            "s from α, times shrink until J(θ − s g) ≤ J(θ) − c s |g|²; θ ← θ − s g",
            (
                Option("shrink", 0.5, "shrink factor", 0.0, 1.0, low_open=True, high_open=True),
                Option(
                    "c", 1e-4, "sufficient decrease c", 0.0, 1.0, low_open=True, high_open=True
                ),
            ),
            factory=LineSearch,
        ),
    )
}


def make_optimizer(
    name: str,
    problem: CostModel,
    free: tuple[bool, bool] = (True, True),
    options: Mapping[str, Any] | None = None,
) -> UpdateRule:
    """Return a fresh update rule ``name`` for a run on ``problem``.

    Parameters
    ----------
    name : str
        A key of :data:`OPTIMIZERS`.
    problem : CostModel
        The cost (Newton's method needs its Hessian, the line search its cost).
    free : (bool, bool)
        Whether the slope and the intercept are learned.
    options : mapping, optional
        The rule's options; missing ones take their defaults.
    """
    choice = choose(OPTIMIZERS, name, "optimizer")
    checked = choice.validate(options, "optimizer")
    return choice.factory(problem, free, choice.resolve(checked))
