"""The descent loop's own process: paces a race of runs and sends frames down a pipe.

Descent runs in a child process rather than a thread of the window's process:
a busy Python thread holds the interpreter lock, and Qt's painting calls back
into Python thousands of times a frame, each call waiting for the lock — in a
thread, an unlimited-speed run cut the window to a few frames per second.

No Qt here. The window's side (``gd_explorer.worker``) sends the commands of
``gd_explorer.messages`` and receives its replies: a :class:`Frame` with every
run's new steps, :class:`Probed`, :class:`Grids`, :class:`Failed` (a command or
a step raised: that run, or the race, is over, the process carries on), the
sweep's :class:`SweepProgress` and :class:`SweepDone`, the basins map's
:class:`BasinsProgress` and :class:`BasinsDone`, and :class:`Bye`; as a
process of its own (:func:`engine_main`) it first says :class:`Hello`.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from gd_explorer.engine import CostModel, Descent, basins, cost_grid
from gd_explorer.engine.sweep import learning_rate_sweep
from gd_explorer.messages import (
    Ack,
    AddRun,
    BasinsDone,
    BasinsProgress,
    Bye,
    CancelBasins,
    CancelSweep,
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
    Reply,
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

#: Seconds between frames: about one screen refresh.
TICK_S = 0.016
#: Share of a tick an unlimited-speed race computes for; the rest answers commands.
BUSY_SHARE = 0.85
#: Seconds one call into the engine may take, so commands are never kept waiting.
CHUNK_S = 0.002


def _reason(error: Exception) -> str:
    return f"the engine could not go on: {type(error).__name__}: {error}"


class Lane:
    """One run of the race as the engine steps it."""

    def __init__(self, spec: RunSpec, problem: CostModel) -> None:
        self.run_id = spec.run_id
        self.version = spec.version
        self.descent = Descent(problem, spec.config)
        self.sent = 0  # index of the next point to send
        self.chunk = 64  # steps per call into the engine at unlimited speed
        # Seconds this run spent past its share of earlier ticks, taken from its next
        # shares: a run whose single step takes longer than its share sits out ticks
        # until it is paid back, so it never holds up the frames of the others for long.
        self.debt = 0.0

    @property
    def live(self) -> bool:
        """Return whether the run still steps."""
        return not self.descent.done

    def unsent(self) -> bool:
        """Return whether the window lacks some of this run's points or its end."""
        return self.sent <= self.descent.step or self.descent.done

    def frame(self, settle: bool = True) -> RunFrame:
        """Return the points not sent yet, and note them as sent.

        ``settle`` False leaves the last cost as it is: for a run that just raised,
        whose cost may raise again.
        """
        descent = self.descent
        if settle:
            descent.settle()  # the window draws this point: its cost is the exact one
        chunk = descent.since(self.sent)
        self.sent = descent.step + 1
        return RunFrame(
            self.run_id,
            chunk.first,
            chunk.params,
            chunk.cost,
            chunk.grad,
            chunk.rows,
            descent.step,
            descent.status,
            descent.message,
            descent.diverged_at,
            chunk.cost_exact,
            self.version,
        )


