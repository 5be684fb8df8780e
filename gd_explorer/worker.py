"""The one bridge between the engine and the window: descent on its own thread.

``DescentWorker`` lives on a ``QThread`` and advances a :class:`Descent` on a
timer at about 60 Hz: at a chosen speed (steps per second) or, unlimited, for
most of each tick. Each tick it sends one :class:`Frame` with every step since
the last frame — but only once the window has drawn the previous one, so a slow
screen never builds a backlog; the engine keeps computing meanwhile.

``DescentController`` is the window's side: it owns the thread, numbers each run
(a *generation*) and drops frames of older runs, and keeps the run's record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot

from gd_explorer.engine import CostModel, Descent, DescentConfig, Trajectory

#: Milliseconds between ticks: about one screen refresh.
TICK_MS = 16
#: Share of a tick an unlimited-speed run may compute for, leaving time to hand over.
BUSY_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Frame:
    """The steps a run took since the previous frame.

    ``first`` is the index of ``params[0]`` in the run (0 is the start);
    ``grad`` has one row per step, so one fewer than ``params`` when ``first``
    is 0. ``rows`` are the rows sampled by the last step.
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

    @property
    def done(self) -> bool:
        """Return whether the run has ended."""
        return self.status != "running"


class DescentWorker(QObject):
    """Runs descent in its own thread; controlled only through its slots."""

    frameReady = Signal(object)
    probed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._probes = 0
        self._descent: Descent | None = None
        self._generation = 0
        self._paused = True
        self._speed = 0.0  # steps per second; 0 is unlimited
        self._budget = 0.0
        self._clock = time.perf_counter()
        self._sent = 0  # index of the next point to send
        self._chunk = 64
        # Set by the window's thread once it has drawn a frame; a bool is atomic here.
        self.drawn = True
        self._timer: QTimer | None = None

    @Slot()
    def setup(self) -> None:
        """Create the tick timer; runs in the worker's thread when it starts."""
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    @Slot(object, object, int, bool)
    def start_run(
        self, problem: CostModel, config: DescentConfig, generation: int, paused: bool
    ) -> None:
        """Begin a new run (replacing any other) and send its starting point."""
        self._descent = Descent(problem, config)
        self._generation = generation
        self._sent = 0
        self._paused = paused
        self._restart_clock()
        self._send()

    @Slot()
    def pause(self) -> None:
        """Stop stepping until resumed."""
        self._paused = True

    @Slot()
    def resume(self) -> None:
        """Carry on stepping."""
        self._paused = False
        self._restart_clock()

    @Slot()
    def step_once(self) -> None:
        """Pause, take exactly one step and send it."""
        self._paused = True
        if self._descent is not None and not self._descent.done:
            self._descent.advance(1)
            self._send()

    @Slot(float)
    def set_speed(self, steps_per_second: float) -> None:
        """Set the pace: steps per second, or 0 for as fast as possible."""
        self._speed = max(0.0, float(steps_per_second))
        self._restart_clock()

    @Slot(object)
    def set_problem(self, problem: CostModel) -> None:
        """Carry on the current run on edited data."""
        if self._descent is not None and not self._descent.done:
            self._descent.set_problem(problem)

    @Slot()
    def discard(self) -> None:
        """Drop the current run."""
        self._descent = None

    @Slot()
    def stop(self) -> None:
        """Drop the run and stop the timer (before the thread quits)."""
        self._descent = None
        if self._timer is not None:
            self._timer.stop()

    def _restart_clock(self) -> None:
        self._clock = time.perf_counter()
        self._budget = 0.0

    def _tick(self) -> None:
        descent = self._descent
        if descent is None:
            if self._probes:
                self._probes -= 1
                self.probed.emit(-1)
            return
        if not (self._paused or descent.done):
            now = time.perf_counter()
            if self._speed > 0:
                # Whole steps owed at this pace; fractions carry over (1 step/s works).
                self._budget += (now - self._clock) * self._speed
                self._clock = now
                owed = int(self._budget)
                self._budget -= owed
                if owed:
                    descent.advance(owed)
            else:
                deadline = now + BUSY_SHARE * TICK_MS / 1000
                while not descent.done and time.perf_counter() < deadline:
                    descent.advance(self._chunk)
                    # Grow the chunk while chunks are short, so calls stay cheap.
                    if time.perf_counter() < deadline:
                        self._chunk = min(self._chunk * 2, 1 << 16)
        if self.drawn and (self._sent <= descent.step or descent.done):
            self._send()
        if self._probes:
            self._probes -= 1
            self.probed.emit(descent.step)

    @Slot()
    def probe(self) -> None:
        """Ask for ``probed(steps)`` after the next tick (lets tests see ticks pass)."""
        self._probes += 1

    def _send(self) -> None:
        descent = self._descent
        if descent is None:
            return
        chunk = descent.since(self._sent)
        self._sent = descent.step + 1
        self.drawn = False
        self.frameReady.emit(
            Frame(
                generation=self._generation,
                first=chunk.first,
                params=chunk.params,
                cost=chunk.cost,
                grad=chunk.grad,
                rows=chunk.rows,
                steps=descent.step,
                status=descent.status,
                message=descent.message,
                diverged_at=descent.diverged_at,
            )
        )
        if descent.done:
            self._descent = None


