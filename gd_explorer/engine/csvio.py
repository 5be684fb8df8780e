"""Reading and writing two numeric columns as delimited text.

Errors name the physical line (1-based) and column (1-based) of the file, so
a person can open it in an editor and go straight to the problem.
"""

from __future__ import annotations

import csv
import math

import numpy as np
from numpy.typing import NDArray

Column = str | int | None


class ParseError(ValueError):
    """Text that is not two columns of numbers; says where and why."""


def _delimiter(line: str) -> str | None:
    for candidate in (",", ";", "\t"):
        if candidate in line:
            return candidate
    return None  # any run of whitespace


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    return [field.strip() for field in next(csv.reader([line], delimiter=delimiter))]


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _resolve(wanted: Column, default: int, header: list[str] | None, width: int, role: str) -> int:
    if wanted is None:
        return default
    if isinstance(wanted, str):
        if header is None:
            raise ParseError(
                f"column {wanted!r} was asked for {role}, but the file has no header line"
            )
        names = [name.casefold() for name in header]
        if wanted.casefold() not in names:
            raise ParseError(
                f"no column named {wanted!r} for {role}; the header has: {', '.join(header)}"
            )
        return names.index(wanted.casefold())
    if not 0 <= wanted < width:
        raise ParseError(
            f"column index {wanted} for {role} is out of range: the first line has "
            f"{width} columns (indices 0 to {width - 1})"
        )
    return wanted


def parse_columns(
    text: str, x: Column = None, y: Column = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Parse two numeric columns out of delimited text.

    Parameters
    ----------
    text : str
        Comma, semicolon, tab or whitespace separated; blank lines and lines
        starting with ``#`` are ignored; the first line is a header when any
        of its fields is not a number.
    x, y : str or int, optional
        Header name or 0-based index of each column. By default the columns
        named ``x`` and ``y`` when the header has both, else the first two.

    Returns
    -------
    tuple of ndarray
        The x and y values.

    Raises
    ------
    ParseError
        With the line and column of the first problem.
    """
    rows = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rows:
        raise ParseError("the file has no data (it is empty or only comments)")
    first_number, first_line = rows[0]
    delimiter = _delimiter(first_line)
    first = _split(first_line, delimiter)
    header = None if all(_is_number(field) for field in first) else first
    if header is not None:
        rows = rows[1:]
    if len(first) < 2:
        raise ParseError(
            f"line {first_number}: found one column; two are needed (x and y)"
            + ("" if delimiter is None else f", separated by {delimiter!r}")
        )
    default_x, default_y = 0, 1
    if header is not None:
        names = [name.casefold() for name in header]
        if "x" in names and "y" in names:
            default_x, default_y = names.index("x"), names.index("y")
    ix = _resolve(x, default_x, header, len(first), "x")
    iy = _resolve(y, default_y, header, len(first), "y")
    labels = {ix: "x" if header is None else header[ix], iy: "y" if header is None else header[iy]}
    if not rows:
        raise ParseError("the file has a header but no data rows")

    xs = np.empty(len(rows))
    ys = np.empty(len(rows))
    needed = max(ix, iy) + 1
    for k, (number, line) in enumerate(rows):
        fields = _split(line, delimiter)
        if len(fields) < needed:
            raise ParseError(
                f"line {number}: has {len(fields)} column{'s' * (len(fields) != 1)}, "
                f"column {needed} ({labels[needed - 1]}) is missing"
            )
        for index, out in ((ix, xs), (iy, ys)):
            out[k] = _number(fields[index], number, index, labels[index])
    return xs, ys


def _number(field: str, line: int, index: int, label: str) -> float:
    where = f"line {line}, column {index + 1} ({label})"
    if not field:
        raise ParseError(f"{where}: empty value")
    try:
        value = float(field)
    except ValueError:
        raise ParseError(f"{where}: {field!r} is not a number") from None
    if not math.isfinite(value):
        raise ParseError(f"{where}: {field!r} is not a finite number")
    return value


def format_columns(x: NDArray[np.float64], y: NDArray[np.float64]) -> str:
    """Format two columns as CSV with an ``x,y`` header; values round-trip exactly."""
    lines = ["x,y"]
    lines.extend(f"{a!r},{b!r}" for a, b in zip(x.tolist(), y.tolist(), strict=True))
    return "\n".join(lines) + "\n"
