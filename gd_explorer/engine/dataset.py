"""The data a model is fitted to: immutable x and y columns."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine import atomic, csvio

FloatArray = NDArray[np.float64]

#: The largest |value| a dataset takes. A square is then at most 1e200 and a sum of
#: squares over any number of rows that fits in memory stays far below the largest
#: double (1.8e308), as do the products m·x the costs form for any slope of a size the
#: data can call for. Physical quantities stay far inside it (the atoms in the
#: observable universe number about 1e80); 1e154 and above would overflow a square.
MAX_MAGNITUDE = 1e100
#: Why a larger value is refused and what to do, as every refusal of one says it.
MAGNITUDE_RULE = (
    f"values must lie within ±{MAX_MAGNITUDE:g}, so that their squares and sums of squares "
    "stay finite numbers; rescale the column (measure it in larger units)"
)


class DatasetError(ValueError):
    """Data that cannot be used, with a message a person can act on."""


def _column(values: ArrayLike, name: str) -> FloatArray:
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise DatasetError(f"{name} must contain only numbers ({error})") from None
    if array.ndim != 1:
        raise DatasetError(f"{name} must be a single column of numbers, got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        where = ", ".join(str(int(i) + 1) for i in bad[:5])
        more = f" and {bad.size - 5} more" if bad.size > 5 else ""
        raise DatasetError(
            f"{name} has {array[bad[0]]} in row {where}{more}: every value must be a finite number"
        )
    huge = np.flatnonzero(np.abs(array) > MAX_MAGNITUDE)
    if huge.size:
        first = int(huge[0])
        more = ""
        if huge.size > 1:
            more = f" (and {huge.size - 1} more row{'s' if huge.size > 2 else ''})"
        raise DatasetError(
            f"{name} in row {first + 1} is {array[first]:g}{more}: {MAGNITUDE_RULE}"
        )
    array.setflags(write=False)
    return array


class Dataset:
    """Paired observations ``x`` and ``y``; editing returns a new dataset.

    Parameters
    ----------
    x, y : array_like
        One-dimensional, equal length, at least two points, all finite.
    name : str
        A label shown to the user.

    Raises
    ------
    DatasetError
        If the columns cannot be used; the message says what to change.
    """

    __slots__ = ("_x", "_y", "_name")

    MIN_POINTS = 2

    def __init__(self, x: ArrayLike, y: ArrayLike, name: str = "") -> None:
        xs = _column(x, "x")
        ys = _column(y, "y")
        if xs.size != ys.size:
            raise DatasetError(
                f"x has {xs.size} values but y has {ys.size}: every point needs both"
            )
        if xs.size < self.MIN_POINTS:
            raise DatasetError(
                f"a dataset needs at least {self.MIN_POINTS} points to fit a line, got {xs.size}"
            )
        self._x = xs
        self._y = ys
        self._name = str(name)

    @property
    def x(self) -> FloatArray:
        """The inputs (read-only)."""
        return self._x

    @property
    def y(self) -> FloatArray:
        """The targets (read-only)."""
        return self._y

    @property
    def name(self) -> str:
        """A label for the user."""
        return self._name

    def __len__(self) -> int:
        return int(self._x.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            self._name == other._name
            and np.array_equal(self._x, other._x)
            and np.array_equal(self._y, other._y)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Dataset(n={len(self)}, name={self._name!r})"

    # Edits: each returns a new dataset, so a running descent never sees data change.

    def with_point(self, x: float, y: float) -> Dataset:
        """Return a copy with the point (x, y) appended."""
        return Dataset(np.append(self._x, x), np.append(self._y, y), self._name)

    def moved(self, index: int, x: float, y: float) -> Dataset:
        """Return a copy with point ``index`` moved to (x, y)."""
        i = self._index(index)
        xs, ys = self._x.copy(), self._y.copy()
        xs[i], ys[i] = x, y
        return Dataset(xs, ys, self._name)

    def without(self, index: int) -> Dataset:
        """Return a copy with point ``index`` removed."""
        i = self._index(index)
        if len(self) <= self.MIN_POINTS:
            raise DatasetError(
                f"cannot remove a point: a dataset needs at least {self.MIN_POINTS} points"
            )
        return Dataset(np.delete(self._x, i), np.delete(self._y, i), self._name)

    def renamed(self, name: str) -> Dataset:
        """Return a copy with another name."""
        return Dataset(self._x, self._y, name)

    def _index(self, index: int) -> int:
        n = len(self)
        if not -n <= index < n:
            raise DatasetError(f"there is no point {index}: the dataset has {n} points")
        return index % n

    # Files.

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        x: str | int | None = None,
        y: str | int | None = None,
        name: str | None = None,
        progress: csvio.Progress | None = None,
    ) -> Dataset:
        """Read a dataset from a CSV or whitespace-separated text file.

        Parameters
        ----------
        path : path-like
            The file: a regular file of at most 1 GiB (`csvio.MAX_BYTES`) and
            10^7 rows (`csvio.MAX_ROWS`), in UTF-8, UTF-16 with a byte order
            mark, or Windows-1252 / Latin-1. A header line is optional; ``#``
            starts a comment line.
        x, y : str or int, optional
            The columns to use, by header name or by 0-based index. Without
            them: the columns named ``x`` and ``y`` if the header has both,
            else the first two.
        name : str, optional
            The dataset's name; the file's stem by default.
        progress : callable, optional
            Called as ``progress(bytes_read, total_bytes)`` while reading; an
            exception it raises stops the read and is passed on unchanged.

        Raises
        ------
        DatasetError
            If the file cannot be read or parsed; the message names the line
            and the column.
        """
        path = Path(path)
        try:
            xs, ys = csvio.read_columns(path, x, y, progress)
        except FileNotFoundError:
            raise DatasetError(f"{path}: no such file") from None
        except csvio.ParseError as error:
            raise DatasetError(f"{path}: {error}") from None
        except OSError as error:
            raise DatasetError(f"{path}: cannot read ({error.strerror or error})") from None
        except MemoryError:
            raise DatasetError(f"{path}: not enough memory to read this file") from None
        try:
            return cls(xs, ys, path.stem if name is None else name)
        except DatasetError as error:
            raise DatasetError(f"{path}: {error}") from None

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write ``x,y`` with a header; values round-trip exactly.

        The file is replaced in one step, so a failed write leaves any old
        file intact.
        """
        path = Path(path)
        try:
            atomic.write_text(path, csvio.format_columns(self._x, self._y))
        except OSError as error:
            raise DatasetError(f"{path}: cannot write ({error.strerror or error})") from None


def article_dataset(labels: Sequence[float] | None = None) -> Dataset:
    """Return the eight points the original article fits (its class labels if asked)."""
    x = [1, 3, 4, 5, 6, 7, 8, 10]
    if labels is None:
        return Dataset(x, [4, 3, 7, 7, 8, 10, 8, 11], "article")
    return Dataset(x, labels, "article classes")


ARTICLE_CLASSES = (0, 0, 0, 1, 1, 1, 1, 1)
