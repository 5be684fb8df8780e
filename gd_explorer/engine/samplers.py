"""Which rows each step uses: all (batch), one (stochastic) or a few (mini-batch).

Random rows are drawn from a seeded ``numpy.random.Generator`` in blocks of
a fixed size, so the sequence depends only on the seed, never on how a
caller splits a run into chunks.
"""

from __future__ import annotations

import copy

import numpy as np
from numpy.typing import NDArray

_BLOCK = 4096
#: A replay keeps at most about this many snapshots of a sampler's state.
_SNAPSHOTS = 256
#: Rows a run may draw in all for its replay to draw them again: the first jump to its
#: end takes about 0.4 s at this many (about 20 to 40 ns a row), later jumps milliseconds.
REPLAY_BUDGET = 10_000_000


class BatchSampler:
    """Every step uses all rows."""

    def next(self) -> None:
        """Return None: the full dataset."""
        return None

    def skip(self, steps: int) -> None:
        """Pass over ``steps`` steps (nothing to draw)."""


class StochasticSampler:
    """Every step uses one row, uniformly at random."""

    def __init__(self, n: int, rng: np.random.Generator) -> None:
        self._n = n
        self.rng = rng
        self._block: list[int] = []
        self._pos = 0

    def next(self) -> int:
        """Return the row index for the next step."""
        if self._pos == len(self._block):
            self._block = self.rng.integers(0, self._n, size=_BLOCK).tolist()
            self._pos = 0
        row = self._block[self._pos]
        self._pos += 1
        return row

    def __deepcopy__(self, memo: dict[int, object]) -> StochasticSampler:
        # A shallow copy of the block: its ints are immutable (deepcopy visits each).
        clone = copy.copy(self)
        clone.rng = copy.deepcopy(self.rng, memo)
        clone._block = list(self._block)
        return clone

    def skip(self, steps: int) -> None:
        """Pass over ``steps`` steps' rows, drawing whole blocks at once (for replays)."""
        while steps > len(self._block) - self._pos:
            steps -= len(self._block) - self._pos
            self._block = self.rng.integers(0, self._n, size=_BLOCK).tolist()
            self._pos = 0
        self._pos += steps


class MiniBatchSampler:
    """Every step uses ``size`` distinct rows, uniformly at random."""

    def __init__(self, n: int, size: int, rng: np.random.Generator) -> None:
        self._n = n
        self._size = size
        self.rng = rng
        self._block = np.empty((0, size), dtype=np.intp)
        self._pos = 0

    def _refill(self) -> None:
        n, size, rng = self._n, self._size, self.rng
        count = max(1, _BLOCK // size)
        if 2 * size > n:
            # Dense batches: rejection would redraw most rows. The first `size` of a
            # random ordering (argsort of uniform keys) are distinct and uniform.
            block = np.argsort(rng.random((count, n)), axis=1)[:, :size]
        else:
            block = rng.integers(0, n, size=(count, size))
            ordered = np.sort(block, axis=1)
            repeats = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
            for i in repeats:
                block[i] = rng.choice(n, size, replace=False)
        self._block = block.astype(np.intp)
        self._pos = 0

    def next(self) -> NDArray[np.intp]:
        """Return the row indices for the next step."""
        if self._pos == len(self._block):
            self._refill()
        rows = self._block[self._pos]
        self._pos += 1
        return rows

    def __deepcopy__(self, memo: dict[int, object]) -> MiniBatchSampler:
        clone = copy.copy(self)
        clone.rng = copy.deepcopy(self.rng, memo)
        clone._block = self._block.copy()
        return clone

    def skip(self, steps: int) -> None:
        """Pass over ``steps`` steps' rows, a block at a time (for replays)."""
        while steps > len(self._block) - self._pos:
            steps -= len(self._block) - self._pos
            self._refill()
        self._pos += steps


def make_sampler(
    variant: str, n: int, batch_size: int, rng: np.random.Generator
) -> BatchSampler | StochasticSampler | MiniBatchSampler:
    """Return the sampler of ``variant`` over ``n`` rows (batches never exceed ``n``)."""
    if variant == "stochastic":
        return StochasticSampler(n, rng)
    if variant == "minibatch":
        return MiniBatchSampler(n, min(batch_size, n), rng)
    return BatchSampler()


class ReplayedRows:
    """The rows each step of a seeded run used, drawn again on demand.

    What a sampler draws depends only on its seed and the number of rows, never on
    where the descent is, so any step's rows can be drawn again exactly. Snapshots of
    the sampler every so many steps make a jump to any step cost at most that many
    draws; they are taken as the replay first passes them.

    Parameters
    ----------
    variant, n, batch_size, seed
        As the run had them (the run's data must not have changed during it).
    steps : int
        The run's length, to space the snapshots.
    every : int, optional
        Steps between snapshots; by default about ``steps / 256``, at least 1024.
    """

    def __init__(
        self,
        variant: str,
        n: int,
        batch_size: int,
        seed: int,
        steps: int,
        every: int | None = None,
    ) -> None:
        self._sampler = make_sampler(variant, n, batch_size, np.random.default_rng(seed))
        self._every = every if every is not None else max(1024, -(-steps // _SNAPSHOTS))
        if self._every < 1:
            raise ValueError(f"snapshots must be at least 1 step apart, not {self._every}")
        self._snapshots = [copy.deepcopy(self._sampler)]  # [j]: after j·every steps
        rows_per_step = min(batch_size, n) if variant == "minibatch" else 1
        #: Whether the run draws at most REPLAY_BUDGET rows in all. Long runs of large
        #: batches do not: finding their rows again would take seconds.
        self.affordable = steps * rows_per_step <= REPLAY_BUDGET

    def at(self, step: int) -> int | NDArray[np.intp] | None:
        """Return the rows that step ``step`` (1 = the first step) used.

        None for step 0 (no step was taken yet) and for batch descent (all rows).
        """
        if step < 1 or isinstance(self._sampler, BatchSampler):
            return None
        every, snapshots = self._every, self._snapshots
        nearest = (step - 1) // every  # the snapshot at or before step - 1 steps' draws
        sampler = copy.deepcopy(snapshots[min(nearest, len(snapshots) - 1)])
        while len(snapshots) - 1 < nearest:  # snapshots not taken yet on the way
            sampler.skip(every)
            snapshots.append(copy.deepcopy(sampler))
        sampler.skip(step - 1 - nearest * every)
        rows = sampler.next()
        return rows if isinstance(rows, int) else np.array(rows, dtype=np.intp)