class Pacer:
    """The race: steps its runs at the chosen speed and sends what the window needs.

    At a set speed every live run takes the same number of steps each tick
    (lockstep). At unlimited speed each live run gets at least an equal share of
    the tick's computing time, so a slow run takes fewer steps, not the frames of
    the others with it.
    """

    def __init__(self, frames: Connection) -> None:
        self._frames = frames
        self._send_lock = threading.Lock()
        self.grid_maker = GridMaker(self.send)
        self.sweeper = Sweeper(self.send)
        self.basins_maker = BasinsMaker(self.send)
        self.lanes: dict[int, Lane] = {}
        self.problem: CostModel | None = None
        self.generation = 0
        self.paused = True
        self.speed = 0.0  # steps per second; 0 is unlimited
        self.drawn = True  # the window drew the last frame sent
        self.probes = 0
        self._budget = 0.0
        self._clock = time.perf_counter()
        self._next_tick = self._clock

    def send(self, message: Reply) -> None:
        """Send ``message`` to the window (from any of this process's threads)."""
        with self._send_lock:
            self._frames.send(message)

    def close(self) -> None:
        """Stop the threads working aside."""
        self.grid_maker.close()
        self.sweeper.close()
        self.basins_maker.close()

    # Commands.

    def dispatch(self, command: Any) -> None:
        """Carry out ``command`` (one of ``gd_explorer.messages``)."""
        handler = _HANDLERS.get(type(command))
        if handler is None:
            raise TypeError(f"unknown command {type(command).__name__}")
        handler(self, command)

    def start_race(self, command: StartRace) -> None:
        """Begin a new race, replacing any other, and send its starting points."""
        # The generation first: a run that cannot even start fails under its own number.
        self.generation = command.generation
        self.lanes = {}
        self.problem = command.problem
        self.paused = command.paused
        for spec in command.runs:
            self._open(spec)
        self.drawn = True
        self._restart_clock()
        self._send()

    def add_run(self, command: AddRun | ReplaceRun) -> None:
        """Add a run to the race (a new race if the window moved on to another)."""
        if command.generation != self.generation:
            self.generation = command.generation
            self.lanes = {}
        self.problem = command.problem
        if self.paused and not command.paused:
            self._restart_clock()
        self.paused = command.paused
        self._open(command.run)

    def replace_run(self, command: ReplaceRun) -> None:
        """Start one run again with new settings, in its place in the race."""
        order = list(self.lanes)
        self.lanes.pop(command.run.run_id, None)
        self.add_run(command)
        if command.run.run_id in order and command.run.run_id in self.lanes:
            lanes = self.lanes
            self.lanes = {key: lanes[key] for key in order if key in lanes}

    def remove_run(self, command: RemoveRun) -> None:
        """Drop one run; the others carry on."""
        if command.generation == self.generation:
            self.lanes.pop(command.run_id, None)

    def pause(self, _: Pause | None = None) -> None:
        """Stop stepping until resumed."""
        self.paused = True

    def resume(self, _: Resume | None = None) -> None:
        """Carry on stepping."""
        self.paused = False
        self._restart_clock()

    def step(self, _: Step | None = None) -> None:
        """Pause, take exactly one step of every live run and send them."""
        self.paused = True
        for lane in self._live():
            self._guarded(lane, lane.descent.advance, 1)
        if any(lane.unsent() for lane in self.lanes.values()):
            self._send()

    def set_speed(self, command: SetSpeed) -> None:
        """Set steps per second, 0 for as fast as possible."""
        self.speed = max(0.0, float(command.steps_per_second))
        self._restart_clock()

    def set_problem(self, command: SetProblem) -> None:
        """Carry on the live runs on edited data."""
        self.problem = command.problem
        for lane in self._live():
            self._guarded(lane, lane.descent.set_problem, command.problem)

    def discard(self, _: Discard | None = None) -> None:
        """Drop the race."""
        self.lanes = {}

    def ack(self, _: Ack | None = None) -> None:
        """Note that the window drew the last frame, so the next may be sent."""
        self.drawn = True

    def probe(self, _: Probe | None = None) -> None:
        """Report the step counts after the next tick."""
        self.probes += 1

    def grids(self, command: MakeGrids) -> None:
        """Have the window's maps computed, on their own thread (see :class:`GridMaker`)."""
        self.grid_maker.request(command.tag, command.problem, list(command.axes))

    def sweep(self, command: StartSweep) -> None:
        """Start a learning-rate sweep on its own thread (see :class:`Sweeper`)."""
        self.sweeper.request(command)

    def cancel_sweep(self, _: CancelSweep | None = None) -> None:
        """Stop the sweep under way; it sends what it has."""
        self.sweeper.cancel()

    def basins(self, command: StartBasins) -> None:
        """Start a basins map on its own thread (see :class:`BasinsMaker`)."""
        self.basins_maker.request(command)

    def cancel_basins(self, _: CancelBasins | None = None) -> None:
        """Stop the basins map under way; it answers with no result."""
        self.basins_maker.cancel()

    def fail(self, error: Exception) -> None:
        """End the race because ``error`` was raised, and tell the window why.

        The steps already taken are sent first, so the window keeps all of them.
        """
        try:
            self._send()
        except (EOFError, OSError):
            raise  # the window has gone
        except Exception:  # the race is broken; its reason is sent below
            pass
        self.lanes = {}
        self.paused = True
        self.send(Failed(self.generation, None, _reason(error)))

    # Runs.

    def _open(self, spec: RunSpec) -> None:
        if self.problem is None:
            raise ValueError("no problem to run on: start a race first")
        try:
            self.lanes[spec.run_id] = Lane(spec, self.problem)
        except (EOFError, OSError):
            raise
        except Exception as error:  # this run cannot start; the others can
            self.lanes.pop(spec.run_id, None)
            self.send(Failed(self.generation, spec.run_id, _reason(error), spec.version))

    def _live(self) -> list[Lane]:
        return [lane for lane in self.lanes.values() if lane.live]

    def _guarded(self, lane: Lane, call: Callable[..., Any], *args: Any) -> bool:
        """Call ``call(*args)`` for ``lane``; if it raises, that run alone fails."""
        try:
            call(*args)
        except (EOFError, OSError):
            raise  # the pipes: the window's process has gone
        except Exception as error:
            traceback.print_exc(file=sys.stderr)  # for a bug report
            self._fail_lane(lane, error)
            return False
        return True

    def _fail_lane(self, lane: Lane, error: Exception) -> None:
        """End one run; its steps so far are sent first, the others carry on."""
        try:
            if lane.unsent():
                self._send([lane], drop=False, settle=False)
        except (EOFError, OSError):
            raise
        except Exception:  # the run is broken; its reason is sent below
            pass
        self.lanes.pop(lane.run_id, None)
        self.send(Failed(self.generation, lane.run_id, _reason(error), lane.version))

    # Pacing.

    def _restart_clock(self) -> None:
        self._clock = time.perf_counter()
        self._budget = 0.0
        for lane in self.lanes.values():
            lane.debt = 0.0

    def _unsent(self) -> bool:
        return any(lane.unsent() for lane in self.lanes.values())

    def wait_time(self) -> float | None:
        """Return how long to wait for commands before the next tick (None: until one)."""
        if self.drawn and self._unsent():
            return 0.0
        busy = not self.paused and any(lane.live for lane in self.lanes.values())
        if not (busy or self.probes):
            return None  # nothing to do until a command (or the window's ack) comes
        return max(0.0, self._next_tick - time.perf_counter())

    def tick(self) -> None:
        """Advance the runs by what this tick owes, and send a frame if one is due."""
        now = time.perf_counter()
        if now >= self._next_tick:
            self._next_tick = now + TICK_S
            self._advance(now)
            if self.probes:
                self.probes -= 1
                runs = tuple((lane.run_id, lane.descent.step) for lane in self.lanes.values())
                self.send(Probed(runs[0][1] if runs else -1, runs))
        # Not tied to the tick: the window's ack may come at any moment.
        if self.drawn and self._unsent():
            self._send()

    def _advance(self, now: float) -> None:
        if self.paused:
            return
        live = self._live()
        if not live:
            return
        if self.speed > 0:
            # Whole steps owed at this pace, the same for every run; fractions carry
            # over (1 step/s works).
            self._budget += (now - self._clock) * self.speed
            self._clock = now
            owed = int(self._budget)
            self._budget -= owed
            if owed:
                for lane in live:
                    self._guarded(lane, lane.descent.advance, owed)
            return
        deadline = now + BUSY_SHARE * TICK_S
        least = BUSY_SHARE * TICK_S / len(live)
        for index, lane in enumerate(live):
            start = time.perf_counter()
            # What is left shared by the runs still to go: one that ends early or
            # sits out leaves its time to the others; and each gets its 1/N even
            # when one before it overran.
            share = max((deadline - start) / (len(live) - index), least)
            budget = share - lane.debt
            if budget <= 0.0:
                lane.debt = -budget
                continue
            self._guarded(lane, self._compute, lane, start + budget)
            lane.debt = max(time.perf_counter() - start - budget, 0.0)

    @staticmethod
    def _compute(lane: Lane, until: float) -> None:
        descent = lane.descent
        while not descent.done and (start := time.perf_counter()) < until:
            descent.advance(lane.chunk)
            elapsed = max(time.perf_counter() - start, 1e-6)
            lane.chunk = max(1, min(int(lane.chunk / elapsed * CHUNK_S), 1 << 16))

    def _send(
        self, lanes: Iterable[Lane] | None = None, drop: bool = True, settle: bool = True
    ) -> None:
        """Send one frame with the new points of ``lanes`` (default: every run)."""
        chosen = list(self.lanes.values() if lanes is None else lanes)
        runs = tuple(lane.frame(settle) for lane in chosen if lane.unsent())
        if not runs:
            return
        if drop:
            for run in runs:
                if run.done:  # its end is sent: nothing more will come of it
                    self.lanes.pop(run.run_id, None)
        self.drawn = False
        done = not any(lane.live for lane in self.lanes.values())
        self.send(Frame(self.generation, runs, done))