class RunRecord:
    """The window's copy of a run, rebuilt from frames; gives its :class:`Trajectory`."""

    def __init__(self, config: DescentConfig) -> None:
        self.config = config
        self.params = np.empty((0, 2))
        self.cost = np.empty(0)
        self.grad = np.empty((0, 2))
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
        k = len(frame.cost)
        need = self._count + k
        if need > len(self.cost):
            size = max(need, 2 * len(self.cost), 1024)
            self.params = np.resize(self.params, (size, 2))
            self.cost = np.resize(self.cost, size)
            self.grad = np.resize(self.grad, (size, 2))
        self.params[self._count : need] = frame.params
        self.cost[self._count : need] = frame.cost
        g0 = max(self._count - 1, 0)
        self.grad[g0 : g0 + len(frame.grad)] = frame.grad
        self._count = need
        self.status, self.message = frame.status, frame.message
        self.diverged_at, self.rows = frame.diverged_at, frame.rows

    def view(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return the points and costs so far (views, for drawing; do not modify)."""
        return self.params[: self._count], self.cost[: self._count]

    def trajectory(self, seed: int) -> Trajectory:
        """Return the run so far as an immutable :class:`Trajectory`."""
        params, cost = (a.copy() for a in self.view())
        grad = self.grad[: self.steps].copy()
        for array in (params, cost, grad):
            array.setflags(write=False)
        return Trajectory(
            params=params,
            cost=cost,
            grad=grad,
            status=self.status,
            message=self.message,
            seed=seed,
            config=self.config,
            diverged_at=self.diverged_at if self.status == "diverged" else None,
        )


class DescentController(QObject):
    """The window's handle on the worker thread: start, pause, step, speed, edits."""

    frame = Signal(object)  # a Frame of the current run, after it was recorded
    probed = Signal(int)  # steps taken, after the worker's next tick (-1: no run)
    _startRun = Signal(object, object, int, bool)
    _discard = Signal()
    _pause = Signal()
    _resume = Signal()
    _step = Signal()
    _speed = Signal(float)
    _problem = Signal(object)
    _probe = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self.record: RunRecord | None = None
        self.seed = 0
        self.running = False
        self._thread = QThread()
        self._thread.setObjectName("descent")
        self._worker = DescentWorker()
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.setup)
        self._thread.finished.connect(self._worker.deleteLater)
        self._startRun.connect(self._worker.start_run)
        self._discard.connect(self._worker.discard)
        self._pause.connect(self._worker.pause)
        self._resume.connect(self._worker.resume)
        self._step.connect(self._worker.step_once)
        self._speed.connect(self._worker.set_speed)
        self._problem.connect(self._worker.set_problem)
        self._probe.connect(self._worker.probe)
        self._worker.probed.connect(self.probed)
        self._worker.frameReady.connect(self._on_frame)
        self._thread.start()

    def start(self, problem: CostModel, config: DescentConfig, paused: bool = False) -> int:
        """Start a new run (older runs' frames are dropped) and return its generation.

        A paused run sends its starting point and waits for ``step`` or ``resume``.
        """
        if config.seed is None:
            # Choose the seed here so the window can show and replay it.
            config = config.replace(seed=int(np.random.SeedSequence().generate_state(1)[0]))
        self.generation += 1
        self.seed = int(config.seed or 0)
        self.record = RunRecord(config)
        self.running = not paused
        self._startRun.emit(problem, config, self.generation, paused)
        return self.generation

    def discard(self) -> None:
        """Forget the current run; its remaining frames are dropped."""
        self.generation += 1
        self.record = None
        self.running = False
        self._discard.emit()

    @property
    def live(self) -> bool:
        """Return whether a run exists that has not ended (running or paused)."""
        return self.record is not None and self.record.status == "running"

    def pause(self) -> None:
        """Pause the run."""
        self.running = False
        self._pause.emit()

    def resume(self) -> None:
        """Resume the run."""
        self.running = True
        self._resume.emit()

    def step(self) -> None:
        """Pause and take one step."""
        self.running = False
        self._step.emit()

    def set_speed(self, steps_per_second: float) -> None:
        """Set steps per second (0: unlimited)."""
        self._speed.emit(float(steps_per_second))

    def set_problem(self, problem: CostModel) -> None:
        """Let the current run carry on with edited data."""
        self._problem.emit(problem)

    def probe(self) -> None:
        """Ask the worker to report its step count after its next tick."""
        self._probe.emit()

    def trajectory(self) -> Trajectory | None:
        """Return the current run so far, or None before any run."""
        return None if self.record is None else self.record.trajectory(self.seed)

    def shutdown(self) -> None:
        """Stop the run and the thread; safe to call twice."""
        if not self._thread.isRunning():
            return
        # The timer lives in the worker's thread: stop it there, and wait until it has.
        QMetaObject.invokeMethod(self._worker, "stop", Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        self._thread.wait()

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
            self._worker.drawn = True
