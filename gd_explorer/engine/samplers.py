"""Which rows each step uses: all (batch), one (stochastic) or a few (mini-batch).

Random rows are drawn from a seeded ``numpy.random.Generator`` in blocks of
a fixed size, so the sequence depends only on the seed, never on how a
caller splits a run into chunks.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_BLOCK = 4096


class BatchSampler:
    """Every step uses all rows."""

    def next(self) -> None:
        """Return None: the full dataset."""
        return None


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