_HANDLERS: dict[type, Callable[[Pacer, Any], None]] = {
    StartRace: Pacer.start_race,
    AddRun: Pacer.add_run,
    RemoveRun: Pacer.remove_run,
    ReplaceRun: Pacer.replace_run,
    Pause: Pacer.pause,
    Resume: Pacer.resume,
    Step: Pacer.step,
    SetSpeed: Pacer.set_speed,
    SetProblem: Pacer.set_problem,
    Discard: Pacer.discard,
    Ack: Pacer.ack,
    Probe: Pacer.probe,
    MakeGrids: Pacer.grids,
    StartSweep: Pacer.sweep,
    CancelSweep: Pacer.cancel_sweep,
    StartBasins: Pacer.basins,
    CancelBasins: Pacer.cancel_basins,
}


class GridMaker:
    """Computes the window's cost maps on a thread of their own, newest request first.

    A map of large logistic data takes seconds. Made by the loop that reads commands,
    it kept the window's next command (a pickled dataset of a megabyte, more than a
    pipe holds) waiting, and the window with it; it also stopped the run. Here, a
    request that arrives while another waits replaces it: the window only wants the
    map of its newest data.
    """

    def __init__(self, send: Callable[[Reply], None]) -> None:
        self._send = send
        self._wake = threading.Condition()
        self._request: tuple[int, CostModel, list[tuple[Any, Any]]] | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="cost maps", daemon=True)
        self._thread.start()

    def request(self, tag: int, problem: CostModel, axes: list[tuple[Any, Any]]) -> None:
        """Ask for ``cost_grid(problem, m, b)`` over each ``(m, b)`` of ``axes``."""
        with self._wake:
            self._request = (tag, problem, axes)
            self._wake.notify()

    def close(self) -> None:
        """Stop once the map being computed (if any) is done; requests waiting are dropped."""
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _serve(self) -> None:
        while True:
            with self._wake:
                while self._request is None and not self._closed:
                    self._wake.wait()
                request, self._request = self._request, None
                if self._closed or request is None:
                    return
            tag, problem, axes = request
            try:
                costs: list[Any] | None = [cost_grid(problem, m, b) for m, b in axes]
            except Exception:  # whatever it was, the window says so
                costs = None  # the window says the maps could not be made
            try:
                self._send(Grids(tag, costs))
            except (BrokenPipeError, OSError):
                return  # the window has gone


