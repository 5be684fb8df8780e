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
run's record. It also supervises the process: a run that raised in the engine
ends as ``"failed"`` with the reason, and a process that died is replaced at
once, its run marked failed, the record kept.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import signal
import threading
import weakref
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QThread, Signal, Slot

from gd_explorer.engine import CostModel, Dataset, DescentConfig, Trajectory
from gd_explorer.engine.samplers import ReplayedRows
from gd_explorer.runner import engine_main

#: Seconds to wait for the engine's process to finish before ending it.
STOP_TIMEOUT_S = 5.0
#: What the user is told when the engine's process died; ``{cause}`` says how.
ENGINE_LOST = "the engine stopped unexpectedly ({cause}) and was restarted"
#: Processes in a row that may die before saying hello before restarts stop.
RESTART_LIMIT = 3
#: What the user is told then: restarting again would only spin.
ENGINE_WONT_START = (
    "the engine could not be started ({cause}); the next run will try again — "
    "if this persists, reinstall the program"
)


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
    failed = Signal(int, str)  # a run's generation and why the engine gave it up
    lost = Signal(int)  # the process (this number) went away without saying goodbye
    finished = Signal()

    def __init__(
        self, frames: Any, number: int = 0, started: threading.Event | None = None
    ) -> None:
        super().__init__()
        self._frames = frames
        self._number = number
        self._started = started if started is not None else threading.Event()

    @Slot()
    def run(self) -> None:
        """Relay messages until the process says goodbye or goes away."""
        goodbye = False
        try:
            while True:
                message = self._frames.recv()
                if message[0] == "frame":
                    self.frameReady.emit(Frame(*message[1:]))
                elif message[0] == "probed":
                    self.probed.emit(message[1])
                elif message[0] == "grids":
                    self.gridsReady.emit(message[1], message[2])
                elif message[0] == "failed":
                    self.failed.emit(message[1], message[2])
                elif message[0] == "hello":
                    self._started.set()
                else:
                    goodbye = True
                    break
        except (EOFError, OSError):
            pass  # the process ended: the pipe's other end closed with it
        if not goodbye:
            self.lost.emit(self._number)
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

    def fail(self, message: str) -> None:
        """End the run as ``"failed"`` with ``message``; the steps recorded stay."""
        self.status, self.message = "failed", message
        self.diverged_at = None

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


class Engine:
    """One engine process and the thread relaying what it sends.

    Plain Python, not a ``QObject``: it can be stopped from anywhere, even while
    (or after) the Qt objects around it are destroyed.
    """

    def __init__(self) -> None:
        # Spawn, not fork: a forked copy of a process running Qt is not safe.
        context = multiprocessing.get_context("spawn")
        receive_commands, self.commands = context.Pipe(duplex=False)
        frames, send_frames = context.Pipe(duplex=False)
        self.process = context.Process(
            target=engine_main, args=(receive_commands, send_frames), name="gd-explorer engine"
        )
        self.process.daemon = True  # never outlive the window's process
        self.process.start()
        receive_commands.close()
        send_frames.close()
        self.number = next(_ENGINE_NUMBERS)
        #: Set once the process said hello: it started and serves.
        self.started = threading.Event()
        self.thread = QThread()
        self.thread.setObjectName("descent")
        self.worker = DescentWorker(frames, self.number, self.started)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self.thread.quit)
        self.thread.finished.connect(self.worker.deleteLater)
        _ENGINES.add(self)

    def send(self, message: tuple[Any, ...]) -> None:
        """Send a command; nothing happens once the process has stopped."""
        try:
            self.commands.send(message)
        except (BrokenPipeError, OSError):
            pass  # the engine has stopped (the window is closing, or it died)

    def stop(self) -> None:
        """Stop the process and the relay thread; safe to call twice, or after a crash."""
        _ENGINES.discard(self)
        process = self.process
        if process.is_alive():
            self.send(("stop",))
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.terminate()
                process.join()
        thread = self.thread
        try:
            if thread.isRunning():
                thread.quit()
                thread.wait()
        except RuntimeError:
            pass  # the thread object is already gone (the application was torn down)
        self.commands.close()

    def cause_of_death(self) -> str:
        """Say how the process ended, once its pipe has closed."""
        process = self.process
        process.join(STOP_TIMEOUT_S)
        code = process.exitcode
        if code is None:
            return "it stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                return f"killed by signal {-code}"
            return f"killed by signal {-code}, {name}"
        return f"it exited with status {code}"


_ENGINE_NUMBERS = itertools.count(1)
#: Engines not yet stopped: all are stopped before the interpreter exits.
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def stop_all_engines() -> None:
    """Stop every engine still running (start-up failed, or the application quit)."""
    for engine in list(_ENGINES):
        engine.stop()


def _stop_engines(engines: list[Engine], *_: object) -> None:
    for engine in engines:
        engine.stop()


# Registered after PySide6's own exit handler, so it runs before it: the threads stop
# while Qt still exists, never "QThread: Destroyed while thread is still running".
atexit.register(stop_all_engines)


