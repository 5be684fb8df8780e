"""The one bridge between the engine and the window.

Descent runs in a child process (``gd_explorer.runner``), so that a busy engine
never holds this process's interpreter lock while Qt paints. ``DescentWorker``,
a ``QObject`` on its own ``QThread``, is the bridge: it waits on the pipe from
that process (waiting releases the lock) and forwards each :class:`Frame` as a
signal. The runner sends a frame about every 16 ms with every step since the
last, but only once the window has drawn the previous one, so a slow screen
never builds a backlog; the engine keeps computing meanwhile.

``DescentController`` is the window's side: it owns the process and the thread,
numbers each run (a *generation*) and drops frames of older runs, and keeps the
run's record.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QThread, Signal, Slot

from gd_explorer.engine import CostModel, Dataset, DescentConfig, Trajectory
from gd_explorer.engine.samplers import ReplayedRows
from gd_explorer.runner import serve

#: Seconds to wait for the engine's process to finish before ending it.
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Frame:
    """The steps a run took since the previous frame.

    ``first`` is the index of ``params[0]`` in the run (0 is the start);
    ``grad`` has one row per step, so one fewer than ``params`` when ``first``
    is 0. ``rows`` are the rows sampled by the last step. ``cost_exact`` says which
    costs are exact (the last always is; see ``Trajectory``); None: all of them.
    """

    generation: int
    first: int
    params: NDArray[np.float64]
    cost: NDArray[np.float64]
    grad: NDArray[np.float64]
    rows: int | NDArray[np.intp] | None
    steps: int
    status: str
    message: str
    diverged_at: int | None
    cost_exact: NDArray[np.bool_] | None = None

    @property
    def done(self) -> bool:
        """Return whether the run has ended."""
        return self.status != "running"


class DescentWorker(QObject):
    """Forwards what the engine's process sends; lives on its own thread."""

    frameReady = Signal(object)
    probed = Signal(int)
    gridsReady = Signal(int, object)
    finished = Signal()

    def __init__(self, frames: Any) -> None:
        super().__init__()
        self._frames = frames

    @Slot()
    def run(self) -> None:
        """Relay messages until the process says goodbye or goes away."""
        try:
            while True:
                message = self._frames.recv()
                if message[0] == "frame":
                    self.frameReady.emit(Frame(*message[1:]))
                elif message[0] == "probed":
                    self.probed.emit(message[1])
                elif message[0] == "grids":
                    self.gridsReady.emit(message[1], message[2])
                else:
                    break
        except (EOFError, OSError):
            pass  # the process ended
        self.finished.emit()


