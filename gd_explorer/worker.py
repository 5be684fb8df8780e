"""The one bridge between the engine and the window.

Descent runs in a child process (``gd_explorer.runner``), so that a busy engine
never holds this process's interpreter lock while Qt paints. ``DescentWorker``,
a ``QObject`` on its own ``QThread``, is the bridge: it waits on the pipe from
that process (waiting releases the lock) and forwards each :class:`Frame` as a
signal. The runner sends a frame about every 16 ms with every step since the
last, but only once the window has drawn the previous one, so a slow screen
never builds a backlog; the engine keeps computing meanwhile.

``DescentController`` is the window's side: it owns the process and the thread,
numbers each race of up to four runs (a *generation*) and drops frames of older
races, and keeps each run's record. It also supervises the process: a run that
raised in the engine ends as ``"failed"`` with the reason while the others go on,
and a process that died is replaced at once, its live runs marked failed, the
records kept. What passes between the two is in ``gd_explorer.messages``.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import signal
import threading
import weakref
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import QObject, QThread, Signal, Slot

from gd_explorer.engine import CostModel, Dataset, DescentConfig, Trajectory
from gd_explorer.engine.samplers import ReplayedRows
from gd_explorer.messages import (
    MAX_RUNS,
    Ack,
    AddRun,
    BasinsDone,
    BasinsProgress,
    Bye,
    CancelBasins,
    CancelSweep,
    Command,
    Discard,
    Failed,
    Frame,
    Grids,
    Hello,
    MakeGrids,
    Pause,
    Probe,
    Probed,
    RemoveRun,
    ReplaceRun,
    Resume,
    RunFrame,
    RunSpec,
    SetProblem,
    SetSpeed,
    StartBasins,
    StartRace,
    StartSweep,
    Step,
    Stop,
    SweepDone,
    SweepProgress,
)
from gd_explorer.runner import engine_main, main_left_alone

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


class DescentWorker(QObject):
    """Forwards what the engine's process sends; lives on its own thread."""

    frameReady = Signal(object)
    probed = Signal(int)
    gridsReady = Signal(int, object)
    failed = Signal(object)  # a messages.Failed: the engine gave up a run or the race
    sweepProgress = Signal(int, int, int)
    sweepDone = Signal(int, object, str)
    basinsProgress = Signal(int, int, int)
    basinsDone = Signal(int, object, str)
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
            while not goodbye:
                goodbye = self._relay(self._frames.recv())
        except (EOFError, OSError):
            pass  # the process ended: the pipe's other end closed with it
        if not goodbye:
            self.lost.emit(self._number)
        self.finished.emit()

    def _relay(self, message: object) -> bool:
        """Forward one reply; True when it was the goodbye."""
        match message:
            case Frame():
                self.frameReady.emit(message)
            case Probed(steps=steps):
                self.probed.emit(steps)
            case Grids(tag=tag, costs=costs):
                self.gridsReady.emit(tag, costs)
            case Failed():
                self.failed.emit(message)
            case SweepProgress(tag=tag, done=done, total=total):
                self.sweepProgress.emit(tag, done, total)
            case SweepDone(tag=tag, result=result, reason=reason):
                self.sweepDone.emit(tag, result, reason)
            case BasinsProgress(tag=tag, done=done, total=total):
                self.basinsProgress.emit(tag, done, total)
            case BasinsDone(tag=tag, result=result, reason=reason):
                self.basinsDone.emit(tag, result, reason)
            case Hello():
                self._started.set()
            case Bye():
                return True
            case _:
                pass  # nothing this window knows of; the process may be newer
        return False


