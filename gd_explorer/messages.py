"""What the window and the engine's process say to each other, as named values.

No Qt here: both sides import this module, and the engine's process runs without Qt.
Every message is a frozen dataclass; the runner (``gd_explorer.runner``) dispatches
on a command's type and the window's relay (``gd_explorer.worker``) on a reply's.

A *race* is up to four runs on one problem, numbered by a *generation*: a new race
gets a new one, and whatever arrives under an older number is dropped. Within a race
each run has a stable ``run_id``; ``version`` counts how often the window replaced the
run's settings, so steps of the settings it had before are dropped too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gd_explorer.engine import CostModel, DescentConfig

#: The most runs a race holds.
MAX_RUNS = 4


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run of a race: its number, the version of its settings and the settings."""

    run_id: int
    config: DescentConfig
    version: int = 0


# Commands: window → engine.


@dataclass(frozen=True, slots=True)
class StartRace:
    """Begin a new race of ``runs`` on ``problem``, replacing any other."""

    generation: int
    problem: CostModel
    runs: tuple[RunSpec, ...]
    paused: bool = False


@dataclass(frozen=True, slots=True)
class AddRun:
    """Add a run to race ``generation`` (a new race when the engine is on another).

    ``problem`` comes along so that an engine started after a crash can still add it.
    """

    generation: int
    problem: CostModel
    run: RunSpec
    paused: bool = False


@dataclass(frozen=True, slots=True)
class RemoveRun:
    """Drop run ``run_id`` of race ``generation``; the others carry on."""

    generation: int
    run_id: int


@dataclass(frozen=True, slots=True)
class ReplaceRun:
    """Start run ``run.run_id`` again with new settings; the others carry on."""

    generation: int
    problem: CostModel
    run: RunSpec
    paused: bool = False


@dataclass(frozen=True, slots=True)
class Pause:
    """Stop stepping every run until resumed."""


@dataclass(frozen=True, slots=True)
class Resume:
    """Carry on stepping every live run."""


@dataclass(frozen=True, slots=True)
class Step:
    """Pause, then take exactly one step of every live run."""


@dataclass(frozen=True, slots=True)
class SetSpeed:
    """Steps per second for every run; 0 is as fast as possible."""

    steps_per_second: float


@dataclass(frozen=True, slots=True)
class SetProblem:
    """Carry on every live run on edited data."""

    problem: CostModel


@dataclass(frozen=True, slots=True)
class Discard:
    """Drop the race."""


@dataclass(frozen=True, slots=True)
class Ack:
    """The window drew the last frame: the next may be sent."""


@dataclass(frozen=True, slots=True)
class Probe:
    """Report the step counts after the next tick."""


@dataclass(frozen=True, slots=True)
class MakeGrids:
    """Compute ``cost_grid(problem, m, b)`` for each ``(m, b)`` of ``axes``."""

    tag: int
    problem: CostModel
    axes: Sequence[tuple[Any, Any]]


@dataclass(frozen=True, slots=True)
class StartSweep:
    """Run one descent per learning rate of ``rates``, otherwise as ``config``."""

    tag: int
    problem: CostModel
    config: DescentConfig
    rates: Any


@dataclass(frozen=True, slots=True)
class CancelSweep:
    """Stop the sweep under way (if any); its partial result is sent."""


@dataclass(frozen=True, slots=True)
class StartBasins:
    """Run ``config`` from every start of ``starts`` at once: a basins map.

    ``shape`` and ``domain`` describe starts on a grid (``engine.grid_starts``).
    """

    tag: int
    problem: CostModel
    config: DescentConfig
    starts: Any
    shape: tuple[int, int] | None = None
    domain: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class CancelBasins:
    """Stop the basins map under way (if any); it answers with no result."""


@dataclass(frozen=True, slots=True)
class Stop:
    """End the engine's process; it answers :class:`Bye`."""


# Replies: engine → window.


@dataclass(frozen=True, slots=True)
class Hello:
    """The engine's process came up and serves."""


@dataclass(frozen=True, slots=True)
class Bye:
    """The engine's process was told to stop and is stopping."""