class RunRecord:
    """The window's copy of a run, rebuilt from frames; gives its :class:`Trajectory`."""

    def __init__(self, config: DescentConfig, data: Dataset | None = None) -> None:
        self.config = config
        #: The data the run's steps are using; ``edited`` once it changed mid-run.
        self.data = data
        self.edited = False
        self._replay: ReplayedRows | None = None
        # Room for the whole run at once: growing by copying stalled the window for tens
        # of milliseconds at a million steps, and untouched pages cost no memory.
        rows = config.steps + 1
        self.params = np.empty((rows, 2))
        self.cost = np.empty(rows)
        self.grad = np.empty((rows, 2))
        self.cost_exact = np.empty(rows, dtype=bool)
        self.status = "running"
        self.message = "running"
        self.diverged_at: int | None = None
        self.rows: int | NDArray[np.intp] | None = None
        self._count = 0

    @property
    def steps(self) -> int:
        """Return the number of steps recorded."""
        return max(self._count - 1, 0)

    def add(self, frame: Frame) -> None:
        """Append a frame's points (frames arrive in order, without gaps)."""
        if frame.first != self._count:
            raise ValueError(f"frame starts at {frame.first}, expected {self._count}")
        need = self._count + len(frame.cost)
        self.params[self._count : need] = frame.params
        self.cost[self._count : need] = frame.cost
        exact = True if frame.cost_exact is None else frame.cost_exact
        self.cost_exact[self._count : need] = exact
        g0 = max(self._count - 1, 0)
        self.grad[g0 : g0 + len(frame.grad)] = frame.grad
        self._count = need
        self.status, self.message = frame.status, frame.message
        self.diverged_at, self.rows = frame.diverged_at, frame.rows

    def data_changed(self, data: Dataset) -> None:
        """Note that the run carries on with ``data`` from its next step."""
        self.data = data
        self.edited = True

    def sampled_rows(self, step: int, data: Dataset) -> int | NDArray[np.intp] | None:
        """Return the rows of ``data`` that step ``step`` used, where they are known.

        The newest step's rows come with the frames; earlier ones are drawn again
        from the run's seed. None means all rows (batch), no step (the start), or
        unknown: the run is not on ``data``, its data changed while it ran, or its
        batches are too large and too many to draw again in a moment.
        """
        if data is not self.data:
            return None
        if step == self.steps:
            return self.rows
        config = self.config
        if self.edited or config.seed is None or not 0 < step < self.steps:
            return None
        if self._replay is None:
            self._replay = ReplayedRows(
                config.variant, len(data), config.batch_size, int(config.seed), config.steps
            )
        return self._replay.at(step) if self._replay.affordable else None

    def view(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return the points and costs so far (views, for drawing; do not modify)."""
        return self.params[: self._count], self.cost[: self._count]

    def exact_view(self) -> NDArray[np.bool_]:
        """Return which costs of :meth:`view` are exact (a view; do not modify)."""
        return self.cost_exact[: self._count]

    def trajectory(self, seed: int) -> Trajectory:
        """Return the run so far as an immutable :class:`Trajectory`."""
        params, cost = self.view()
        return Trajectory.record(
            params,
            cost,
            self.grad[: self.steps],
            status=self.status,
            message=self.message,
            seed=seed,
            config=self.config,
            diverged_at=self.diverged_at,
            cost_exact=self.exact_view(),
        )


class DescentController(QObject):
    """The window's handle on the engine: start, pause, step, speed, edits."""

    frame = Signal(object)  # a Frame of the current run, after it was recorded
    probed = Signal(int)  # steps taken, after the engine's next tick (-1: no run)
    gridsReady = Signal(int, object)  # a compute_grids tag and its list of cost grids

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self._grid_tag = 0
        self.record: RunRecord | None = None
        self.seed = 0
        self.running = False
        # Spawn, not fork: a forked copy of a process running Qt is not safe.
        context = multiprocessing.get_context("spawn")
        receive_commands, self._commands = context.Pipe(duplex=False)
        frames, send_frames = context.Pipe(duplex=False)
        self._process = context.Process(
            target=serve, args=(receive_commands, send_frames), name="gd-explorer engine"
        )
        self._process.daemon = True  # never outlive the window's process
        self._process.start()
        receive_commands.close()
        send_frames.close()
        self._thread = QThread()
        self._thread.setObjectName("descent")
        self._worker = DescentWorker(frames)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.finished.connect(self._thread.quit)
        self._thread.finished.connect(self._worker.deleteLater)
        self._worker.frameReady.connect(self._on_frame)
        self._worker.probed.connect(self.probed)
        self._worker.gridsReady.connect(self.gridsReady)
        self._thread.start()

    def _send(self, *message: Any) -> None:
        try:
            self._commands.send(message)
        except (BrokenPipeError, OSError):
            pass  # the engine has stopped (the window is closing)

    def start(self, problem: CostModel, config: DescentConfig, paused: bool = False) -> int:
        """Start a new run (older runs' frames are dropped) and return its generation.

        A paused run sends its starting point and waits for ``step`` or ``resume``.
        """
        if config.seed is None:
            # Choose the seed here so the window can show and replay it.
            config = config.replace(seed=int(np.random.SeedSequence().generate_state(1)[0]))
        self.generation += 1
        self.seed = int(config.seed or 0)
        self.record = RunRecord(config, problem.data)
        self.running = not paused
        self._send("start", problem, config, self.generation, paused)
        return self.generation

    def discard(self) -> None:
        """Forget the current run; its remaining frames are dropped."""
        self.generation += 1
        self.record = None
        self.running = False
        self._send("discard")

    @property
    def live(self) -> bool:
        """Return whether a run exists that has not ended (running or paused)."""
        return self.record is not None and self.record.status == "running"

    def pause(self) -> None:
        """Pause the run."""
        self.running = False
        self._send("pause")

    def resume(self) -> None:
        """Resume the run."""
        self.running = True
        self._send("resume")

    def step(self) -> None:
        """Pause and take one step."""
        self.running = False
        self._send("step")

    def set_speed(self, steps_per_second: float) -> None:
        """Set steps per second (0: unlimited)."""
        self._send("speed", float(steps_per_second))

    def set_problem(self, problem: CostModel) -> None:
        """Let the current run carry on with edited data."""
        if self.record is not None:
            self.record.data_changed(problem.data)
        self._send("problem", problem)

    def probe(self) -> None:
        """Ask the engine to report its step count after its next tick."""
        self._send("probe")

    def compute_grids(
        self, problem: CostModel, axes: list[tuple[NDArray[np.float64], NDArray[np.float64]]]
    ) -> int:
        """Have the engine's process compute cost grids; ``gridsReady`` brings them back.

        Returns the tag the answer will carry.
        """
        self._grid_tag += 1
        self._send("grids", self._grid_tag, problem, axes)
        return self._grid_tag

    def trajectory(self) -> Trajectory | None:
        """Return the current run so far, or None before any run."""
        return None if self.record is None else self.record.trajectory(self.seed)

    def shutdown(self) -> None:
        """Stop the engine's process and the relay thread; safe to call twice."""
        if self._process.is_alive():
            self._send("stop")
            self._process.join(STOP_TIMEOUT_S)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
        self._commands.close()

    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        try:
            if frame.generation != self.generation or self.record is None:
                return  # a frame of an older run
            self.record.add(frame)
            if frame.done:
                self.running = False
            self.frame.emit(frame)
        finally:
            self._send("ack")
