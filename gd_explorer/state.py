"""What the explorer holds, as one immutable value, and every change to it.

The window never changes its state in place: each action of the user is a
transition from one :class:`ExplorerState` to the next, which also says what the
change means for the run and the views (an :class:`Effect`). The analysis of a
state — the cost model, its exact optimum, its curvature and the maps' framing —
is computed once per change (:func:`analyse`), however many views draw it.
No Qt here.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gd_explorer.engine import (
    CostModel,
    Dataset,
    DatasetError,
    Fit,
    Stability,
    article_dataset,
    reference_fit,
    stability,
)
from gd_explorer.engine.scaling import Scaling
from gd_explorer.framing import Domain, problem_domain
from gd_explorer.scene import MAX_RUNS
from gd_explorer.settings import (
    REGRESSION_FIELDS,
    Settings,
    clamp_rate,
    surface_defaults,
)

#: Settings that belong to the problem rather than to one run: equal across runs.
SHARED = ("model", "speed", "scaling", "surface", "expression", "condition", "rotation", "l2")
#: The settings that say which function a function problem is.
FUNCTION = frozenset({"surface", "expression", "condition", "rotation"})
#: Settings whose change mid-run restarts the run from where the ball is.
RESTARTING = frozenset(
    {
        "model",
        "variant",
        "optimizer",
        "optimizer_options",
        "schedule",
        "schedule_options",
        "learning_rate",
        "batch_size",
        "hold_intercept",
        "held_intercept",
        "scaling",
        "noise",
        "l2",
        *FUNCTION,
    }
)
#: Settings that move the run's held line or best point: the maps are framed anew.
REFRAMING = frozenset({"model", "hold_intercept", "held_intercept", "scaling", "l2", *FUNCTION})
STARTING = frozenset({"start_slope", "start_intercept"})


class Effect(enum.Flag):
    """What a transition means for the run and the views."""

    NONE = 0
    #: The views show something else: draw them again.
    REDRAW = enum.auto()
    #: The problem or its best point changed: frame the maps anew.
    REFRAME = enum.auto()
    #: A live run carries on over the edited data from where it is.
    CARRY_ON = enum.auto()
    #: A live run starts again from where the ball is, with the new settings.
    RESTART = enum.auto()
    #: The run is over: a lesson, a session or a new start replaces everything.
    DISCARD = enum.auto()
    #: The start point moved (frame the maps anew only if it left them).
    START = enum.auto()
    #: The run's pace changed.
    SPEED = enum.auto()


class StateError(ValueError):
    """A change that cannot be made; the message says why, for the person who asked."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a state implies, computed once: the problem, its optimum, curvature and framing.

    ``stability`` is None where the curvature cannot be measured (no optimum to
    measure a logistic cost at, say). ``domain`` frames the start and the optima.
    """

    problem: CostModel
    fit: Fit
    stability: Stability | None
    domain: Domain
    #: How x is standardised (None: it is not); ``problem`` is on standardised x.
    scaling: Scaling | None = None


@dataclass(frozen=True, slots=True, eq=False)
class ExplorerState:
    """The data, each run's settings, which run is selected, and the lesson.

    ``runs`` holds 1 to :data:`MAX_RUNS` settings; the model, the speed and the
    scaling are the problem's and equal in every run. Compare states with
    :meth:`same`: the data are compared by identity (a million rows are not
    compared value by value).
    """

    data: Dataset
    runs: tuple[Settings, ...]
    selected: int = 0
    lesson: str | None = None
    #: Each run's colour slot (kept when another run is removed) and name; by default
    #: slots 0, 1, … and "run 1", "run 2", ….
    slots: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    #: While a function is the problem: each run's settings as they were on the data,
    #: given back (start, learning rate, descent, held intercept, scaling) when a
    #: regression model is chosen again.
    shelved: tuple[Settings, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= len(self.runs) <= MAX_RUNS:
            raise StateError(f"there must be 1 to {MAX_RUNS} runs, not {len(self.runs)}")
        n = len(self.runs)
        slots = self.slots if len(self.slots) == n else tuple(range(n))
        if len(set(slots)) != n or not all(0 <= s < MAX_RUNS for s in slots):
            slots = tuple(range(n))
        labels = self.labels if len(self.labels) == n else tuple(f"run {s + 1}" for s in slots)
        object.__setattr__(self, "slots", tuple(slots))
        object.__setattr__(self, "labels", tuple(labels))
        if not 0 <= self.selected < len(self.runs):
            raise StateError(f"no run {self.selected + 1} to select")
        first = self.runs[0]
        for run in self.runs[1:]:
            for name in SHARED:
                if getattr(run, name) != getattr(first, name):
                    raise StateError(f"every run must share the {name} (the problem's)")

    @classmethod
    def initial(
        cls, settings: Settings | None = None, data: Dataset | None = None
    ) -> ExplorerState:
        """Return the state a window opens with: the article's data, one run."""
        return cls(article_dataset() if data is None else data, (settings or Settings(),))

    @property
    def settings(self) -> Settings:
        """Settings: the selected run's."""
        return self.runs[self.selected]

    def same(self, other: ExplorerState) -> bool:
        """Return whether ``other`` holds the same data (by identity), runs and lesson."""
        return (
            self.data is other.data
            and self.runs == other.runs
            and self.selected == other.selected
            and self.lesson == other.lesson
            and self.labels == other.labels
        )

    # Transitions: each returns the new state and what the change means.

    def edit_data(self, data: Dataset) -> tuple[ExplorerState, Effect]:
        """Replace the data (a point added, moved or removed; a file opened).

        Raises
        ------
        DatasetError
            If the model cannot fit ``data`` (logistic needs two classes, say).
        """
        self.settings.problem(data)
        return (
            replace(self, data=data),
            Effect.REDRAW | Effect.REFRAME | Effect.CARRY_ON,
        )

    def set_settings(self, settings: Settings) -> tuple[ExplorerState, Effect]:
        """Change the selected run's settings; the problem's settings change in every run.

        Raises
        ------
        StateError
            If the settings are not valid (the engine refuses them).
        DatasetError
            If a new model cannot fit the data.
        """
        try:
            settings.config()
        except ValueError as error:
            raise StateError(str(error)) from None
        old = self.settings
        changed = {
            name for name in settings.to_dict() if getattr(settings, name) != getattr(old, name)
        }
        if not changed:
            return self, Effect.NONE
        if "model" in changed or (changed & FUNCTION and settings.model == "function"):
            try:
                settings.problem(self.data)
            except ValueError as error:  # a typed function that is not a formula
                if not isinstance(error, DatasetError):
                    raise StateError(str(error)) from None
                raise
        shared: dict[str, Any] = {name: getattr(settings, name) for name in SHARED}
        if "surface" in changed and settings.model == "function":
            # A start on the old surface means nothing on the new one.
            runs = self._start_together(settings, old.learning_rate, **shared)
        else:
            runs = tuple(
                settings if i == self.selected else run.replace(**shared)
                for i, run in enumerate(self.runs)
            )
        return replace(self, runs=runs), _effect(changed)

    def switch_model(self, settings: Settings, data: Dataset) -> tuple[ExplorerState, Effect]:
        """Change the model along with the data it needs (logistic needs classes).

        Choosing a function keeps every run's settings on the data aside (see
        :attr:`shelved`) and starts each run where the surface suggests; choosing a
        regression model again gives them back. The data is never touched by a function.

        Raises
        ------
        DatasetError
            If the model cannot fit ``data``.
        StateError
            If the settings are not valid.
        """
        old = self.settings
        shelved = self.shelved
        if settings.model == "function" and old.model != "function":
            runs, selected_settings = self._to_function(settings)
            shelved = self.runs
        elif old.model == "function" and settings.model != "function":
            runs, selected_settings = self._from_function(settings)
            shelved = ()
        else:
            selected_settings = settings
            runs = self.runs
        settings = selected_settings
        if settings.model == "logistic" and settings.hold_intercept:
            settings = settings.replace(hold_intercept=False)
        settings.problem(data)
        shared = {name: getattr(settings, name) for name in SHARED}
        runs = tuple(
            settings
            if i == self.selected
            else run.replace(**shared, hold_intercept=False)
            if settings.model == "logistic"
            else run.replace(**shared)
            for i, run in enumerate(runs)
        )
        for run in runs:
            try:
                run.config()
            except ValueError as error:
                raise StateError(str(error)) from None
        effect = Effect.REDRAW | Effect.REFRAME | Effect.RESTART
        return replace(self, data=data, runs=runs, shelved=shelved), effect

    def _to_function(self, settings: Settings) -> tuple[tuple[Settings, ...], Settings]:
        """Return the runs (and the selected run's settings) on the function chosen.

        Sampling, a held intercept and standardised x mean nothing without data.
        """
        defaults = surface_defaults(settings.surface)
        plain = {"variant": "batch", "hold_intercept": False, "scaling": False}
        chosen = settings.replace(**plain, **defaults)
        return self._start_together(chosen, settings.learning_rate, **plain), chosen

    def _start_together(
        self, chosen: Settings, rate_before: float, **changes: Any
    ) -> tuple[Settings, ...]:
        """Return the runs with ``chosen`` selected and every other run starting where it does.

        Each other run's learning rate is scaled as the selected run's went from
        ``rate_before`` (a race of rates stays a race of rates); ``changes`` apply to them.
        """
        ratio = chosen.learning_rate / rate_before
        return tuple(
            chosen
            if i == self.selected
            else run.replace(
                **changes,
                start_slope=chosen.start_slope,
                start_intercept=chosen.start_intercept,
                learning_rate=clamp_rate(run.learning_rate * ratio),
            )
            for i, run in enumerate(self.runs)
        )

    def _from_function(self, settings: Settings) -> tuple[tuple[Settings, ...], Settings]:
        """Return the runs (and the selected run's) with their settings on the data back.

        A run added while the function was shown takes the first run's; without any
        kept (a session saved on a function) the defaults.
        """
        kept = self.shelved or (Settings(),)

        def back(index: int, run: Settings) -> Settings:
            source = kept[index] if index < len(kept) else kept[0]
            restored = {name: getattr(source, name) for name in REGRESSION_FIELDS}
            return run.replace(**restored, model=settings.model)

        runs = tuple(back(i, run) for i, run in enumerate(self.runs))
        chosen = back(self.selected, settings)
        return runs, chosen

    def add_run(
        self, settings: Settings | None = None, label: str | None = None
    ) -> tuple[ExplorerState, Effect]:
        """Add a run (a copy of the selected one by default) and select it.

        It takes the first free colour slot; ``label`` names it ("run k" by default).

        Raises
        ------
        StateError
            If :data:`MAX_RUNS` runs are there already.
        """
        if len(self.runs) >= MAX_RUNS:
            raise StateError(f"at most {MAX_RUNS} runs can race at once")
        new = self.settings if settings is None else settings
        shared = {name: getattr(self.settings, name) for name in SHARED}
        runs = (*self.runs, new.replace(**shared))
        slot = min(set(range(MAX_RUNS)) - set(self.slots))
        state = replace(
            self,
            runs=runs,
            selected=len(runs) - 1,
            slots=(*self.slots, slot),
            labels=(*self.labels, label or f"run {slot + 1}"),
        )
        return state, Effect.REDRAW

    def duplicate_run(self) -> tuple[ExplorerState, Effect]:
        """Add a copy of the selected run and select it (see :meth:`add_run`)."""
        return self.add_run()

    def remove_run(self, index: int | None = None) -> tuple[ExplorerState, Effect]:
        """Remove run ``index`` (the selected one by default); one run always stays.

        Raises
        ------
        StateError
            If it is the only run, or there is no such run.
        """
        index = self.selected if index is None else index
        if len(self.runs) == 1:
            raise StateError("the last run cannot be removed")
        if not 0 <= index < len(self.runs):
            raise StateError(f"no run {index + 1} to remove")
        runs = self.runs[:index] + self.runs[index + 1 :]
        selected = self.selected - (index < self.selected)
        selected = min(selected, len(runs) - 1)
        slots = self.slots[:index] + self.slots[index + 1 :]
        labels = self.labels[:index] + self.labels[index + 1 :]
        state = replace(self, runs=runs, selected=selected, slots=slots, labels=labels)
        return state, Effect.REDRAW

    def select_run(self, index: int) -> tuple[ExplorerState, Effect]:
        """Select run ``index``: the controls, read-out and equations are about it.

        Raises
        ------
        StateError
            If there is no such run.
        """
        if not 0 <= index < len(self.runs):
            raise StateError(f"no run {index + 1} to select")
        if index == self.selected:
            return self, Effect.NONE
        return replace(self, selected=index), Effect.REDRAW | Effect.REFRAME

    def load_lesson(self, lesson: Any, speed: float) -> tuple[ExplorerState, Effect]:
        """Replace everything by a lesson's data and one run of its settings.

        ``lesson`` is a :class:`gd_explorer.lessons.Lesson`; the speed is kept. A
        lesson on a function sets which function and keeps the data (for later).
        """
        function = getattr(lesson, "function", None)
        picks = function.settings() if function is not None else {}
        # The lesson's problem carries its L2 penalty (0 for most: a lesson sets it anew).
        runs = tuple(
            Settings.from_config(lesson.problem.kind, run.config, speed).replace(
                scaling=getattr(lesson, "scaling", False),
                l2=getattr(lesson.problem, "l2", 0.0),
                **picks,
            )
            for run in lesson.runs
        )
        labels = tuple(run.label for run in lesson.runs) if len(runs) > 1 else ()
        data = self.data if function is not None else lesson.problem.data
        # The data is kept for later, and so are its settings: choosing a regression
        # model after the lesson gives back the runs as they were on the data.
        shelved = () if function is None else self.shelved or self._regression_runs()
        state = ExplorerState(data, runs, 0, lesson.id, labels=labels, shelved=shelved)
        return state, _REPLACED

    def _regression_runs(self) -> tuple[Settings, ...]:
        """Return the runs when the problem is a regression, else nothing."""
        return () if self.settings.model == "function" else self.runs

    def race(self, runs: tuple[tuple[str, Settings], ...]) -> tuple[ExplorerState, Effect]:
        """Replace the runs by a race of labelled settings (a preset) on the same data.

        Raises
        ------
        StateError
            If there are more than :data:`MAX_RUNS` or a run's settings are not valid.
        """
        for _, settings in runs:
            try:
                settings.config()
            except ValueError as error:
                raise StateError(str(error)) from None
        state = ExplorerState(
            self.data,
            tuple(settings for _, settings in runs),
            0,
            self.lesson,
            labels=tuple(label for label, _ in runs),
            shelved=self.shelved,
        )
        return state, Effect.DISCARD | Effect.REDRAW | Effect.REFRAME

    def load_session(
        self,
        data: Dataset,
        runs: tuple[Settings, ...],
        selected: int = 0,
        lesson: str | None = None,
        labels: tuple[str, ...] = (),
    ) -> tuple[ExplorerState, Effect]:
        """Replace everything by a session's (or a recovered autosave's) contents.

        Raises
        ------
        StateError
            If the runs do not share the problem's settings or there are too many.
        DatasetError
            If the model cannot fit the data.
        """
        state = ExplorerState(data, tuple(runs), selected, lesson, labels=tuple(labels))
        state.settings.problem(data)
        return state, _REPLACED

    def new(self) -> tuple[ExplorerState, Effect]:
        """Start afresh: the article's data, default settings at the same speed."""
        settings = Settings().replace(speed=self.settings.speed)
        return ExplorerState(article_dataset(), (settings,)), _REPLACED