@dataclass(frozen=True, slots=True)
class RunFrame:
    """The steps one run took since its previous frame.

    ``first`` is the index of ``params[0]`` in the run (0 is the start); ``grad`` has
    one row per step, so one fewer than ``params`` when ``first`` is 0. ``rows`` are
    the rows sampled by the last step. ``cost_exact`` says which costs are exact (the
    last always is; see ``Trajectory``); None: all of them.
    """

    run_id: int
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
    version: int = 0

    @property
    def done(self) -> bool:
        """Return whether the run has ended."""
        return self.status != "running"


@dataclass(frozen=True, slots=True)
class Frame:
    """What the runs of race ``generation`` did since the previous frame.

    ``runs`` has one :class:`RunFrame` per run that moved (or ended), in run order;
    ``done`` says whether every run of the race has ended.

    The properties below are the single-run shorthand of the window of one run: the
    values of the first run in ``runs``.
    """

    generation: int
    runs: tuple[RunFrame, ...]
    done: bool = False

    def _first_run(self) -> RunFrame:
        if not self.runs:
            raise ValueError("this frame carries no run")
        return self.runs[0]

    @property
    def first(self) -> int:
        """Single-run shorthand: ``first`` of the first run."""
        return self._first_run().first

    @property
    def params(self) -> NDArray[np.float64]:
        """Single-run shorthand: ``params`` of the first run."""
        return self._first_run().params

    @property
    def cost(self) -> NDArray[np.float64]:
        """Single-run shorthand: ``cost`` of the first run."""
        return self._first_run().cost

    @property
    def grad(self) -> NDArray[np.float64]:
        """Single-run shorthand: ``grad`` of the first run."""
        return self._first_run().grad

    @property
    def rows(self) -> int | NDArray[np.intp] | None:
        """Single-run shorthand: ``rows`` of the first run."""
        return self._first_run().rows

    @property
    def steps(self) -> int:
        """Single-run shorthand: ``steps`` of the first run."""
        return self._first_run().steps

    @property
    def status(self) -> str:
        """Single-run shorthand: ``status`` of the first run."""
        return self._first_run().status

    @property
    def message(self) -> str:
        """Single-run shorthand: ``message`` of the first run."""
        return self._first_run().message

    @property
    def diverged_at(self) -> int | None:
        """Single-run shorthand: ``diverged_at`` of the first run."""
        return self._first_run().diverged_at

    @property
    def cost_exact(self) -> NDArray[np.bool_] | None:
        """Single-run shorthand: ``cost_exact`` of the first run."""
        return self._first_run().cost_exact


@dataclass(frozen=True, slots=True)
class Probed:
    """Step counts after a tick: ``runs`` pairs each live run's id with its steps.

    ``steps`` is the single-run shorthand: the first live run's steps, -1 without one.
    """

    steps: int
    runs: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Grids:
    """The cost maps of request ``tag``; None when they could not be made."""

    tag: int
    costs: list[Any] | None


@dataclass(frozen=True, slots=True)
class Failed:
    """A run of race ``generation`` ended because the engine raised.

    ``run_id`` None: the whole race ended (a command raised). ``version`` is the run's.
    """

    generation: int
    run_id: int | None
    reason: str
    version: int = 0


@dataclass(frozen=True, slots=True)
class SweepProgress:
    """Sweep ``tag`` has finished ``done`` of its ``total`` runs."""

    tag: int
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class SweepDone:
    """Sweep ``tag`` ended: its result (``complete`` False if cancelled), None if it failed."""

    tag: int
    result: Any
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BasinsProgress:
    """Basins map ``tag`` has taken ``done`` of its ``total`` steps (from every start)."""

    tag: int
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class BasinsDone:
    """Basins map ``tag`` ended: its ``engine.Basins``, or None (cancelled, failed: ``reason``)."""

    tag: int
    result: Any
    reason: str = ""


Command = (
    StartRace
    | AddRun
    | RemoveRun
    | ReplaceRun
    | Pause
    | Resume
    | Step
    | SetSpeed
    | SetProblem
    | Discard
    | Ack
    | Probe
    | MakeGrids
    | StartSweep
    | CancelSweep
    | StartBasins
    | CancelBasins
    | Stop
)
Reply = (
    Hello
    | Bye
    | Frame
    | Probed
    | Grids
    | Failed
    | SweepProgress
    | SweepDone
    | BasinsProgress
    | BasinsDone
)