class DescentController(QObject):
    """The window's handle on the engine: start, pause, step, speed, edits.

    It supervises the engine's process: if the process dies the controller starts
    a new one, marks the current run ``"failed"`` (its steps stay recorded) and says
    so through ``failed``; so does a run that raised inside the engine.
    """

    frame = Signal(object)  # a Frame of the current run, after it was recorded
    probed = Signal(int)  # steps taken, after the engine's next tick (-1: no run)
    gridsReady = Signal(int, object)  # a compute_grids tag and its list of cost grids
    failed = Signal(str)  # why the current run failed or the engine was restarted

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self._grid_tag = 0
        self.record: RunRecord | None = None
        self.seed = 0
        self.running = False
        self._speed = 0.0
        # The newest map request not answered yet (tag, problem, axes), sent again
        # to a restarted engine once.
        self._grids: tuple[int, CostModel, Any] | None = None
        self._grids_resent = False
        self._closing = False
        self._stillborn = 0  # processes in a row that died before saying hello
        self._engine = self._launch()
        # Whatever order Qt destroys things in, the process and the thread stop with
        # this object. A list, not self: the callback must not touch a dying wrapper.
        self._engines = [self._engine]
        self.destroyed.connect(partial(_stop_engines, self._engines))

    def _launch(self) -> Engine:
        engine = Engine()
        worker = engine.worker
        worker.frameReady.connect(self._on_frame)
        worker.probed.connect(self.probed)
        worker.gridsReady.connect(self._on_grids)
        worker.failed.connect(self._on_failed)
        worker.lost.connect(self._on_lost)
        engine.thread.start()
        return engine

    @property
    def process(self) -> multiprocessing.process.BaseProcess:
        """The engine's current process (a new one after a restart)."""
        return self._engine.process

    @property
    def _process(self) -> multiprocessing.process.BaseProcess:
        return self._engine.process

    @property
    def _thread(self) -> QThread:
        return self._engine.thread

    def _send(self, *message: Any) -> None:
        self._engine.send(message)

    def start(self, problem: CostModel, config: DescentConfig, paused: bool = False) -> int:
        """Start a new run (older runs' frames are dropped) and return its generation.

        A paused run sends its starting point and waits for ``step`` or ``resume``.
        """
        if config.seed is None:
            # Choose the seed here so the window can show and replay it.
            config = config.replace(seed=int(np.random.SeedSequence().generate_state(1)[0]))
        if not self._closing and not self._engine.process.is_alive():
            self._replace_engine()  # restarts had stopped (or its death is not seen yet)
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
        self._speed = float(steps_per_second)
        self._send("speed", self._speed)

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
        self._grids, self._grids_resent = (self._grid_tag, problem, axes), False
        self._send("grids", self._grid_tag, problem, axes)
        return self._grid_tag

    def trajectory(self) -> Trajectory | None:
        """Return the current run so far, or None before any run."""
        return None if self.record is None else self.record.trajectory(self.seed)

    def shutdown(self) -> None:
        """Stop the engine's process and the relay thread; safe to call twice."""
        self._closing = True  # from now on a process that ends is not restarted
        self._engine.stop()

    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        try:
            if frame.generation != self.generation or self.record is None:
                return  # a frame of an older run
            if self.record.status == "failed":
                return  # the run was given up; nothing more belongs to it
            self.record.add(frame)
            if frame.done:
                self.running = False
            self.frame.emit(frame)
        finally:
            self._send("ack")

    @Slot(int, object)
    def _on_grids(self, tag: int, costs: object) -> None:
        if self._grids is not None and self._grids[0] <= tag:
            self._grids = None
        self.gridsReady.emit(tag, costs)

    @Slot(int, str)
    def _on_failed(self, generation: int, reason: str) -> None:
        if generation != self.generation:
            return  # a run the window has already replaced
        self._fail_run(reason)
        self.failed.emit(reason)

    @Slot(int)
    def _on_lost(self, number: int) -> None:
        if self._closing or number != self._engine.number:
            return  # stopped on purpose, or already replaced
        dead = self._engine
        cause = dead.cause_of_death()
        dead.stop()
        self._stillborn = 0 if dead.started.is_set() else self._stillborn + 1
        if self._stillborn < RESTART_LIMIT:
            self._replace_engine()
            message = ENGINE_LOST.format(cause=cause)
        else:
            # Each new process dies as it starts: restarting would only spin. The
            # next run the user starts tries once more.
            message = ENGINE_WONT_START.format(cause=cause)
            if self._grids is not None:
                tag, self._grids = self._grids[0], None
                self.gridsReady.emit(tag, None)
        record = self.record
        if record is not None and record.status == "running":
            self._fail_run(f"{message}; the run stopped at step {record.steps:,}")
            message = record.message
        self.failed.emit(message)

    def _replace_engine(self) -> None:
        """Start a new engine in place of a dead one and give it what the old one had."""
        self._engine.stop()
        self._engine = self._launch()
        self._engines[:] = [self._engine]
        self._engine.send(("speed", self._speed))
        if self._grids is not None:
            if self._grids_resent:
                # It died again with this request pending: the request may be the cause.
                tag = self._grids[0]
                self._grids = None
                self.gridsReady.emit(tag, None)
            else:
                self._grids_resent = True
                self._engine.send(("grids", *self._grids))

    def _fail_run(self, reason: str) -> None:
        if self.record is not None and self.record.status == "running":
            self.record.fail(reason)
        self.running = False
