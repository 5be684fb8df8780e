"""The explorer's controller: the state, its undo history, the run, replay and drawing.

Data flows one way: an input becomes a new :class:`~gd_explorer.state.ExplorerState`
and an :class:`~gd_explorer.state.Effect`; the effect tells the runner what to do;
the runner's frames and the state become one :class:`~gd_explorer.scene.Scene`,
which :func:`~gd_explorer.ui.painter.paint` draws in every view.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    CostModel,
    Dataset,
    DatasetError,
    DescentConfig,
    Trajectory,
    article_dataset,
)
from gd_explorer.framing import Domain, problem_domain
from gd_explorer.scene import (
    Reach,
    RunTrace,
    Scene,
    record_trace,
    start_trace,
    trajectory_trace,
)
from gd_explorer.settings import LEARNING_RATE_RANGE, Settings
from gd_explorer.state import RESTARTING, Analysis, Effect, ExplorerState, StateError, analyse
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
    ) -> None:
        super().__init__(text)
        self._controller = controller
        self._before: ExplorerState | None = before
        self._after: ExplorerState | None = after

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
        self._panel: tuple[Settings, int] | None = None
        self._reach: tuple[object, Reach] | None = None
        self._failure_shown: str | None = None
        self.runner.frame.connect(self._on_frame)
        self.runner.gridsReady.connect(self._on_grids)
        self.runner.failed.connect(self._on_run_failed)

    # What the window reads.

    @property
    def analysis(self) -> Analysis:
        """Analysis: the problem, optimum, curvature and framing of the state (cached)."""
        return analyse(self.state)

    @property
    def runs(self) -> tuple[Run, ...]:
        """Return each run's configuration and steps so far (the selected one's are live)."""
        trajectory = self.runner.trajectory()
        return tuple(
            Run(s.config(), trajectory if i == self.state.selected else None)
            for i, s in enumerate(self.state.runs)
        )

    # Changes of state.

    def change(self, text: str, state: ExplorerState) -> None:
        """Move to ``state`` as one undoable step called ``text``."""
        self.undo_stack.push(StateChange(self, text, self.state, state))
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

        The panel is written only when it does not show the state already. It keeps
        its own copy of the settings, and sets which inputs apply, only when written:
        so an edit of its own is written back once, and a refused one is undone there.
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
        self.state = state
        self._apply(effect)
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
        if self.runner.live:
            self._start(settings.config(), paused=not self.runner.running)
        else:
            self.show_start()
        self.stateChanged.emit(state)

    def _switch_model(self, settings: Settings) -> None:
        data = self.state.data
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
            self.message.emit(
                f"{error}. Loaded the article's two-class data instead (Ctrl+Z to undo).", 15_000
            )
        state, _ = self.state.switch_model(settings, data)
        self.change("Switch model", state)

    def _apply(self, effect: Effect) -> None:
        """Carry out what a change of the selected run's settings means."""
        if Effect.SPEED in effect:
            self.runner.set_speed(self.state.settings.speed)
        if Effect.REFRAME in effect:
            self.restore(self.state, restart=False)
        if self.runner.live and Effect.RESTART in effect:
            self._restart_from_here()
        elif not self.runner.live and Effect.START in effect:
            if self._in_maps(self.state.settings.config().start):
                self.show_start()
            else:
                self.restore(self.state, restart=False)  # frame the maps around the start

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
        self.state = state
        analysis = analyse(state)
        problem, fixed = analysis.problem, state.settings.config().fixed
        views = self.views
        views.history.set_fit(analysis.fit)
        self._sync_panel()
        views.data_view.set_dataset(state.data, problem.kind)
        views.table.set_dataset(state.data, problem.kind)
        record = self.runner.record
        path = record.view()[0] if record is not None else None
        self._show_maps(self._domain(path))
        views.cost_curve.set_problem(problem, (fixed or {}).get("b"))
        if self.runner.live and not restart:
            self.runner.set_problem(problem)  # the ball keeps rolling on the new cost
        elif self.runner.live:
            self._restart_from_here()
        if record is None or not self.runner.live:
            self.show_start()
        else:
            views.history.set_history(record.view()[1], analysis.fit.cost, record.exact_view())
        self.stateChanged.emit(state)

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

    def toggle_run(self) -> None:
        """Run, pause or resume."""
        if self.runner.running:
            self.runner.pause()
        elif self.runner.live:
            self._follow_run()
            self.runner.resume()
        else:
            self._start(self.state.settings.config())
        self._run_state()

    def step_once(self) -> None:
        """Take one step, starting a paused run first; while replaying, show the next step."""
        if self.replay_step is not None:
            self.show_step(self.replay_step + 1)
            return
        if not self.runner.live:
            self._start(self.state.settings.config(), paused=True)
        self.runner.step()
        self._run_state()

    def reset(self) -> None:
        """Forget the run and put the ball back at the start."""
        self.runner.discard()
        self.show_start()
        self._run_state()

    def step_back(self) -> None:
        """Replay: show the step before the one shown, pausing a running run first."""
        record = self.runner.record
        if self.runner.running:
            self.runner.pause()
            self._run_state()
        if record is None or record.steps == 0:
            return
        shown = record.steps if self.replay_step is None else self.replay_step
        self.show_step(max(shown - 1, 0))

    def show_step(self, step: int) -> None:
        """Show recorded step ``step`` of the run in every view.

        Before the run's newest step the views stay there while the run goes on; at the
        newest step they follow the run again.
        """
        record = self.runner.record
        if record is None:
            return
        step = min(max(int(step), 0), record.steps)
        self.replay_step = None if step == record.steps else step
        self.replayMoved.emit(step, record.steps)
        paint(self.scene(step), self.views)

    def _follow_run(self) -> None:
        """Leave the replay: the next frame draws the run's newest step."""
        if self.replay_step is not None:
            self.replay_step = None
            record = self.runner.record
            if record is not None:
                self.replayMoved.emit(record.steps, record.steps)
                paint(self.scene(record.steps), self.views)

    def show_start(self) -> None:
        """Draw the ball at the start, ready to run."""
        self.replay_step = None
        self.replayMoved.emit(0, 0)
        paint(self.scene(), self.views)

    def _start(self, config: DescentConfig, paused: bool = False) -> None:
        if self._failure_shown:
            self.failureCleared.emit(self._failure_shown)  # about a run that is over
        self._failure_shown = None
        self.replay_step = None
        self.runner.set_speed(self.state.settings.speed)
        self.runner.start(self.analysis.problem, config, paused=paused)
        self.views.readout.show_banner(None)

    def _restart_from_here(self) -> None:
        """Start a new run from the ball's current place with the current settings."""
        record = self.runner.record
        config = self.state.settings.config()
        if record is not None and len(record.view()[0]):  # from where the ball is drawn
            m, b = (float(v) for v in record.view()[0][-1])
            config = config.replace(init=(m, b))
        self._start(config, paused=not self.runner.running)

    def _run_state(self) -> None:
        running, live = bool(self.runner.running), bool(self.runner.live)
        if live:
            # At once: a paused run sends no more frames that would say so.
            self.views.readout.show_status("running" if running else "paused")
        self.runStateChanged.emit(running, live)

    # Scenes and frames.

    def scene(self, step: int | None = None) -> Scene:
        """Return what every view shows at recorded ``step`` (None: the start, no run)."""
        analysis, state = self.analysis, self.state
        record = self.runner.record
        traces: list[RunTrace] = []
        for index, settings in enumerate(state.runs):
            if index == state.selected and record is not None and step is not None:
                traces.append(self._record_trace(record, step, index))
            else:
                optimum = analysis.fit.cost
                traces.append(
                    start_trace(settings.config(), analysis.problem, slot=index, optimum=optimum)
                )
        replaying = self.replay_step is not None
        return Scene(
            analysis.problem.kind,
            state.data,
            analysis.fit,
            tuple(traces),
            state.selected,
            replaying,
        )

    def _record_trace(self, record: RunRecord, step: int, slot: int) -> RunTrace:
        step = min(max(step, 0), record.steps)
        newest = step == record.steps
        status = record.status if newest else "replay"
        if status == "running" and not self.runner.running:
            status = "paused"
        if newest and self.replay_step is None:
            rows = record.rows  # as the frame brought them
        else:
            rows = record.sampled_rows(step, self.state.data)
        optimum = self.analysis.fit.cost
        if self._reach is None or self._reach[0] != (id(record), optimum):
            self._reach = ((id(record), optimum), Reach(optimum))
        reached = self._reach[1].at(step, record.view()[1])
        return record_trace(record, step, status, slot=slot, rows=rows, reached=reached)

    def _on_frame(self, frame: Frame) -> None:
        self._stale = frame
        if frame.done:
            self._draw()
        elif not self._draw_timer.isActive():
            self._draw()  # the first frame at once, then at the timer's pace
            self._draw_timer.start()

    def _draw(self) -> None:
        frame, self._stale = self._stale, None
        record = self.runner.record
        # A frame kept from the run before a restart is stale: the new record may be empty.
        if frame is None or record is None or frame.generation != self.runner.generation:
            if not self.runner.running:
                self._draw_timer.stop()
            return
        steps = record.steps
        if self.replay_step is not None:
            # Scrubbing: the run goes on, the slider grows, the views stay on the chosen step.
            self.replayMoved.emit(self.replay_step, steps)
            if frame.done:
                self._run_state()
            return
        self.replayMoved.emit(steps, steps)
        paint(self.scene(steps), self.views)
        if frame.done:
            self._run_state()
            if frame.status == "diverged":
                # Show the flight: widen the maps to the path (the views follow the ball).
                self._show_maps(self._domain(record.view()[0]))

    def _on_run_failed(self, message: str) -> None:
        """Say why the run ended (or the engine was restarted); everything else stays."""
        if self._stale is not None:
            self._draw()  # the steps that arrived before the failure
        self._run_state()
        record = self.runner.record
        if record is not None and record.status == "failed":
            if self.replay_step is None:  # a replayed step keeps its own status
                self.views.readout.show_status("failed")
            self.views.readout.show_banner(message)
        self.message.emit(message, 0)  # no time-out: until replaced or a new run
        self._failure_shown = message

    # Export.

    def gif_scenes(self, frames: int) -> Sequence[Scene]:
        """Return the scenes of a GIF: ``frames`` steps evenly spread over the finished run.

        Raises
        ------
        ExportError
            With no run yet, or a run still going.
        """
        trajectory = self.runner.trajectory()
        if trajectory is None or trajectory.steps == 0:
            raise ExportError("no run to export yet: run the descent first")
        if self.runner.running:
            raise ExportError("the run is still going: pause it or let it finish, then export")
        steps = frame_steps(trajectory.steps, max(frames, 2))
        return [self.trajectory_scene(trajectory, step) for step in steps]

    def trajectory_scene(self, trajectory: Trajectory, step: int) -> Scene:
        """Return the scene of ``step`` of a finished run, as its run drew it."""
        analysis, state = self.analysis, self.state
        record = self.runner.record
        data = analysis.problem.data
        rows = None if record is None else record.sampled_rows(step, data)
        status = trajectory.status if step == trajectory.steps else "running"
        trace = trajectory_trace(
            trajectory, step, status, slot=state.selected, rows=rows, optimum=analysis.fit.cost
        )
        traces = tuple(
            trace
            if i == state.selected
            else start_trace(s.config(), analysis.problem, slot=i, optimum=analysis.fit.cost)
            for i, s in enumerate(state.runs)
        )
        return Scene(analysis.problem.kind, data, analysis.fit, traces, state.selected)

    def shutdown(self) -> None:
        """Stop the engine and the frame timer."""
        self.runner.shutdown()
        self._draw_timer.stop()