class RunRecord:
    """The window's copy of a run, rebuilt from frames; gives its :class:`Trajectory`.

    ``run_id`` names the run in its race for good; ``version`` counts how often its
    settings were replaced (each time it starts again under a new record).
    """

    def __init__(
        self,
        config: DescentConfig,
        data: Dataset | None = None,
        run_id: int = 0,
        version: int = 0,
    ) -> None:
        self.config = config
        self.run_id = run_id
        self.version = version
        #: The run's random seed (0 when its config has none: the engine chose one).
        self.seed = int(config.seed or 0)
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

    def add(self, frame: RunFrame | Frame) -> None:
        """Append a frame's points (frames arrive in order, without gaps).

        A whole :class:`Frame` is the single-run shorthand for its first run's.
        """
        if isinstance(frame, Frame):
            frame = frame.runs[0]
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

    @property
    def live(self) -> bool:
        """Return whether the run has not ended (it may be paused)."""
        return self.status == "running"

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

    def trajectory(self) -> Trajectory:
        """Return the run so far as an immutable :class:`Trajectory`."""
        params, cost = self.view()
        return Trajectory.record(
            params,
            cost,
            self.grad[: self.steps],
            status=self.status,
            message=self.message,
            seed=self.seed,
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
        with main_left_alone():  # the child must not run a guard-less main script again
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

    def send(self, message: Command) -> None:
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
            self.send(Stop())
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
    """The window's handle on the engine: races, pause, step, speed, edits, sweeps.

    A race is one to :data:`MAX_RUNS` runs on one problem, stepped together by the
    engine's process; ``records`` holds them in run order. Runs can join, leave or
    start again with new settings while the others carry on.

    It supervises the engine's process: if the process dies the controller starts
    a new one, marks every live run ``"failed"`` (its steps stay recorded) and says
    so through ``failed``; so does a run that raised inside the engine, which ends
    alone.
    """

    frame = Signal(object)  # a Frame of the current race, after it was recorded
    probed = Signal(int)  # the first run's steps after the engine's next tick (-1: none)
    gridsReady = Signal(int, object)  # a compute_grids tag and its list of cost grids
    failed = Signal(str)  # why a run (or the race) failed or the engine was restarted
    runFailed = Signal(int, str)  # the run_id of a run that failed, and why
    sweepProgress = Signal(int, int, int)  # a sweep's tag, runs done, runs in all
    sweepDone = Signal(int, object)  # a sweep's tag and its Sweep (None: it failed)
    basinsProgress = Signal(int, int, int)  # a basins map's tag, steps done, steps in all
    #: A basins map's tag, its Basins (None: cancelled or failed) and why not.
    basinsDone = Signal(int, object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self._grid_tag = 0
        self._sweep_tag = 0
        #: The runs of the current race, in run order.
        self.records: list[RunRecord] = []
        self.seed = 0
        self.running = False
        self._speed = 0.0
        self._problem: CostModel | None = None
        self._run_ids = itertools.count(1)
        # The newest map request not answered yet (tag, problem, axes), sent again
        # to a restarted engine once.
        self._grids: tuple[int, CostModel, Any] | None = None
        self._grids_resent = False
        self._sweep: int | None = None  # the tag of the sweep under way
        self._basins_tag = 0
        self._basins: int | None = None  # the tag of the basins map under way
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
        worker.sweepProgress.connect(self.sweepProgress)
        worker.sweepDone.connect(self._on_sweep_done)
        worker.basinsProgress.connect(self.basinsProgress)
        worker.basinsDone.connect(self._on_basins_done)
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

    def _send(self, message: Command) -> None:
        self._engine.send(message)

    def _ensure_engine(self) -> None:
        if not self._closing and not self._engine.process.is_alive():
            self._replace_engine()  # restarts had stopped (or its death is not seen yet)

    # Races.

    def start(
        self,
        problem: CostModel,
        configs: DescentConfig | Sequence[DescentConfig],
        paused: bool = False,
    ) -> int:
        """Start a new race (older races' frames are dropped) and return its generation.

        Parameters
        ----------
        problem : CostModel
            What every run descends.
        configs : DescentConfig or sequence of DescentConfig
            One run's settings (the single-run shorthand), or one to :data:`MAX_RUNS`.
            Runs without a seed share one chosen here, so the race is fair.
        paused : bool, optional
            A paused race sends its starting points and waits for ``step`` or ``resume``.

        Returns
        -------
        int
            The race's generation.
        """
        if isinstance(configs, DescentConfig):
            configs = [configs]
        configs = list(configs)
        if not 1 <= len(configs) <= MAX_RUNS:
            raise ValueError(f"a race has 1 to {MAX_RUNS} runs, not {len(configs)}")
        for config in configs:
            if not isinstance(config, DescentConfig):
                raise TypeError(f"a run needs a DescentConfig, not {type(config).__name__}")
        # Chosen here so the window can show and replay it.
        self.seed = int(np.random.SeedSequence().generate_state(1)[0])
        configs = [self._seeded(config) for config in configs]
        self._ensure_engine()
        self.generation += 1
        self._problem = problem
        data = getattr(problem, "data", None)
        self.records = [RunRecord(c, data, next(self._run_ids)) for c in configs]
        self.seed = self.records[0].seed
        self.running = not paused
        runs = tuple(RunSpec(r.run_id, r.config, r.version) for r in self.records)
        self._send(StartRace(self.generation, problem, runs, paused))
        return self.generation

    def _seeded(self, config: DescentConfig) -> DescentConfig:
        return config if config.seed is not None else config.replace(seed=self.seed)

    def _paused_for_new_run(self, paused: bool | None) -> bool:
        if paused is not None:
            return paused
        return self.live and not self.running  # a paused race stays paused

    def add_run(self, config: DescentConfig, paused: bool | None = None) -> int:
        """Add a run to the race (or start a race when there is none); return its id.

        The run starts at its own ``config.init`` (a branch passes the point of the
        step it branches from) on the race's problem; without a seed it gets the
        race's. ``paused`` None keeps a paused race paused and otherwise runs;
        True or False pauses or resumes the whole race.
        """
        if self._problem is None:
            raise RuntimeError("no problem to run on yet: start a race first")
        if not self.records:
            self.start(self._problem, config, paused=bool(paused))
            return self.records[0].run_id
        if len(self.records) >= MAX_RUNS:
            raise ValueError(f"a race holds at most {MAX_RUNS} runs")
        paused = self._paused_for_new_run(paused)
        record = RunRecord(
            self._seeded(config), getattr(self._problem, "data", None), next(self._run_ids)
        )
        self.records.append(record)
        self.running = not paused
        self._ensure_engine()
        spec = RunSpec(record.run_id, record.config, record.version)
        self._send(AddRun(self.generation, self._problem, spec, paused))
        return record.run_id

    def remove_run(self, run_id: int) -> None:
        """Drop run ``run_id`` from the race; the others carry on."""
        record = self._record(run_id)
        self.records.remove(record)
        if not self.live:
            self.running = False
        self._send(RemoveRun(self.generation, run_id))

    def replace_run(self, run_id: int, config: DescentConfig, paused: bool | None = None) -> None:
        """Start run ``run_id`` again with ``config``; the others carry on.

        Without a seed the run keeps its own. ``paused`` as for :meth:`add_run`.
        """
        old = self._record(run_id)
        if config.seed is None:
            config = config.replace(seed=old.seed)
        paused = self._paused_for_new_run(paused)
        record = RunRecord(config, getattr(self._problem, "data", None), run_id, old.version + 1)
        self.records[self.records.index(old)] = record
        self.running = not paused
        self._ensure_engine()
        spec = RunSpec(run_id, record.config, record.version)
        assert self._problem is not None  # a race exists: it has its problem
        self._send(ReplaceRun(self.generation, self._problem, spec, paused))

    def _record(self, run_id: int) -> RunRecord:
        for record in self.records:
            if record.run_id == run_id:
                return record
        raise KeyError(f"no run {run_id} in the race")

    def discard(self) -> None:
        """Forget the race; its remaining frames are dropped."""
        self.generation += 1
        self.records = []
        self.running = False
        self._send(Discard())

    @property
    def record(self) -> RunRecord | None:
        """Single-run shorthand: the first run's record (None without a race)."""
        return self.records[0] if self.records else None

    @property
    def live(self) -> bool:
        """Return whether a run exists that has not ended (running or paused)."""
        return any(record.live for record in self.records)

    def pause(self) -> None:
        """Pause every run."""
        self.running = False
        self._send(Pause())

    def resume(self) -> None:
        """Resume every live run."""
        self.running = True
        self._send(Resume())

    def step(self) -> None:
        """Pause and take one step of every live run."""
        self.running = False
        self._send(Step())

    def set_speed(self, steps_per_second: float) -> None:
        """Set steps per second for every run (0: unlimited)."""
        self._speed = float(steps_per_second)
        self._send(SetSpeed(self._speed))

    @property
    def problem(self) -> CostModel | None:
        """The problem the race descends (None before any race)."""
        return self._problem

    def set_problem(self, problem: CostModel) -> None:
        """Let the live runs carry on with edited data."""
        self._problem = problem
        for record in self.records:
            record.data_changed(problem.data)
        self._send(SetProblem(problem))

    def probe(self) -> None:
        """Ask the engine to report its step counts after its next tick."""
        self._send(Probe())

    def compute_grids(
        self, problem: CostModel, axes: list[tuple[NDArray[np.float64], NDArray[np.float64]]]
    ) -> int:
        """Have the engine's process compute cost grids; ``gridsReady`` brings them back.

        Returns the tag the answer will carry.
        """
        self._grid_tag += 1
        self._grids, self._grids_resent = (self._grid_tag, problem, axes), False
        self._send(MakeGrids(self._grid_tag, problem, axes))
        return self._grid_tag

    def sweep(self, problem: CostModel, config: DescentConfig, rates: ArrayLike) -> int:
        """Run ``config`` once per learning rate of ``rates`` in the engine's process.

        ``sweepProgress`` reports each run done and ``sweepDone`` brings the result
        (``complete`` False when cancelled; None when it failed). A new sweep cancels
        the one under way. Without a seed the sweep gets one, the same for every rate.

        Returns
        -------
        int
            The tag the answers will carry.
        """
        config = _seeded(config)
        self._sweep_tag += 1
        self._sweep = self._sweep_tag
        self._send(StartSweep(self._sweep_tag, problem, config, np.asarray(rates, dtype=float)))
        return self._sweep_tag

    def cancel_sweep(self) -> None:
        """Stop the sweep under way; ``sweepDone`` brings what it has."""
        self._send(CancelSweep())

    def basins(
        self,
        problem: CostModel,
        config: DescentConfig,
        starts: ArrayLike,
        shape: tuple[int, int] | None = None,
        domain: tuple[float, float, float, float] | None = None,
    ) -> int:
        """Run ``config`` from every start at once in the engine's process: a basins map.

        ``basinsProgress`` reports the steps taken and ``basinsDone`` brings the
        ``engine.Basins`` (None when cancelled or failed, with the reason). A new map
        cancels the one under way. Without a seed the map gets one (its noise).

        Returns
        -------
        int
            The tag the answers will carry.
        """
        config = _seeded(config)
        self._basins_tag += 1
        self._basins = self._basins_tag
        points = np.asarray(starts, dtype=float)
        self._ensure_engine()
        self._send(StartBasins(self._basins_tag, problem, config, points, shape, domain))
        return self._basins_tag

    def cancel_basins(self) -> None:
        """Stop the basins map under way; ``basinsDone`` answers with no result."""
        self._send(CancelBasins())

    def trajectory(self) -> Trajectory | None:
        """Single-run shorthand: the first run so far, or None before any race."""
        record = self.record
        return None if record is None else record.trajectory()

    def shutdown(self) -> None:
        """Stop the engine's process and the relay thread; safe to call twice."""
        self._closing = True  # from now on a process that ends is not restarted
        self._engine.stop()

    # What the engine says.

    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        try:
            if frame.generation != self.generation:
                return  # a frame of an older race
            accepted = []
            for run in frame.runs:
                record = next((r for r in self.records if r.run_id == run.run_id), None)
                if record is None or record.version != run.version or not record.live:
                    continue  # removed, replaced or given up: nothing more belongs to it
                record.add(run)
                accepted.append(run)
            if not accepted:
                return
            done = not self.live
            if done:
                self.running = False
            self.frame.emit(Frame(frame.generation, tuple(accepted), done))
        finally:
            self._send(Ack())

    @Slot(int, object)
    def _on_grids(self, tag: int, costs: object) -> None:
        if self._grids is not None and self._grids[0] <= tag:
            self._grids = None
        self.gridsReady.emit(tag, costs)

    @Slot(int, object, str)
    def _on_sweep_done(self, tag: int, result: object, reason: str) -> None:
        if self._sweep == tag:
            self._sweep = None
        self.sweepDone.emit(tag, result)

    @Slot(int, object, str)
    def _on_basins_done(self, tag: int, result: object, reason: str) -> None:
        if self._basins == tag:
            self._basins = None
        self.basinsDone.emit(tag, result, reason)

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        if failed.generation != self.generation:
            return  # a race the window has already replaced
        if failed.run_id is None:
            records = [r for r in self.records if r.live]
        else:
            records = [
                r
                for r in self.records
                if r.run_id == failed.run_id and r.version == failed.version
            ]
            if not records:
                return  # a run the window removed or replaced
        for record in records:
            self._fail_run(record, failed.reason)
        self.failed.emit(failed.reason)

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
        if self._sweep is not None:
            # Not sent again: the sweep may be what killed it.
            tag, self._sweep = self._sweep, None
            self.sweepDone.emit(tag, None)
        if self._basins is not None:
            # Not sent again either: a map of many starts may be what killed it.
            tag, self._basins = self._basins, None
            self.basinsDone.emit(tag, None, message)
        stopped = [record for record in self.records if record.live]
        for record in stopped:
            self._fail_run(record, f"{message}; the run stopped at step {record.steps:,}")
        if len(stopped) == 1:
            message = stopped[0].message
        elif stopped:
            message = f"{message}; {len(stopped)} runs stopped"
        self.failed.emit(message)

    def _replace_engine(self) -> None:
        """Start a new engine in place of a dead one and give it what the old one had."""
        self._engine.stop()
        self._engine = self._launch()
        self._engines[:] = [self._engine]
        self._engine.send(SetSpeed(self._speed))
        if self._grids is not None:
            if self._grids_resent:
                # It died again with this request pending: the request may be the cause.
                tag = self._grids[0]
                self._grids = None
                self.gridsReady.emit(tag, None)
            else:
                self._grids_resent = True
                self._engine.send(MakeGrids(*self._grids))

    def _fail_run(self, record: RunRecord, reason: str) -> None:
        if record.live:
            record.fail(reason)
            self.runFailed.emit(record.run_id, reason)
        if not self.live:
            self.running = False


def _seeded(config: DescentConfig) -> DescentConfig:
    """Return ``config`` with a seed: a job over many runs (a sweep, a map) shares one."""
    if config.seed is not None:
        return config
    return config.replace(seed=int(np.random.SeedSequence().generate_state(1)[0]))
