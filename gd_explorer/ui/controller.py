"""The explorer's controller: the state, its undo history, the run, replay and drawing.

Data flows one way: an input becomes a new :class:`~gd_explorer.state.ExplorerState`
and an :class:`~gd_explorer.state.Effect`; the effect tells the runner what to do;
the runner's frames and the state become one :class:`~gd_explorer.scene.Scene`,
which :func:`~gd_explorer.ui.painter.paint` draws in every view.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    CostModel,
    Dataset,
    DatasetError,
    DescentConfig,
    Trajectory,
    article_dataset,
    stability,
)
from gd_explorer.engine.basins import grid_starts, random_starts
from gd_explorer.engine.scaling import ScalingReport, compare_scaling
from gd_explorer.engine.sweep import suggested_rates
from gd_explorer.framing import Domain, problem_domain
from gd_explorer.presets import get_preset
from gd_explorer.scene import (
    Reach,
    RunTrace,
    Scene,
    record_trace,
    start_trace,
    trajectory_trace,
)
from gd_explorer.settings import LEARNING_RATE_RANGE, Settings
from gd_explorer.state import (
    RESTARTING,
    SHARED,
    Analysis,
    Effect,
    ExplorerState,
    StateError,
    analyse,
    local_curvature,
)
from gd_explorer.ui import style
from gd_explorer.ui.export import ExportError, frame_steps
from gd_explorer.ui.painter import Views, paint
from gd_explorer.ui.surface_view import grid_axes as surface_grid_axes
from gd_explorer.worker import DescentController, Frame, RunRecord

#: Cost evaluations (rows × grid points) a map may take on this thread (about 10 ms).
GRID_WORK_IN_WINDOW = 1_000_000
#: Milliseconds between redraws while a run plays: about the screen's refresh.
DRAW_MS = 16
#: Memory the undo history may keep in datasets; older steps are let go beyond it.
UNDO_MEMORY_BYTES = 512 * 2**20
#: How long a complaint stays in the status bar, in milliseconds.
COMPLAINT_MS = 12_000
#: Rows up to which a logistic cost's scaling comparison is worked out on this thread,
#: and the steps each side may take (beyond, it says "over" that many).
SCALING_ROWS = 2_000
SCALING_STEPS = 20_000
#: Learning rates a sweep tries, log-spaced around the stability limit.
SWEEP_RATES = 50
#: What each change of a function problem is called in the Edit menu, and which of them
#: merge with the one before (a dragged slider is one step to undo, not a hundred).
FUNCTION_EDITS = {
    "surface": ("Choose surface", -1),
    "expression": ("Type function", -1),
    "condition": ("Change condition number", 1),
    "rotation": ("Turn bowl", 2),
}
#: What a change of the L2 penalty is called in the Edit menu; changes one after another
#: merge (the spin box's arrows held down are one step to undo).
L2_EDIT = ("Change L2 penalty λ", 3)
#: Seconds a replay of a finished run takes to play to its end at the speed "as fast as
#: possible" (played at that speed it would jump straight to the end).
REPLAY_SECONDS = 3.0
#: What a function problem's runs are said to do when they end, besides reaching a minimum.
ENDED = ("max_steps", "converged")
#: What a run is said to be doing while its ball still moves (or could): each gives way
#: to "diverged" from the step the run diverged on.
GOING = ("running", "paused", "replay")


@dataclass(frozen=True, slots=True)
class Run:
    """One run as the window lists it: its configuration and its steps so far."""

    config: DescentConfig
    trajectory: Trajectory | None


class StateChange(QUndoCommand):
    """An undoable change from one state to another."""

    def __init__(
        self,
        controller: ExplorerController,
        text: str,
        before: ExplorerState,
        after: ExplorerState,
        merge: int = -1,
    ) -> None:
        super().__init__(text)
        self._controller = controller
        self._before: ExplorerState | None = before
        self._after: ExplorerState | None = after
        self._merge = merge

    def id(self) -> int:
        """Return the kind of step this merges with (-1: none)."""
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Take in the next step of the same kind (a slider dragged on)."""
        if not isinstance(other, StateChange) or other.id() != self._merge or self._merge < 0:
            return False
        if self._after is None or other._after is None:
            return False
        self._after = other._after
        return True

    def redo(self) -> None:
        """Apply the change."""
        self._show(self._after)

    def undo(self) -> None:
        """Go back to the state before the change."""
        self._show(self._before)

    def _show(self, state: ExplorerState | None) -> None:
        if state is None:
            return  # let go (QUndoStack removes such a step without undoing it)
        # Qt calls redo and undo from C++: an exception leaving them made PySide6 crash
        # the process while reporting it. Report it here; the state is set before drawing.
        try:
            self._controller.restore(state)
        except Exception as error:  # noqa: BLE001 - any failure to draw, reported in full
            sys.excepthook(type(error), error, error.__traceback__)

    def datasets(self) -> tuple[Dataset, ...]:
        """Return the datasets this step keeps (none once it was let go)."""
        if self._before is None or self._after is None:
            return ()
        return (self._before.data, self._after.data)

    def let_go(self) -> None:
        """Forget this step's data to bound memory; undoing it just removes it."""
        self.setObsolete(True)  # QUndoStack deletes an obsolete step instead of undoing it
        self._before = self._after = None
        self.setText(f"{self.text()} (too old to undo: the data is large)")