_REPLACED = Effect.DISCARD | Effect.REDRAW | Effect.REFRAME


def _effect(changed: set[str]) -> Effect:
    effect = Effect.REDRAW
    if changed & RESTARTING:
        effect |= Effect.RESTART
    if changed & REFRAMING:
        effect |= Effect.REFRAME
    if changed & STARTING:
        effect |= Effect.START
    if "speed" in changed:
        effect |= Effect.SPEED
    if changed == {"speed"}:
        effect &= ~Effect.REDRAW
    return effect


# The analysis, once per change.

#: Analyses kept: undo and redo go back and forth between a few states.
ANALYSES_KEPT = 8
_analyses: OrderedDict[tuple[object, ...], tuple[Dataset, Analysis]] = OrderedDict()


def _key(state: ExplorerState) -> tuple[object, ...]:
    settings = state.settings
    config = settings.config()
    fixed = tuple(sorted((config.fixed or {}).items()))
    function = (
        (settings.surface, settings.expression, settings.condition, settings.rotation)
        if settings.model == "function"
        else None
    )
    return (
        id(state.data),
        settings.model,
        settings.scaling,
        settings.l2,
        fixed,
        config.start,
        function,
    )


def local_curvature(
    problem: CostModel, point: tuple[float, float], fixed: Mapping[str, float] | None = None
) -> Stability | None:
    """Return the curvature figures at ``point`` (None where they cannot be measured).

    A function of x alone is measured along x only: its y never moves, and the
    Hessian's zero along y would make every condition number infinite.
    """
    if getattr(problem, "dimension", 2) == 1:
        fixed = {**(fixed or {}), "b": point[1]}
    try:
        return stability(problem, point, fixed)
    except (ValueError, np.linalg.LinAlgError):
        return None