class _Jobs:
    """Runs one long job at a time (a sweep, a map) on a thread of its own.

    A new request cancels the job under way and replaces one still waiting; a job is
    cancelled between its chunks of work. Subclasses say how a job runs and how it is
    answered when it never ran.
    """

    #: What the thread is called.
    name = "jobs"

    def __init__(self, send: Callable[[Reply], None]) -> None:
        self._send = send
        self._wake = threading.Condition()
        self._waiting: Any = None
        self._cancel = threading.Event()  # of the job under way
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
        self._thread.start()

    def request(self, command: Any) -> None:
        """Start ``command``'s job once the one under way (cancelled now) has stopped."""
        with self._wake:
            self._cancel.set()
            replaced, self._waiting = self._waiting, command
            self._wake.notify()
        if replaced is not None:
            self._replaced(replaced)

    def cancel(self) -> None:
        """Cancel the job under way and any waiting."""
        with self._wake:
            self._cancel.set()
            waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._send(self._unanswered(waiting.tag, "cancelled before it began"))

    def close(self) -> None:
        """Stop: the job under way is cancelled, one waiting dropped."""
        with self._wake:
            self._closed = True
            self._cancel.set()
            self._wake.notify()

    def _serve(self) -> None:
        while True:
            with self._wake:
                while self._waiting is None and not self._closed:
                    self._wake.wait()
                command, self._waiting = self._waiting, None
                if self._closed or command is None:
                    return
                self._cancel = cancel = threading.Event()
            try:
                self._run(command, cancel)
            except (BrokenPipeError, OSError):
                return  # the window has gone

    def _replaced(self, command: Any) -> None:
        """Answer a waiting request that a newer one replaced (by default: not at all)."""

    def _unanswered(self, tag: int, reason: str) -> Reply:
        raise NotImplementedError

    def _run(self, command: Any, cancel: threading.Event) -> None:
        raise NotImplementedError