class ExplorerController(QObject):
    """Owns the state, undo, the link to the engine, replay and the frame timer.

    Parameters
    ----------
    views : Views
        Where scenes are drawn.
    table, cost_curve : QWidget
        The data table and the cost curve, told about new data and problems.
    state : ExplorerState
        The state to start from.
    parent : QObject, optional
        The owner.
    """

    #: A message for the status bar and how long it shows (ms; 0: until replaced).
    message = Signal(str, int)
    #: The settings panel must show these settings for data of this many rows.
    panelNeeded = Signal(object, int)
    #: The run started, paused, resumed or ended: (running, live).
    runStateChanged = Signal(bool, bool)
    #: The replay slider's place and end: (step shown, steps recorded).
    replayMoved = Signal(int, int)
    #: A run's failure message stops being news (a new run started).
    failureCleared = Signal(str)
    #: The state changed (any way): for the title and the unsaved mark.
    stateChanged = Signal(object)
    #: The learning rates where steps stop being smooth (1/L) and diverge (2/L), and
    #: whether they are local (logistic): None, None when unknown.
    bandsChanged = Signal(object, object, bool)
    #: What standardising x does to this data, in words (None: not worked out).
    scalingCompared = Signal(object)
    #: A learning-rate sweep: (runs done, runs in all) while it goes, then its result.
    sweepProgress = Signal(int, int)
    sweepDone = Signal(object, object, object)
    #: A basins map: (steps done, steps in all) while it goes, then its Basins (None:
    #: cancelled or failed) and the problem it is of.
    basinsProgress = Signal(int, int)
    basinsDone = Signal(object, object)

    def __init__(
        self,
        views: Views,
        state: ExplorerState,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.views = views
        self.runner = DescentController(self)
        self.undo_stack = QUndoStack(self)
        self.state = state
        # Frames only mark the views stale; this timer draws, so a slow screen (software
        # OpenGL) lowers the frame rate instead of queueing work ahead of the user's input.
        self._stale: Frame | None = None
        self._draw_timer = QTimer(self)
        self._draw_timer.setInterval(DRAW_MS)
        self._draw_timer.timeout.connect(self._draw)
        # The maps' grids when they come from the engine's process: tag and request.
        self._maps_tag: int | None = None
        self._maps_pending: tuple[CostModel, Domain, Mapping[str, float] | None] | None = None
        #: The step the user scrubbed to, or None to follow the run's newest step.
        self.replay_step: int | None = None
        # A finished run's replay playing on (Space): the step it went on from, the clock
        # since, and the steps a second (the run's speed).
        self._replay_timer = QTimer(self)
        self._replay_timer.setInterval(DRAW_MS)
        self._replay_timer.timeout.connect(self._play_replay)
        self._replay_clock = QElapsedTimer()
        self._replay_from = 0
        self._replay_rate = 0.0
        self._panel: tuple[Settings, int] | None = None
        self._reach: tuple[object, Reach] | None = None
        self._failure_shown: str | None = None
        #: How the selected run on a function ended, as last said in the status bar.
        self._ending_shown: str | None = None
        #: The engine's run id of each colour slot in the race.
        self._ids: dict[int, int] = {}
        self._reaches: dict[tuple[int, int, float | None], Reach] = {}
        self._sweep_tag: int | None = None
        self._scaling_key: tuple[int, str] | None = None
        self._sweep_bands: tuple[float | None, float | None] = (None, None)
        self.runner.frame.connect(self._on_frame)
        self.runner.sweepProgress.connect(self._on_sweep_progress)
        self.runner.sweepDone.connect(self._on_sweep_done)
        self.runner.gridsReady.connect(self._on_grids)
        self._basins: tuple[int, CostModel] | None = None  # the map under way: tag, problem
        self.runner.basinsProgress.connect(self._on_basins_progress)
        self.runner.basinsDone.connect(self._on_basins_done)
        self.runner.failed.connect(self._on_run_failed)

    # What the window reads.

    @property
    def analysis(self) -> Analysis:
        """Analysis: the problem, optimum, curvature and framing of the state (cached)."""
        return analyse(self.state)

    @property
    def runs(self) -> tuple[Run, ...]:
        """Return each run's configuration and steps so far (the selected one's are live)."""
        return tuple(
            Run(settings.config(), None if record is None else record.trajectory())
            for settings, record in zip(self.state.runs, self._records(), strict=True)
        )

    @property
    def trajectory(self) -> Trajectory | None:
        """Trajectory or None: the selected run's steps so far."""
        record = self._selected_record()
        return None if record is None else record.trajectory()

    def _records(self) -> list[RunRecord | None]:
        """Return each run's record in the state's order (None: not raced yet)."""
        by_id = {record.run_id: record for record in self.runner.records}
        return [by_id.get(self._ids.get(slot, -1)) for slot in self.state.slots]

    def _selected_record(self) -> RunRecord | None:
        return self._records()[self.state.selected]

    # Changes of state.

    def change(self, text: str, state: ExplorerState, merge: int = -1) -> None:
        """Move to ``state`` as one undoable step called ``text``.

        Steps with the same ``merge`` key (not -1) one after the other are one step.
        """
        self.undo_stack.push(StateChange(self, text, self.state, state, merge))
        self._bound_undo_memory()

    def replace(self, text: str, state: ExplorerState) -> None:
        """Move to ``state`` with no run going on (a lesson, a session), undoably.

        A run going on would carry on with the old settings under the new controls.
        """
        self.runner.discard()
        self._run_state()
        self.change(text, state)

    def reset_to(self, state: ExplorerState) -> None:
        """Start afresh at ``state``: no run, no undo history."""
        self.runner.discard()
        self._run_state()
        self.undo_stack.clear()
        self.restore(state)

    def edit(self, text: str, change: Callable[[Dataset], Dataset]) -> bool:
        """Apply an edit to the data (undoable), or say why it cannot be made."""
        try:
            state, _ = self.state.edit_data(change(self.state.data))
        except DatasetError as error:
            self.complain(str(error))
            self.restore(self.state)  # undo any preview in the views
            return False
        self.change(text, state)
        return True

    def set_settings(self, settings: Settings, from_panel: bool = True) -> None:
        """Apply the selected run's new settings (``from_panel``: edited in the panel).

        The panel is written only when it does not show the state already: never after
        an edit of its own that was taken, and with the state again after one refused.
        """
        if settings.model != self.state.settings.model:
            self._switch_model(settings)
            return
        try:
            state, effect = self.state.set_settings(settings)
        except StateError as error:
            self.complain(str(error))
            if from_panel:
                self._panel = None  # it shows the refused value: put the state back
            self._sync_panel()
            return
        changed = [
            name
            for name in FUNCTION_EDITS
            if getattr(settings, name) != getattr(self.state.settings, name)
        ]
        if changed and settings.model == "function":
            # A new function is a new problem: undoable, like a new model.
            if from_panel:
                self._panel = (state.settings, len(state.data))  # it shows its own edit
            text, merge = FUNCTION_EDITS[changed[0]]
            self.change(text, state, merge if len(changed) == 1 else -1)
            return
        if settings.l2 != self.state.settings.l2:
            # A new penalty is a new problem for every run: undoable, like a new model.
            if from_panel:
                self._panel = (state.settings, len(state.data))  # it shows its own edit
            text, merge = L2_EDIT
            self.change(text, state, merge)
            return
        old, self.state = self.state, state
        if from_panel:
            self._panel = (state.settings, len(state.data))  # it shows its own edit
        self._apply(effect, old)
        self._sync_panel()
        self.stateChanged.emit(state)

    def set_learning_rate(self, rate: float, text: str) -> None:
        """Set the selected run's learning rate as an undoable step (the panel follows)."""
        settings = self.state.settings.replace(learning_rate=rate)
        try:
            state, _ = self.state.set_settings(settings)
        except StateError as error:
            self.complain(str(error))
            return
        self.change(text, state)

    def best_rate(self) -> None:
        """Set the selected run's learning rate to 2/(L + μ), the fastest for this data."""
        curvature = self.analysis.stability
        low, high = LEARNING_RATE_RANGE
        if curvature is None or not np.isfinite(curvature.best_lr):
            self.complain("no best learning rate: the cost is flat in some direction")
            return
        rate = float(min(max(curvature.best_lr, low), high))
        self.set_learning_rate(rate, "Best learning rate")
        if self.analysis.problem.kind == "function":
            self.message.emit(
                f"learning rate {rate:.4g} = 2/(L + μ) of the curvature at the start: the "
                "fastest there (a function curves differently elsewhere)",
                8000,
            )
            return
        self.message.emit(f"learning rate {rate:.4g} = 2/(L + μ), the fastest here", 8000)

    def scale_learning_rate(self, factor: float) -> None:
        """Multiply the learning rate by ``factor`` ([ and ]), kept within the control's range."""
        low, high = LEARNING_RATE_RANGE
        old = self.state.settings.learning_rate
        rate = min(max(old * factor, low), high)
        if rate == old:
            bound = "largest" if factor > 1 else "smallest"
            self.message.emit(f"the learning rate is already the {bound} allowed ({old:g})", 8000)
            return
        self.set_settings(self.state.settings.replace(learning_rate=rate), from_panel=False)
        clamped = " (the limit)" if rate != old * factor else ""
        self.message.emit(f"learning rate {old:g} → {rate:g}{clamped}", 8000)

    def start_at(self, slope: float, intercept: float) -> None:
        """Put the start at (``slope``, ``intercept``), clicked on the map."""
        settings = self.state.settings.replace(start_slope=slope, start_intercept=intercept)
        state, _ = self.state.set_settings(settings)
        self.state = state
        self._sync_panel()
        record = self._selected_record()
        if self.runner.live:
            self.replay_step = None  # the replayed steps of the run are gone: follow it
        if self.runner.live and record is not None:
            self.runner.replace_run(record.run_id, settings.config())  # the others go on
        elif self.runner.live:
            self._ids[state.slots[state.selected]] = self.runner.add_run(settings.config())
        else:
            self.show_start()
        self.stateChanged.emit(state)

    def _switch_model(self, settings: Settings) -> None:
        data = self.state.data
        swapped: str | None = None
        try:
            settings.problem(data)
        except DatasetError as error:
            # Logistic needs classes: offer the article's, undoably.
            if settings.model != "logistic":
                self.complain(str(error))
                self._panel = None  # it shows the refused model: put the state back
                self._sync_panel()
                return
            data = article_dataset(ARTICLE_CLASSES)
            swapped = f"{error}. Loaded the article's two-class data instead (Ctrl+Z to undo)."
        state, _ = self.state.switch_model(settings, data)
        self.change("Switch model", state)
        if swapped:
            self.message.emit(swapped, 15_000)  # after: it is about the new state

    def _apply(self, effect: Effect, old: ExplorerState) -> None:
        """Carry out what a change of the selected run's settings (from ``old``) means."""
        if Effect.SPEED in effect:
            self.runner.set_speed(self.state.settings.speed)
        if old.settings.scaling != self.state.settings.scaling:
            self._restart_from_starts()  # their points were of the other x
        if Effect.REFRAME in effect:
            self.restore(self.state, restart=False)
        # A new model or scaling is a new problem for every run; anything else is the run's.
        shared = any(
            getattr(old.settings, n) != getattr(self.state.settings, n)
            for n in SHARED
            if n in RESTARTING
        )
        alone = len(self.state.runs) > 1 and not shared
        if self.runner.live and Effect.RESTART in effect and alone:
            self._restart_selected()  # the other runs of a race go on as they were
        elif self.runner.live and Effect.RESTART in effect:
            self._restart_from_here()
        elif not self.runner.live and Effect.START in effect:
            if self._in_maps(self.state.settings.config().start):
                self.show_start()
            else:
                self.restore(self.state, restart=False)  # frame the maps around the start
        elif (
            not self.runner.live
            and effect & Effect.REDRAW
            and not effect & Effect.REFRAME
            and self._recorded_steps() == 0
        ):
            # Nothing run yet: the starts are drawn with the settings (the read-out's
            # "0 of N" steps, the equations' rule), which a changed setting makes stale.
            self.show_start()

    def restore(self, state: ExplorerState, restart: bool | None = None) -> None:
        """Show ``state`` in every view (undo and redo come here).

        A live run carries on over the new data, or starts again from where the ball is
        when the state changes how it moves (``restart``: by default, when a setting in
        :data:`~gd_explorer.state.RESTARTING` differs).
        """
        old = self.state
        if restart is None:
            restart = any(
                getattr(old.settings, name) != getattr(state.settings, name) for name in RESTARTING
            )
        same_runs = old.slots == state.slots
        # A new model or scaling is a new problem for every run: the race starts again.
        new_problem = any(
            getattr(old.settings, name) != getattr(state.settings, name)
            for name in SHARED
            if name in RESTARTING
        )
        self.state = state
        if old.settings.scaling != state.settings.scaling or _other_function(old, state):
            # Their points were of the other x, or on another function: from the starts.
            self._restart_from_starts()
            restart = False
        if not same_runs or (
            self.runner.live and restart and len(state.runs) > 1 and not new_problem
        ):
            self._reconcile(old, state)
            restart = False  # each run that changes has been started again from its point
            self._run_state()  # removing the last running run ends the race
        analysis = analyse(state)
        problem, fixed = analysis.problem, state.settings.config().fixed
        views = self.views
        views.history.set_fit(analysis.fit)
        self._sync_panel()
        views.data_view.set_dataset(state.data, problem.kind)
        views.table.set_dataset(state.data, problem.kind)
        self._show_maps(self._domain(self._paths()))
        views.cost_curve.set_problem(problem, (fixed or {}).get("b"))
        views.equations.set_problem(problem)
        self._name_parameters(analysis)
        self._show_bands(analysis)
        self._compare_scaling(analysis)
        if self.runner.live and not restart:
            if problem is not self.runner.problem:
                self.runner.set_problem(problem)  # the balls keep rolling on the new cost
        elif self.runner.live:
            self._restart_from_here()
        # A run added to or removed from a finished race leaves the others' steps as
        # they were: still shown, not put back at their starts.
        kept = not same_runs and old.data is state.data and self._recorded_steps() > 0
        if (self.runner.live or kept) and self.replay_step is not None:
            self.show_step(self.replay_step)  # replaying: the views stay on the step
        elif self.runner.live or kept:
            self._repaint()
        else:
            self.show_start()
        self.stateChanged.emit(state)

    def _name_parameters(self, analysis: Analysis) -> None:
        """Name the parameters: slope and intercept (of standardised x?), or x and y."""
        kind = analysis.problem.kind
        slope, intercept = (
            ("x", "y")
            if kind == "function"
            else ("scaled slope m′", "scaled intercept b′")
            if analysis.scaling is not None
            else ("slope m", "intercept b")
        )
        views = self.views
        views.readout.set_kind(kind, getattr(analysis.problem, "dimension", 2))
        if views.runs_panel is not None:
            views.runs_panel.set_kind(kind)
        style.label_axis(views.contour, "bottom", slope)
        style.label_axis(views.contour, "left", intercept)
        style.label_axis(views.cost_curve, "bottom", slope)

    def _compare_scaling(self, analysis: Analysis) -> None:
        """Say what standardising x does here: condition number and steps, before and after.

        Only while x is standardised, and where it is quick (least squares, or up to
        SCALING_ROWS rows, at most SCALING_STEPS steps a side): it runs gradient descent
        twice, on this thread.
        """
        problem, settings = analysis.problem, self.state.settings
        if not settings.scaling:
            self._scaling_key = None
            self.scalingCompared.emit(None)  # shown while x is standardised
            return
        key = (id(self.state.data), settings.model)
        if key == self._scaling_key:
            return
        self._scaling_key = key
        plain = settings.replace(scaling=False, hold_intercept=False)
        text = None
        if problem.kind == "linear" or problem.n <= SCALING_ROWS:
            try:
                report = compare_scaling(
                    plain.problem(self.state.data), plain.config(), max_steps=SCALING_STEPS
                )
            except (ValueError, np.linalg.LinAlgError):
                report = None
            if report is not None:
                text = scaling_text(report)
        self.scalingCompared.emit(text)

    def _show_bands(self, analysis: Analysis) -> None:
        """Tell the learning-rate control where steps are smooth, oscillate or diverge.

        Least squares has one curvature everywhere. A logistic cost curves differently
        at each point: its bands are local, at the selected run's ball (or its start).
        """
        curvature = analysis.stability
        local = analysis.problem.kind in ("logistic", "function")
        if local:
            record = self._selected_record()
            config = self.state.settings.config()
            point = config.start
            if record is not None and len(record.view()[0]):
                m, b = record.view()[0][-1]
                point = (float(m), float(b))
            if analysis.problem.kind == "function":
                curvature = local_curvature(analysis.problem, point, config.fixed)
            else:
                try:
                    curvature = stability(analysis.problem, point, config.fixed)
                except (ValueError, np.linalg.LinAlgError):
                    curvature = None
        if curvature is None or not np.isfinite(curvature.max_stable_lr):
            self.bandsChanged.emit(None, None, local)
            return
        two_over_l = float(curvature.max_stable_lr)
        self.bandsChanged.emit(two_over_l / 2, two_over_l, local)

    def _restart_from_starts(self) -> None:
        """Start a live race again, every run from its start; forget a finished one.

        After x is standardised (or no longer), the runs' slopes and intercepts mean
        other lines: carrying on from them would be a different race.
        """
        if not self.runner.records:
            return
        if self.runner.live:
            self._start_race(paused=not self.runner.running)
        else:
            self.runner.discard()
            self._ids.clear()
        self._run_state()

    def _reconcile(self, old: ExplorerState, new: ExplorerState) -> None:
        """Make the race hold the new state's runs: drop, add or restart runs by slot."""
        records = {record.run_id: record for record in self.runner.records}
        if not records:
            return
        live = self.runner.live
        for slot in set(old.slots) - set(new.slots):
            run_id = self._ids.pop(slot, None)
            if run_id in records:
                self.runner.remove_run(run_id)
        before = dict(zip(old.slots, old.runs, strict=True))
        for slot, settings in zip(new.slots, new.runs, strict=True):
            record = records.get(self._ids.get(slot, -1))
            config = settings.config()
            if record is None:
                if live:
                    self._ids[slot] = self.runner.add_run(config)
                continue
            changed = (
                any(getattr(before[slot], name) != getattr(settings, name) for name in RESTARTING)
                if slot in before
                else True
            )
            if changed and record.live:
                self.runner.replace_run(record.run_id, self._from_here(record, config))

    @staticmethod
    def _from_here(record: RunRecord, config: DescentConfig) -> DescentConfig:
        """Return ``config`` starting where ``record``'s ball is drawn."""
        params = record.view()[0]
        if not len(params):
            return config
        m, b = (float(v) for v in params[-1])
        return config.replace(init=(m, b))

    def _paths(self) -> np.ndarray | None:
        """Return the recorded points the maps frame, or None.

        Every run's, except the flight of a diverged run that is not selected: framing
        it would shrink the others to a dot (select it to follow its flight).
        """
        selected = self._selected_record()
        paths = [
            r.view()[0]
            for r in self._records()
            if r is not None and r.steps and (r is selected or r.status != "diverged")
        ]
        return np.concatenate(paths) if paths else None

    def _sync_panel(self) -> None:
        """Write the settings panel only when it does not show the state already."""
        shown = (self.state.settings, len(self.state.data))
        if self._panel != shown:
            self._panel = shown
            self.panelNeeded.emit(*shown)

    def complain(self, text: str) -> None:
        """Say why something could not be done, in the status bar."""
        self.message.emit(text, COMPLAINT_MS)

    def _bound_undo_memory(self) -> None:
        """Let the oldest steps go while the history holds more than UNDO_MEMORY_BYTES.

        Each edit keeps a whole dataset for its undo: at 10⁷ rows, 160 MB a step, so a
        few dozen edits would otherwise run the computer out of memory.
        """
        stack = self.undo_stack
        count, rows = stack.count(), len(self.state.data)
        if 2 * count * 16 * rows <= UNDO_MEMORY_BYTES:
            return  # cannot be over, whatever the steps hold
        steps = [stack.command(i) for i in range(count)]

        def held() -> int:
            unique = {
                id(d): d
                for step in steps
                if isinstance(step, StateChange)
                for d in step.datasets()
            }
            return sum(d.x.nbytes + d.y.nbytes for d in unique.values())

        let_go = 0
        # The newest done step stays undoable, whatever its size.
        for step in steps[: max(stack.index() - 1, 0)]:
            if held() <= UNDO_MEMORY_BYTES:
                break
            if isinstance(step, StateChange) and not step.isObsolete():
                step.let_go()
                let_go += 1
        if let_go:
            which = (
                "the oldest undo step was"
                if let_go == 1
                else f"the {let_go} oldest undo steps were"
            )
            self.message.emit(
                f"{which} let go: with {rows:,} points the undo history "
                f"keeps at most {UNDO_MEMORY_BYTES / 2**20:.0f} MB",
                8000,
            )

    # The maps.

    def _domain(self, path: np.ndarray | None) -> Domain:
        """Return the maps' window: the start, the path and the optima."""
        if path is None:
            return self.analysis.domain
        config = self.state.settings.config()
        return problem_domain(self.analysis.problem, config.start, path, fixed=config.fixed)

    def _in_maps(self, point: tuple[float, float]) -> bool:
        domain = self.views.contour.domain
        return domain is not None and (
            domain.m_min <= point[0] <= domain.m_max and domain.b_min <= point[1] <= domain.b_max
        )

    def _show_maps(self, domain: Domain) -> None:
        """Show the cost over ``domain`` in the contour and the surface.

        Large logistic data make a slow map: its grids come from the engine's process
        and arrive a moment later, so the window never freezes.
        """
        problem, fixed = self.analysis.problem, self.state.settings.config().fixed
        contour, surface = self.views.contour, self.views.surface
        axes = [contour.grid_axes(problem, domain), surface_grid_axes(domain)]
        work = problem.n * sum(m.size * b.size for m, b in axes)
        if problem.kind == "linear" or work <= GRID_WORK_IN_WINDOW:
            self._maps_tag = None
            contour.set_problem(problem, domain, fixed)
            surface.set_problem(problem, domain)
            return
        self._maps_pending = (problem, domain, fixed)
        self._maps_tag = self.runner.compute_grids(problem, axes)
        self.message.emit("computing the cost maps…", 5000)

    def _on_grids(self, tag: int, costs: list[np.ndarray] | None) -> None:
        if tag != self._maps_tag or self._maps_pending is None:
            return  # a map of data that has changed since
        if costs is None:
            self.message.emit("the cost maps could not be computed for this data", 0)
            return
        problem, domain, fixed = self._maps_pending
        self.views.contour.set_problem(problem, domain, fixed, cost=costs[0])
        self.views.surface.set_problem(problem, domain, cost=costs[1])

    # Running.

    @property
    def running(self) -> bool:
        """bool: a run is stepping now."""
        return bool(self.runner.running)

    @property
    def replay_playing(self) -> bool:
        """bool: a finished run's replay is playing on to its end."""
        return self._replay_timer.isActive()

    def toggle_run(self) -> None:
        """Run, pause or resume every run of the race; replaying a finished race, play on.

        A finished race replayed from a step plays on from there to its end, and stops:
        its steps are kept (starting afresh would throw away what the class is looking at).
        """
        if self.replay_playing:
            self._stop_replay()
        elif self.runner.running:
            self.runner.pause()
        elif self.runner.live:
            self._follow_run()
            self.runner.resume()
        elif self.replay_step is not None and self._recorded_steps() > 0:
            self._start_replay()
        else:
            self._start_race()
        self._run_state()

    def _start_replay(self) -> None:
        """Play the replay on from the step shown, at the run's speed."""
        speed = self.state.settings.speed
        steps = self._recorded_steps()
        self._replay_from = self.replay_step or 0
        left = steps - self._replay_from
        self._replay_rate = speed if speed > 0 else max(left / REPLAY_SECONDS, 1.0)
        self._replay_clock.start()
        self._replay_timer.start()

    def _play_replay(self) -> None:
        """Show the step the playing replay has reached; at the end, stop there."""
        steps = self._recorded_steps()
        elapsed = self._replay_clock.elapsed() / 1000
        step = min(self._replay_from + int(elapsed * self._replay_rate), steps)
        if self.replay_step is None or step >= steps:
            self._stop_replay()
            if self.replay_step is not None:
                self._show(steps)  # the end: the views follow the runs again
            self._run_state()
        elif step != self.replay_step:
            self._show(step)

    def _stop_replay(self) -> None:
        self._replay_timer.stop()

    def step_once(self) -> None:
        """Take one step in every run (a paused race starts first); replaying: the next."""
        if self.replay_playing:
            self._stop_replay()
            self._run_state()
        if self.replay_step is not None:
            self.show_step(self.replay_step + 1)
            return
        if not self.runner.live:
            self._start_race(paused=True)
        self.runner.step()
        self._run_state()

    def reset(self) -> None:
        """Forget the runs and put the balls back at their starts."""
        self._stop_replay()
        self.runner.discard()
        self._ids.clear()
        # The maps may have widened to a diverged run's flight: frame the problem again.
        self._show_maps(self._domain(self._paths()))
        self.show_start()
        self._run_state()

    def _recorded_steps(self) -> int:
        """Return the steps of the longest recorded run (the replay slider's end)."""
        return max((r.steps for r in self._records() if r is not None), default=0)

    def step_back(self) -> None:
        """Replay: show the step before the one shown, pausing a running race first."""
        if self.replay_playing:
            self._stop_replay()
            self._run_state()
        if self.runner.running:
            self.runner.pause()
            self._run_state()
        steps = self._recorded_steps()
        if steps == 0:
            return
        shown = steps if self.replay_step is None else self.replay_step
        self.show_step(max(shown - 1, 0))

    def show_step(self, step: int) -> None:
        """Show recorded step ``step`` of every run in every view.

        Before the newest step the views stay there while the runs go on; at the newest
        step they follow the runs again. A replay playing on stops at the step asked for.
        """
        if self.replay_playing:
            self._stop_replay()
            self._run_state()
        self._show(step)

    def _show(self, step: int) -> None:
        if not any(r is not None for r in self._records()):
            return
        steps = self._recorded_steps()
        step = min(max(int(step), 0), steps)
        self.replay_step = None if step == steps else step
        self.replayMoved.emit(step, steps)
        paint(self.scene(step), self.views)

    def _follow_run(self) -> None:
        """Leave the replay: the next frame draws the runs' newest steps."""
        if self.replay_step is not None:
            self.replay_step = None
            self._repaint()

    def _repaint(self) -> None:
        steps = self._recorded_steps()
        self.replayMoved.emit(steps, steps)
        paint(self.scene(steps), self.views)

    def show_start(self) -> None:
        """Draw the balls at their starts, ready to run."""
        self._stop_replay()
        self.replay_step = None
        self.replayMoved.emit(0, 0)
        paint(self.scene(), self.views)

    def _start_race(self, paused: bool = False) -> None:
        """Start every run of the state from its own start."""
        self._start([s.config() for s in self.state.runs], paused=paused)

    def _start(self, configs: list[DescentConfig], paused: bool = False) -> None:
        self._stop_replay()
        for shown in (self._failure_shown, self._ending_shown):
            if shown:
                self.failureCleared.emit(shown)  # about a run that is over
        self._failure_shown = self._ending_shown = None
        self.replay_step = None
        self.runner.set_speed(self.state.settings.speed)
        self.runner.start(self.analysis.problem, configs, paused=paused)
        self._ids = {
            slot: record.run_id
            for slot, record in zip(self.state.slots, self.runner.records, strict=True)
        }
        self.views.readout.show_banner(None)

    def _restart_from_here(self) -> None:
        """Start the race again, each run from where its ball is, with its settings now."""
        records = self._records()
        configs = [
            s.config() if r is None else self._from_here(r, s.config())
            for s, r in zip(self.state.runs, records, strict=True)
        ]
        self._start(configs, paused=not self.runner.running)

    def _restart_selected(self) -> None:
        """Start the selected run again from where its ball is, with its settings now."""
        state, record = self.state, self._selected_record()
        config = state.settings.config()
        if record is None:
            self._ids[state.slots[state.selected]] = self.runner.add_run(config)
        else:
            self.runner.replace_run(record.run_id, self._from_here(record, config))
        self.replay_step = None

    def _run_state(self) -> None:
        running, live = bool(self.runner.running), bool(self.runner.live)
        if self.replay_playing:
            self.runStateChanged.emit(True, live)  # Space pauses it
            return
        if not running and self.analysis.problem.kind in ("logistic", "function"):
            self._show_bands(self.analysis)  # local: where the ball has stopped
        if live:
            # At once: a paused run sends no more frames that would say so.
            record = self._selected_record()
            step = self.replay_step
            if record is not None and _diverged_by(record, record.steps if step is None else step):
                self.views.readout.show_status("diverged")
            else:
                self.views.readout.show_status("running" if running else "paused")
            if not running and self.replay_step is None:
                self._repaint()  # the runs panel says "paused" too: no frame follows a pause
        self.runStateChanged.emit(running, live)

    # More runs: a race.

    def _change_runs(self, text: str, change: Callable[[], tuple[ExplorerState, Effect]]) -> None:
        try:
            state, _ = change()
        except StateError as error:
            self.complain(str(error))
            return
        self.change(text, state)

    def add_run(self) -> None:
        """Add a run with default settings beside the others (undoable)."""
        selected = self.state.settings
        base = Settings().replace(
            **{name: getattr(selected, name) for name in SHARED},
            steps=selected.steps,
            seed=selected.seed,
        )
        if selected.model == "function":
            # The defaults are the data's; on a function its own start and rate behave.
            base = base.replace(
                start_slope=selected.start_slope,
                start_intercept=selected.start_intercept,
                learning_rate=selected.learning_rate,
            )
        self._change_runs("Add run", lambda: self.state.add_run(base))

    def duplicate_run(self) -> None:
        """Add a copy of the selected run (undoable): change one setting, then race."""
        label = f"copy of {self.state.labels[self.state.selected]}"
        self._change_runs("Duplicate run", lambda: self.state.add_run(label=label))

    def remove_run(self) -> None:
        """Remove the selected run (undoable); the others carry on."""
        self._change_runs("Remove run", self.state.remove_run)

    def select_run(self, index: int) -> None:
        """Point the controls, the read-out and the equations at run ``index``."""
        try:
            state, _ = self.state.select_run(index)
        except StateError as error:
            self.complain(str(error))
            return
        if state is self.state:
            return
        self.state = state
        self._sync_panel()
        self._show_maps(self._domain(self._paths()))
        fixed = state.settings.config().fixed
        self.views.cost_curve.set_problem(self.analysis.problem, (fixed or {}).get("b"))
        self._show_bands(self.analysis)
        if self.replay_step is not None:
            self.show_step(self.replay_step)
        elif any(r is not None for r in self._records()):
            self._repaint()
        else:
            self.show_start()
        self.stateChanged.emit(state)

    def branch(self) -> None:
        """Add a run starting from the step shown of the selected run (while replaying).

        It is a copy of the selected run's settings, started at that step's point and
        selected, so the next change in the controls applies to the branch alone.
        """
        record = self._selected_record()
        if record is None or record.steps == 0:
            self.complain("nothing to branch from yet: run, then replay to a step")
            return
        step = record.steps if self.replay_step is None else min(self.replay_step, record.steps)
        m, b = (float(v) for v in record.view()[0][step])
        settings = self.state.settings.replace(start_slope=m, start_intercept=b)
        if settings.hold_intercept:
            settings = settings.replace(held_intercept=b)
        label = f"{self.state.labels[self.state.selected]} from step {step}"
        try:
            state, _ = self.state.add_run(settings, label=label)
        except StateError as error:
            self.complain(str(error))
            return
        self.replay_step = None
        self.change(f"Branch from step {step}", state)
        record = self._selected_record()
        if record is None:  # no race left to join: the branch races alone
            self._ids[state.slots[-1]] = self.runner.add_run(settings.config(), paused=True)
            self._repaint()

    def apply_preset(self, preset_id: str) -> None:
        """Replace the runs by a race preset built from the selected run's settings."""
        preset = get_preset(preset_id)
        if self.analysis.problem.kind == "function":
            refusal = _function_refusal(preset_id, self.state.settings)
            if refusal:
                self.complain(f"“{preset.label}”: {refusal}")
                return
        curvature = self.analysis.stability
        limit = None if curvature is None else float(curvature.max_stable_lr)
        runs = preset.runs(self.state.settings, limit)
        # Checked before the race under way is let go: a refused preset loses nothing.
        low, high = LEARNING_RATE_RANGE
        rates = [settings.learning_rate for _, settings in runs]
        if not all(low <= rate <= high for rate in rates):
            self.complain(
                f"“{preset.label}” would need learning rates from {min(rates):.3g} to "
                f"{max(rates):.3g} on this data, outside the {low:g} to {high:g} the "
                "learning rate can be set to; rescale x or pick another preset"
            )
            return
        try:
            state, _ = self.state.race(runs)
        except StateError as error:
            self.complain(str(error))
            return
        self.runner.discard()
        self._ids.clear()
        self._run_state()
        self.change(f"Race: {preset.label}", state)

    # Sweep.

    def sweep(self, count: int = SWEEP_RATES) -> None:
        """Run the selected run's settings at ``count`` learning rates, in the engine."""
        curvature = self.analysis.stability
        if curvature is None or not np.isfinite(curvature.max_stable_lr):
            self.complain("no stability limit to sweep around for this data")
            self.sweepDone.emit(None, None, None)
            return
        limit = float(curvature.max_stable_lr)
        config = self.state.settings.config()
        rates = suggested_rates(self.analysis.problem, config, count)
        if self.analysis.problem.kind == "function":
            self.message.emit(
                f"sweeping around 2/L = {limit:.3g}, the curvature at the start: a function "
                "curves differently elsewhere, so the bands are a guide there only",
                COMPLAINT_MS,
            )
        self._sweep_bands = (limit / 2, limit)
        self._sweep_tag = self.runner.sweep(self.analysis.problem, config, rates)
        # At once: on large data the first rate's run takes seconds to report.
        self.sweepProgress.emit(0, len(rates))

    def cancel_sweep(self) -> None:
        """Stop the sweep under way; the rates done so far are shown."""
        self.runner.cancel_sweep()

    def _on_sweep_progress(self, tag: int, done: int, total: int) -> None:
        if tag == self._sweep_tag:
            self.sweepProgress.emit(done, total)

    def _on_sweep_done(self, tag: int, result: object) -> None:
        if tag != self._sweep_tag:
            return
        self._sweep_tag = None
        if result is None:
            self.complain("the learning-rate sweep could not be finished for this data")
        one, two = self._sweep_bands
        self.sweepDone.emit(result, one, two)

    # Basins of attraction.

    def scatter_starts(self, count: int, at_random: bool = False) -> bool:
        """Run the selected run's settings from many starts over the function's domain.

        ``count`` starts per side of a grid, or ``count`` starts at random (seeded by
        the run's seed). ``basinsProgress`` and ``basinsDone`` report, in the engine's
        process. Returns False (and says why) on a problem with data.
        """
        problem = self.analysis.problem
        domain = getattr(problem, "domain", None)
        if problem.kind != "function" or domain is None:
            self.complain("basins need a function of x and y: a regression cost has one minimum")
            return False
        config = self.state.settings.config()
        if at_random:
            starts, shape, where = random_starts(domain, count, config.seed), None, None
        else:
            starts, shape, where = grid_starts(domain, count), (count, count), domain
        tag = self.runner.basins(problem, config, starts, shape, where)
        self._basins = (tag, problem)
        self.basinsProgress.emit(0, config.steps)  # at once: the first report takes a moment
        return True

    def cancel_basins(self) -> None:
        """Stop the basins map under way; it shows nothing."""
        if self._basins is not None:
            self.runner.cancel_basins()

    def _on_basins_progress(self, tag: int, done: int, total: int) -> None:
        if self._basins is not None and tag == self._basins[0]:
            self.basinsProgress.emit(done, total)

    def _on_basins_done(self, tag: int, result: object, reason: str) -> None:
        if self._basins is None or tag != self._basins[0]:
            return
        problem, self._basins = self._basins[1], None
        if result is None and reason != "cancelled":
            self.complain(f"the basins could not be mapped: {reason}")
        self.basinsDone.emit(result, problem)

    # Scenes and frames.

    def scene(self, step: int | None = None) -> Scene:
        """Return what every view shows at recorded ``step`` (None: the starts, no run)."""
        analysis, state = self.analysis, self.state
        records = self._records() if step is not None else [None] * len(state.runs)
        traces: list[RunTrace] = []
        optimum = analysis.fit.cost
        for settings, slot, label, record in zip(
            state.runs, state.slots, state.labels, records, strict=True
        ):
            if record is None or not len(record.view()[0]):  # no frame of it yet
                trace = start_trace(
                    settings.config(), analysis.problem, slot=slot, optimum=optimum
                )
                traces.append(replace(trace, label=label))
            else:
                traces.append(self._record_trace(record, step or 0, slot, label))
        return Scene(
            analysis.problem.kind,
            state.data,
            analysis.fit,
            tuple(traces),
            state.selected,
            self.replay_step is not None,
            analysis.scaling,
            analysis.problem,
        )

    def _record_trace(self, record: RunRecord, step: int, slot: int, label: str) -> RunTrace:
        step = min(max(step, 0), record.steps)
        newest = step == record.steps
        status = record.status if newest else "replay"
        if status == "running" and not self.runner.running:
            status = "paused"
        if status in GOING and _diverged_by(record, step):
            status = "diverged"  # the ball may fly on, but the run has diverged
        if newest and self.replay_step is None:
            rows = record.rows  # as the frame brought them
        else:
            # The rows index the data the run is on: standardised x is other data.
            rows = record.sampled_rows(step, self.analysis.problem.data)
        optimum = self.analysis.fit.cost
        key = (record.run_id, record.version, optimum)
        reach = self._reaches.get(key)
        if reach is None:
            if len(self._reaches) > 16:
                self._reaches.clear()
            reach = self._reaches[key] = Reach(optimum)
        reached = reach.at(step, record.view()[1], record.exact_view())
        if newest and self.analysis.problem.kind == "function":
            status = self._ended_words(record, step) or status
        return record_trace(
            record, step, status, slot=slot, label=label, rows=rows, reached=reached
        )

    def _ended_words(self, record: RunRecord, step: int) -> str | None:
        """Say how a run on a function ended: at which minimum or saddle, or how it fell away.

        None while it runs, or when it ended elsewhere (its steps ran out on a slope).
        """
        problem = self.analysis.problem
        if record.status in ENDED:
            describe = getattr(problem, "describe_stop", None)
            point = record.view()[0][step]
            theta = (float(point[0]), float(point[1]))
            return describe(theta) if describe else None
        if record.status != "diverged":
            return None
        message = record.message
        where = f" at step {record.diverged_at}" if record.diverged_at is not None else ""
        if message.startswith("left the domain"):
            return message.split(":")[0]
        if "unbounded below" in message:
            return f"fell away (unbounded below){where}"
        return None

    def _on_frame(self, frame: Frame) -> None:
        self._stale = frame
        if frame.done:
            self._draw()
        elif not self._draw_timer.isActive():
            self._draw()  # the first frame at once, then at the timer's pace
            self._draw_timer.start()

    def _draw(self) -> None:
        frame, self._stale = self._stale, None
        # A frame kept from the race before a restart is stale.
        if frame is None or frame.generation != self.runner.generation:
            if not self.runner.running:
                self._draw_timer.stop()
            return
        steps = self._recorded_steps()
        if self.replay_step is not None:
            # Scrubbing: the runs go on, the slider grows, the views stay on the chosen step.
            self.replayMoved.emit(self.replay_step, steps)
            if frame.done:
                self._run_state()
            return
        self.replayMoved.emit(steps, steps)
        paint(self.scene(steps), self.views)
        if frame.done:
            self._run_state()
            selected = self._selected_record()
            if selected is not None and self.analysis.problem.kind == "function":
                said = self._ended_words(selected, selected.steps)
                if said:
                    label = self.state.labels[self.state.selected]
                    self._ending_shown = f"{label} {said}"
                    self.message.emit(self._ending_shown, COMPLAINT_MS)
            if selected is not None and selected.status == "diverged":
                # Show the flight: widen the maps to the paths (the views follow the balls).
                self._show_maps(self._domain(self._paths()))

    def _on_run_failed(self, message: str) -> None:
        """Say why a run ended (or the engine was restarted); everything else stays."""
        if self._stale is not None:
            self._draw()  # the steps that arrived before the failure
        self._run_state()
        record = self._selected_record()
        if record is not None and record.status == "failed":
            if self.replay_step is None:  # a replayed step keeps its own status
                self.views.readout.show_status("failed")
            self.views.readout.show_banner(message)
        self.message.emit(message, 0)  # no time-out: until replaced or a new run
        self._failure_shown = message

    # Export.

    def gif_scenes(self, frames: int) -> Sequence[Scene]:
        """Return the scenes of a GIF: ``frames`` steps evenly spread over the finished runs.

        Raises
        ------
        ExportError
            With no run yet, or a run still going.
        """
        steps = self._recorded_steps()
        if steps == 0:
            raise ExportError("no run to export yet: run the descent first")
        if self.runner.running:
            raise ExportError("the run is still going: pause it or let it finish, then export")
        shown, self.replay_step = self.replay_step, None
        try:
            scenes = [self.scene(step) for step in frame_steps(steps, max(frames, 2))]
        finally:
            self.replay_step = shown
        # A GIF plays the runs: a step before a run's end is the run going on.
        return [
            replace(
                scene,
                traces=tuple(
                    replace(t, status="running") if t.status == "replay" else t
                    for t in scene.traces
                ),
            )
            for scene in scenes
        ]

    def trajectory_scene(self, trajectory: Trajectory, step: int) -> Scene:
        """Return the scene of ``step`` of a finished run alone, as its run drew it."""
        analysis, state = self.analysis, self.state
        record = self._selected_record()
        data = analysis.problem.data
        rows = None if record is None else record.sampled_rows(step, data)
        status = trajectory.status if step == trajectory.steps else "running"
        trace = trajectory_trace(
            trajectory,
            step,
            status,
            slot=state.slots[state.selected],
            rows=rows,
            optimum=analysis.fit.cost,
        )
        return Scene(
            analysis.problem.kind,
            state.data,
            analysis.fit,
            (trace,),
            0,
            False,
            analysis.scaling,
            analysis.problem,
        )

    def shutdown(self) -> None:
        """Stop the engine and the frame and replay timers."""
        self.runner.shutdown()
        self._draw_timer.stop()
        self._replay_timer.stop()


def _diverged_by(record: RunRecord, step: int) -> bool:
    """Return whether ``record`` had diverged by ``step`` (its flight may go on after)."""
    return record.diverged_at is not None and step >= record.diverged_at


def _other_function(old: ExplorerState, new: ExplorerState) -> bool:
    """Return whether the runs' points mean nothing on the new problem.

    From data to a function and back, or from one surface to another: the runs start
    again from their starts. A bowl turned or a formula edited keeps x and y.
    """
    before, after = old.settings, new.settings
    if (before.model == "function") != (after.model == "function"):
        return True
    return after.model == "function" and before.surface != after.surface


def _function_refusal(preset_id: str, settings: Settings) -> str | None:
    """Return why a race preset does not apply to a function (None: it does)."""
    if preset_id == "variants":
        return (
            "a function has no data points to sample, so batch, stochastic and mini-batch "
            "are one and the same; race gradient noise instead (Duplicate, then set it)"
        )
    if preset_id == "decay" and settings.noise == 0:
        return (
            "on a function stochastic descent is a noisy gradient: set a gradient noise "
            "first, then race a constant against a decaying rate"
        )
    return None


def scaling_text(report: ScalingReport) -> str:
    """Return a scaling comparison side by side: as x is, and standardised."""

    def steps(count: int) -> str:
        if count < 0:
            return f"over {report.max_steps:,} steps"
        return "1 step" if count == 1 else f"{count:,} steps"

    return (
        f"As x is: condition {report.condition_before:.4g}, "
        f"{steps(report.steps_before)} at the best rate {report.best_rate_before:.3g}. "
        f"Standardised: condition {report.condition_after:.4g}, "
        f"{steps(report.steps_after)} at {report.best_rate_after:.3g}."
    )
