"""What the controls say about a run, as one immutable value, and how it becomes engine objects.

No Qt here: the window, sessions and lessons share it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from gd_explorer.engine import (
    CostModel,
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
)
from gd_explorer.engine.descent import MAX_NOISE, MAX_STEPS
from gd_explorer.engine.functions import SURFACE_INFO, FunctionProblem, bowl
from gd_explorer.engine.scaling import (  # the steps control offers the engine's range
    Scaling,
    standardise,
)

MODELS = {"linear": LinearRegression, "logistic": LogisticRegression}
#: Every kind of problem: the regressions on data, and a function without data.
PROBLEM_KINDS = (*MODELS, "function")
#: The ``surface`` that means "the function typed in ``expression``".
TYPED = "custom"
#: The bowl's condition numbers and rotations (degrees) offered.
CONDITION_RANGE = (1.0, 1000.0)
ROTATION_RANGE = (-90.0, 90.0)
#: Steps per second offered by the speed control; 0 means as fast as possible.
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000, 0)
LEARNING_RATE_RANGE = (1e-6, 10.0)
#: The largest L2 penalty λ taken. λ adds itself to the cost's curvature L, so beyond this
#: the stable learning rates (below 2/L) shrink toward the smallest the controls offer.
MAX_L2 = 1000.0
#: The largest seed the seed control (a 32-bit spin box) can show; the engine takes more.
MAX_SHOWN_SEED = 2**31 - 1
#: The settings that mean something only on data: kept aside while a function is the
#: problem and given back when the data's model returns.
REGRESSION_FIELDS = (
    "start_slope",
    "start_intercept",
    "learning_rate",
    "variant",
    "batch_size",
    "hold_intercept",
    "held_intercept",
    "scaling",
)


def options(values: Mapping[str, Any] | None) -> tuple[tuple[str, float], ...]:
    """Return hyper-parameters as the sorted (name, value) pairs :class:`Settings` keeps."""
    return tuple(sorted((str(k), float(v)) for k, v in dict(values or {}).items()))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the user sets besides the data. Change it with ``replace``."""

    model: str = "linear"
    variant: str = "batch"
    optimizer: str = "gd"
    learning_rate: float = 0.01
    steps: int = 4000
    batch_size: int = 3
    seed: int = 2024
    start_slope: float = 0.0
    start_intercept: float = 0.0
    hold_intercept: bool = False
    held_intercept: float = 2.6
    speed: float = 200.0
    tolerance: float = 0.0  # stop once the gradient is this small (a lesson may set it)
    # The update rule's and the schedule's hyper-parameters as sorted (name, value) pairs:
    # a tuple keeps the settings hashable and comparable.
    optimizer_options: tuple[tuple[str, float], ...] = ()
    schedule: str = "constant"
    schedule_options: tuple[tuple[str, float], ...] = ()
    scaling: bool = False  # standardise x (the problem's, shared by every run)
    # A function problem (model "function"): a built-in surface, or TYPED and the text;
    # the bowl's condition number and rotation. Shared by every run, like the model.
    surface: str = "rosenbrock"
    expression: str = ""
    condition: float = 10.0
    rotation: float = 30.0
    noise: float = 0.0  # gradient noise on a function (its stochastic descent), per run
    # The L2 penalty λ: J + (λ/2)·m² on data (shared by every run, like the model).
    l2: float = 0.0

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)

    def config(self) -> DescentConfig:
        """Return the engine's configuration (raises ValueError if invalid)."""
        check_l2(self.l2)
        if self.scaling and self.hold_intercept:
            raise ValueError(
                "the intercept cannot be held while x is standardised: the intercept of "
                "standardised x is another number (untick one of the two)"
            )
        function = self.model == "function"
        return DescentConfig(
            learning_rate=self.learning_rate,
            steps=self.steps,
            # A function has no rows to sample: its stochastic descent is gradient noise.
            variant="batch" if function else self.variant,
            batch_size=self.batch_size,
            seed=self.seed,
            init=(self.start_slope, self.start_intercept),
            fixed={"b": self.held_intercept} if self.hold_intercept else None,
            optimizer=self.optimizer,
            tolerance=self.tolerance,
            optimizer_options=dict(self.optimizer_options) or None,
            schedule=self.schedule,
            schedule_options=dict(self.schedule_options) or None,
            noise=self.noise if function else 0.0,
        )

    def problem(self, data: Dataset) -> CostModel:
        """Return the cost model on ``data`` (raises DatasetError if it does not fit).

        With :attr:`scaling` the model is on standardised x (see :meth:`scaling_of`):
        its slope and intercept are those of the standardised data. A function
        problem ignores ``data`` (raises ExpressionError, a ValueError, for bad text).
        """
        if self.model == "function":
            return self.function()
        problem = MODELS[self.model](data, l2=self.l2)
        scaling = self.scaling_of(data)
        return problem if scaling is None else scaling.problem(problem)

    def function(self) -> FunctionProblem:
        """Return the function problem these settings name (built once, then shared).

        Raises
        ------
        ValueError
            For an unknown surface, a bowl out of range, or typed text that is not a
            formula in x and y (an ExpressionError, with its column).
        """
        if self.surface == TYPED:
            return _typed(self.expression)
        if self.surface == "bowl":
            return _bowl(self.condition, self.rotation)
        return _surface(self.surface)

    def scaling_of(self, data: Dataset) -> Scaling | None:
        """Return how x is standardised for ``data``, or None without :attr:`scaling`.

        Raises
        ------
        DatasetError
            If x does not vary (nothing to divide by).
        """
        return standardise(data) if self.scaling and self.model != "function" else None

    @classmethod
    def from_config(cls, model: str, config: DescentConfig, speed: float) -> Settings:
        """Return the settings that reproduce ``config`` (a lesson's, say)."""
        fixed = dict(config.fixed or {})
        return cls(
            model=model,
            variant=config.variant,
            optimizer=config.optimizer,
            learning_rate=float(config.learning_rate),
            steps=config.steps,
            batch_size=config.batch_size,
            seed=config.seed if config.seed is not None else 2024,
            start_slope=config.init[0],
            start_intercept=config.init[1],
            hold_intercept="b" in fixed,
            held_intercept=fixed.get("b", 2.6),
            speed=speed,
            tolerance=config.tolerance,
            optimizer_options=options(config.optimizer_options),
            schedule=config.schedule,
            schedule_options=options(config.schedule_options),
            noise=config.noise,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return plain data for QSettings or a session file (options as mappings)."""
        values = asdict(self)
        values["optimizer_options"] = dict(self.optimizer_options)
        values["schedule_options"] = dict(self.schedule_options)
        return values

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Rebuild settings from :meth:`to_dict` output, ignoring unknown or bad values."""
        defaults = cls()
        values: dict[str, Any] = {}
        for field in fields(cls):
            if field.name not in data:
                continue
            default = getattr(defaults, field.name)
            if isinstance(default, tuple):
                try:
                    values[field.name] = options(dict(data[field.name]))
                except (TypeError, ValueError):
                    pass
                continue
            try:
                value = type(default)(data[field.name])
                if isinstance(default, bool) and isinstance(data[field.name], str):
                    value = data[field.name].lower() == "true"
            except (TypeError, ValueError):
                continue
            values[field.name] = value
        settings = replace(defaults, **values)
        try:
            settings.config()
        except ValueError:
            return defaults
        low, high = LEARNING_RATE_RANGE
        if settings.model == "function":
            try:
                settings.function()
            except (KeyError, ValueError):
                # A surface this version lacks, or text it cannot read: the default one.
                settings = settings.replace(
                    surface=defaults.surface, expression="", condition=10.0, rotation=30.0
                )
        if (
            settings.model not in PROBLEM_KINDS
            or settings.speed not in SPEEDS
            or not low <= settings.learning_rate <= high
            or settings.steps > MAX_STEPS
            or settings.seed > MAX_SHOWN_SEED  # Qt overflows, or crashes storing it
        ):
            return defaults
        return settings


def check_l2(value: float) -> float:
    """Return the L2 penalty ``value`` if it can be used.

    Raises
    ------
    ValueError
        If it is not a number from 0 to :data:`MAX_L2`; the message says what is taken.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"the L2 penalty λ must be a number, not {value!r}")
    if not (math.isfinite(value) and 0.0 <= value <= MAX_L2):
        raise ValueError(
            f"the L2 penalty λ must be a number from 0 (no penalty) to {MAX_L2:g}, not {value!r}"
        )
    return float(value)


def surface_defaults(surface: str) -> dict[str, float]:
    """Return the start and learning rate a built-in surface suggests (none for TYPED).

    Chosen once, when the surface is chosen: the user may change them after.
    """
    info = SURFACE_INFO.get(surface)
    if info is None:
        return {}
    return {
        "start_slope": float(info.start[0]),
        "start_intercept": float(info.start[1]),
        "learning_rate": float(info.learning_rate),
    }


def clamp_rate(rate: float) -> float:
    """Return ``rate`` within :data:`LEARNING_RATE_RANGE` (the control's range)."""
    low, high = LEARNING_RATE_RANGE
    return float(min(max(rate, low), high))


# Function problems are parsed and differentiated once per text, not once per run or view.


@functools.lru_cache(maxsize=16)
def _typed(expression: str) -> FunctionProblem:
    from gd_explorer.engine.functions import function_problem

    return function_problem(expression)


@functools.lru_cache(maxsize=16)
def _bowl(condition: float, rotation: float) -> FunctionProblem:
    return bowl(condition, rotation)


@functools.lru_cache(maxsize=len(SURFACE_INFO))
def _surface(name: str) -> FunctionProblem:
    if name not in SURFACE_INFO:
        known = ", ".join((*SURFACE_INFO, TYPED))
        raise ValueError(f"no surface named {name!r}; the surfaces are {known}")
    return SURFACE_INFO[name].problem()


__all__ = [
    "CONDITION_RANGE",
    "LEARNING_RATE_RANGE",
    "MAX_NOISE",
    "MAX_L2",
    "MAX_SHOWN_SEED",
    "MODELS",
    "PROBLEM_KINDS",
    "REGRESSION_FIELDS",
    "ROTATION_RANGE",
    "SPEEDS",
    "TYPED",
    "Settings",
    "check_l2",
    "clamp_rate",
    "options",
    "surface_defaults",
]