class Sweeper(_Jobs):
    """Runs learning-rate sweeps on a thread of their own, so the race keeps its frames.

    A new sweep cancels the one under way (which sends its partial result) and
    replaces one still waiting (which sends nothing: the window wants the newest).
    """

    name = "sweeps"

    def _unanswered(self, tag: int, reason: str) -> Reply:
        return SweepDone(tag, None, reason)

    def _run(self, command: StartSweep, cancel: threading.Event) -> None:
        tag = command.tag

        def progress(done: int, total: int) -> bool:
            self._send(SweepProgress(tag, done, total))
            return not cancel.is_set()

        try:
            result = learning_rate_sweep(
                command.problem, command.config, command.rates, progress=progress
            )
        except (BrokenPipeError, OSError):
            raise
        except Exception as error:  # the window says the sweep could not be made
            self._send(SweepDone(tag, None, _reason(error)))
            return
        self._send(SweepDone(tag, result))


class BasinsMaker(_Jobs):
    """Makes basins maps on a thread of their own, so the race keeps its frames.

    The map reports progress after each chunk of steps and checks for a cancel
    between chunks. A new map cancels the one under way and replaces one still
    waiting; a cancelled or replaced map answers :class:`BasinsDone` with no result.
    """

    name = "basins"

    def _replaced(self, command: StartBasins) -> None:
        self._send(BasinsDone(command.tag, None, "replaced by a newer map"))

    def _unanswered(self, tag: int, reason: str) -> Reply:
        return BasinsDone(tag, None, reason)

    def _run(self, command: StartBasins, cancel: threading.Event) -> None:
        tag = command.tag

        def progress(done: int, total: int) -> None:
            self._send(BasinsProgress(tag, done, total))

        try:
            result = basins(
                command.problem,
                command.config,
                command.starts,
                shape=command.shape,
                domain=command.domain,
                progress=progress,
                cancelled=cancel.is_set,
            )
        except (BrokenPipeError, OSError):
            raise
        except Exception as error:  # the window says the map could not be made
            self._send(BasinsDone(tag, None, _reason(error)))
            return
        if not result.complete:
            self._send(BasinsDone(tag, None, "cancelled"))
            return
        self._send(BasinsDone(tag, result))


_MAIN_SWAP = threading.Lock()


@contextmanager
def main_left_alone() -> Iterator[None]:
    """Start spawned processes without running the parent's main script again in them.

    To start a child, multiprocessing's spawn method tells it the parent's ``__main__``
    (by module name, from its ``__spec__``, or by file, from its ``__file__``) and the
    child imports it first, so that functions defined there can be unpickled. The
    engine's process needs nothing from it, and a script without an
    ``if __name__ == "__main__":`` guard (a teacher's script that calls
    ``gd_explorer.explore``) would run again in the child, open a window there and fail.
    While the block runs, ``__main__`` is a bare module with neither, as in an
    interactive session: the child imports nothing but what its target needs.
    """
    with _MAIN_SWAP:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is None:
                del sys.modules["__main__"]
            else:
                sys.modules["__main__"] = main


def serve(commands: Connection, frames: Connection) -> None:
    """Run descent for the window until told to stop or the window goes away.

    A step that raises ends that run as failed, a command that raises the race;
    the window is told why and the process itself carries on, ready for the next.
    """
    pacer = Pacer(frames)
    try:
        while True:
            try:
                if not _serve_once(pacer, commands):
                    return
            except (EOFError, OSError):
                raise  # the pipes: the window's process has gone
            except Exception as error:  # any fault ends only the race
                traceback.print_exc(file=sys.stderr)  # for a bug report
                pacer.fail(error)
    except (EOFError, OSError, KeyboardInterrupt):
        return  # the window's process has gone
    finally:
        pacer.close()


def _serve_once(pacer: Pacer, commands: Connection) -> bool:
    """Carry out the commands waiting (or wait for one) and tick; False on ``Stop``."""
    if commands.poll(pacer.wait_time()):
        while commands.poll():
            command = commands.recv()
            if isinstance(command, Stop):
                pacer.send(Bye())
                return False
            pacer.dispatch(command)
    pacer.tick()
    return True


def engine_main(commands: Connection, frames: Connection) -> None:
    """Serve as the engine's own process: :func:`serve`, deaf to Ctrl+C.

    Ctrl+C in a terminal reaches every process of the program; the window
    decides how to end and stops this process itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        frames.send(Hello())  # the window knows this process came up
    except (EOFError, OSError):
        return  # the window has gone already
    serve(commands, frames)
