"""The descent loop's own process: paces a run and sends frames down a pipe.

Descent runs in a child process rather than a thread of the window's process:
a busy Python thread holds the interpreter lock, and Qt's painting calls back
into Python thousands of times a frame, each call waiting for the lock — in a
thread, an unlimited-speed run cut the window to a few frames per second.

No Qt here. The window's side (``gd_explorer.worker``) sends commands as tuples
and receives ``("frame", ...)``, ``("probed", steps)``, ``("grids", tag, costs)``
(costs None when the maps could not be made), ``("failed", generation, reason)``
(a command or a step raised: that run is over, the process carries on) and
``("bye",)``; as a process of its own (:func:`engine_main`) it first says
``("hello",)``.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from gd_explorer.engine import CostModel, Descent, DescentConfig, cost_grid

#: Seconds between frames: about one screen refresh.
TICK_S = 0.016
#: Share of a tick an unlimited-speed run computes for; the rest answers commands.
BUSY_SHARE = 0.85
#: Seconds one call into the engine may take, so commands are never kept waiting.
CHUNK_S = 0.002


class Pacer:
    """One run at a time: steps it at the chosen speed and sends what the window needs."""

    def __init__(self, frames: Connection) -> None:
        self._frames = frames
        self._send_lock = threading.Lock()
        self.grid_maker = GridMaker(self.send)
        self.descent: Descent | None = None
        self.generation = 0
        self.paused = True
        self.speed = 0.0  # steps per second; 0 is unlimited
        self.drawn = True  # the window drew the last frame sent
        self.probes = 0
        self._budget = 0.0
        self._clock = time.perf_counter()
        self._next_tick = self._clock
        self._sent = 0  # index of the next point to send
        self._chunk = 64

    def send(self, message: tuple[Any, ...]) -> None:
        """Send ``message`` to the window (from either of this process's threads)."""
        with self._send_lock:
            self._frames.send(message)

    # Commands.

    def start(
        self, problem: CostModel, config: DescentConfig, generation: int, paused: bool
    ) -> None:
        """Begin a new run, replacing any other, and send its starting point."""
        # The generation first: a run that cannot even start fails under its own number.
        self.generation = generation
        self.descent = None
        self.descent = Descent(problem, config)
        self.paused = paused
        self._sent = 0
        self.drawn = True
        self._restart_clock()
        self._send()

    def pause(self) -> None:
        """Stop stepping until resumed."""
        self.paused = True

    def resume(self) -> None:
        """Carry on stepping."""
        self.paused = False
        self._restart_clock()

    def step(self) -> None:
        """Pause, take exactly one step and send it."""
        self.paused = True
        if self.descent is not None and not self.descent.done:
            self.descent.advance(1)
            self._send()

    def set_speed(self, steps_per_second: float) -> None:
        """Set steps per second, 0 for as fast as possible."""
        self.speed = max(0.0, float(steps_per_second))
        self._restart_clock()

    def set_problem(self, problem: CostModel) -> None:
        """Carry on the current run on edited data."""
        if self.descent is not None and not self.descent.done:
            self.descent.set_problem(problem)

    def discard(self) -> None:
        """Drop the current run."""
        self.descent = None

    def ack(self) -> None:
        """Note that the window drew the last frame, so the next may be sent."""
        self.drawn = True

    def probe(self) -> None:
        """Report the step count after the next tick."""
        self.probes += 1

    def grids(self, tag: int, problem: CostModel, axes: list[tuple[Any, Any]]) -> None:
        """Have the window's maps computed, on their own thread (see :class:`GridMaker`)."""
        self.grid_maker.request(tag, problem, axes)

    def fail(self, error: Exception) -> None:
        """End the current run because ``error`` was raised, and tell the window why.

        The steps already taken are sent first, so the window keeps all of them.
        """
        reason = f"the engine could not go on: {type(error).__name__}: {error}"
        if self.descent is not None:
            try:
                if self._unsent():
                    self._send()
            except (EOFError, OSError):
                raise  # the window has gone
            except Exception:  # the run is broken; its reason is sent below
                pass
        self.descent = None
        self.paused = True
        self.send(("failed", self.generation, reason))

    # Pacing.

    def _restart_clock(self) -> None:
        self._clock = time.perf_counter()
        self._budget = 0.0

    def _unsent(self) -> bool:
        descent = self.descent
        return descent is not None and (self._sent <= descent.step or descent.done)

    def wait_time(self) -> float | None:
        """Return how long to wait for commands before the next tick (None: until one)."""
        if self.drawn and self._unsent():
            return 0.0
        descent = self.descent
        busy = descent is not None and not descent.done and not self.paused
        if not (busy or self.probes):
            return None  # nothing to do until a command (or the window's ack) comes
        return max(0.0, self._next_tick - time.perf_counter())

    def tick(self) -> None:
        """Advance the run by what this tick owes, and send a frame if one is due."""
        now = time.perf_counter()
        if now >= self._next_tick:
            self._next_tick = now + TICK_S
            self._advance(now)
            if self.probes:
                self.probes -= 1
                self.send(("probed", -1 if self.descent is None else self.descent.step))
        # Not tied to the tick: the window's ack may come at any moment.
        if self.drawn and self._unsent():
            self._send()

    def _advance(self, now: float) -> None:
        descent = self.descent
        if descent is None or self.paused or descent.done:
            return
        if self.speed > 0:
            # Whole steps owed at this pace; fractions carry over (1 step/s works).
            self._budget += (now - self._clock) * self.speed
            self._clock = now
            owed = int(self._budget)
            self._budget -= owed
            if owed:
                descent.advance(owed)
            return
        deadline = now + BUSY_SHARE * TICK_S
        while not descent.done and (start := time.perf_counter()) < deadline:
            descent.advance(self._chunk)
            elapsed = max(time.perf_counter() - start, 1e-6)
            self._chunk = max(1, min(int(self._chunk / elapsed * CHUNK_S), 1 << 16))

    def _send(self) -> None:
        descent = self.descent
        if descent is None:
            return
        descent.settle()  # the window draws this point: its cost is the exact one
        chunk = descent.since(self._sent)
        self._sent = descent.step + 1
        self.drawn = False
        self.send(
            (
                "frame",
                self.generation,
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
            )
        )
        if descent.done:
            self.descent = None


class GridMaker:
    """Computes the window's cost maps on a thread of their own, newest request first.

    A map of large logistic data takes seconds. Made by the loop that reads commands,
    it kept the window's next command (a pickled dataset of a megabyte, more than a
    pipe holds) waiting, and the window with it; it also stopped the run. Here, a
    request that arrives while another waits replaces it: the window only wants the
    map of its newest data.
    """

    def __init__(self, send: Callable[[tuple[Any, ...]], None]) -> None:
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
                self._send(("grids", tag, costs))
            except (BrokenPipeError, OSError):
                return  # the window has gone


COMMANDS: dict[str, Callable[..., None]] = {
    "start": Pacer.start,
    "pause": Pacer.pause,
    "resume": Pacer.resume,
    "step": Pacer.step,
    "speed": Pacer.set_speed,
    "problem": Pacer.set_problem,
    "discard": Pacer.discard,
    "ack": Pacer.ack,
    "probe": Pacer.probe,
    "grids": Pacer.grids,
}


def serve(commands: Connection, frames: Connection) -> None:
    """Run descent for the window until told to stop or the window goes away.

    A command or a step that raises ends the current run as failed and the
    window is told why; the process itself carries on, ready for the next run.
    """
    pacer = Pacer(frames)
    try:
        while True:
            try:
                if not _serve_once(pacer, commands):
                    return
            except (EOFError, OSError):
                raise  # the pipes: the window's process has gone
            except Exception as error:  # any fault ends only the run
                traceback.print_exc(file=sys.stderr)  # for a bug report
                pacer.fail(error)
    except (EOFError, OSError, KeyboardInterrupt):
        return  # the window's process has gone
    finally:
        pacer.grid_maker.close()


def _serve_once(pacer: Pacer, commands: Connection) -> bool:
    """Carry out the commands waiting (or wait for one) and tick; False on ``stop``."""
    if commands.poll(pacer.wait_time()):
        while commands.poll():
            message: tuple[Any, ...] = commands.recv()
            if message[0] == "stop":
                pacer.send(("bye",))
                return False
            COMMANDS[message[0]](pacer, *message[1:])
    pacer.tick()
    return True


def engine_main(commands: Connection, frames: Connection) -> None:
    """Serve as the engine's own process: :func:`serve`, deaf to Ctrl+C.

    Ctrl+C in a terminal reaches every process of the program; the window
    decides how to end and stops this process itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        frames.send(("hello",))  # the window knows this process came up
    except (EOFError, OSError):
        return  # the window has gone already
    serve(commands, frames)