def analyse(state: ExplorerState) -> Analysis:
    """Return the analysis of ``state``'s selected run on its data (cached by state).

    States that share the data, the model and the selected run's held parameters
    and start share one analysis: changing the learning rate computes nothing.
    """
    key = _key(state)
    kept = _analyses.get(key)
    if kept is not None and kept[0] is state.data:
        _analyses.move_to_end(key)
        return kept[1]
    settings = state.settings
    config = settings.config()
    problem = settings.problem(state.data)
    fit = reference_fit(problem, config.fixed)
    curvature: Stability | None
    if problem.kind == "function":
        # A function curves differently at each point: its curvature is the start's.
        curvature = local_curvature(problem, config.start, config.fixed)
    else:
        try:
            # Logistic curvature is measured at the optimum: passed, so it is not found twice.
            where = fit.theta if problem.kind == "logistic" and fit.theta is not None else None
            if problem.kind == "logistic" and where is None:
                where = (0.0, 0.0)
            curvature = stability(problem, where, config.fixed)
        except (ValueError, np.linalg.LinAlgError):
            curvature = None
    domain = problem_domain(problem, config.start, None, fixed=config.fixed)
    analysis = Analysis(problem, fit, curvature, domain, settings.scaling_of(state.data))
    _analyses[key] = (state.data, analysis)
    while len(_analyses) > ANALYSES_KEPT:
        _analyses.popitem(last=False)
    return analysis
