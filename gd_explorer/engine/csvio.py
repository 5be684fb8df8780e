"""Reading and writing two numeric columns as delimited text.

Errors name the physical line (1-based) and column (1-based) of the file, so
a person can open it in an editor and go straight to the problem.

A file is read in blocks of whole lines. The first lines settle the format
(separator, header, which columns); each block then goes to numpy's C reader
(``np.loadtxt``) unless it holds something that reader would see differently
from the rules below (quotes, comments, unusual line breaks, text beyond
ASCII). A block the C reader refuses, or whose values are not all finite, is
parsed again line by line: that finds the first problem and names its line
and column. So large clean files read at numpy's speed, and every message is
the one a line-by-line reader gives.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

Column = str | int | None
Progress = Callable[[int, int], object]
FloatArray = NDArray[np.float64]

MAX_ROWS = 10_000_000
"""The most data rows a file may hold.

Ten million rows are 160 MB of numbers, held by the window, by the engine's
process and by the undo history; every edit passes over all rows several times
(the cost curve, the maps, the exact optimum), which at this size already takes
seconds. Larger files are refused with a message rather than freezing the
explorer or exhausting memory.
"""

MAX_BYTES = 1 << 30
"""The most bytes read from one file: 1 GiB, room for ten million rows of
full-precision numbers in a few columns. Counted while reading, so a file
whose reported size is wrong cannot make the reader run away."""

MAX_LINE = 1 << 20
"""The longest line, in characters: a line of a table of numbers is short."""

BLOCK = 1 << 16
"""Bytes read at a time. Numpy's reader holds the interpreter lock for a whole
block; 64 KiB (about 1,700 rows) take a millisecond or two, so a window reading
on another thread keeps drawing (in one run, the window's longest pause while
10^6 rows were read was 20 ms, against 28 ms with 256 KiB blocks, for no
measurable difference in reading time)."""

_ENCODINGS = (  # byte order mark, codec, name for messages
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# Characters that never occur in text: their presence means a binary file.
# U+0080-U+009F come from the five bytes that Windows-1252 leaves undefined.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Characters on which numpy's reader and the line-by-line rules part ways:
# quotes and comments, and line breaks that str.splitlines() knows but numpy does not.
_SLOW_MARKS = ('"', "#", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


class ParseError(ValueError):
    """Text that is not two columns of numbers; says where and why."""


class _LongLine(Exception):
    """A line longer than MAX_LINE; the caller knows its number."""


def _latin1(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


# Windows-1252 is what spreadsheets on Western Windows write as "ANSI"; the five
# bytes it leaves undefined decode as Latin-1 (and are then caught as control characters).
codecs.register_error("gd_explorer.latin1", _latin1)


@dataclass(frozen=True, slots=True)
class _Layout:
    """How the data rows are laid out, settled from the first line."""

    delimiter: str | None
    ix: int
    iy: int
    labels: dict[int, str]


# Files and bytes.


def read_columns(
    path: str | os.PathLike[str],
    x: Column = None,
    y: Column = None,
    progress: Progress | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Read two numeric columns from a delimited text file.

    Parameters
    ----------
    path : path-like
        A regular file of at most `MAX_BYTES`, in UTF-8 (with or without a
        byte order mark), UTF-16 with a byte order mark, or Windows-1252 /
        Latin-1 when its bytes are not UTF-8. Its format is that of
        `parse_columns`.
    x, y : str or int, optional
        As in `parse_columns`.
    progress : callable, optional
        Called as ``progress(bytes_read, total_bytes)`` after each block is
        read. An exception it raises stops the read and is passed on: this is
        how a reader on another thread is cancelled.

    Returns
    -------
    tuple of ndarray
        The x and y values.

    Raises
    ------
    ParseError
        For a file that is not a regular file, too large, not text, or not
        two columns of numbers (naming the line and column).
    OSError
        When the file cannot be opened or read.
    """
    with _open_regular(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > MAX_BYTES:
            raise ParseError(_too_large())
        chunks = _chunks(stream, size, progress)
        return _parse_blocks(_line_blocks(_decode(chunks)), x, y)


def _open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    # O_NONBLOCK: opening a named pipe must not wait for a writer before it can be refused.
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise ParseError(f"not a regular file ({_kind(mode)}): choose a data file")
        return os.fdopen(descriptor, "rb", buffering=0)
    except BaseException:
        os.close(descriptor)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    return "not a file of data"


def _too_large() -> str:
    limit = f"{MAX_BYTES >> 30} GiB" if MAX_BYTES >= 1 << 30 else f"{MAX_BYTES:,} bytes"
    return f"the file is larger than {limit}, the most the explorer reads: keep fewer rows"


def _chunks(stream: BinaryIO, size: int, progress: Progress | None) -> Iterator[bytes]:
    done = 0
    while chunk := stream.read(BLOCK):
        done += len(chunk)
        if done > MAX_BYTES:
            raise ParseError(_too_large())
        if progress is not None:
            progress(done, max(size, done))
        yield chunk


def _decode(chunks: Iterator[bytes]) -> Iterator[str]:
    first = next(chunks, b"")
    codec, name = "utf-8", "UTF-8"
    for bom, bom_codec, bom_name in _ENCODINGS:
        if first.startswith(bom):
            first, codec, name = first[len(bom) :], bom_codec, bom_name
            break
    decoder = codecs.getincrementaldecoder(codec)()
    fallback = codec == "utf-8"
    for chunk, final in _with_last(itertools.chain([first], chunks)):
        try:
            yield decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            if not fallback:
                raise ParseError(
                    f"not a text file: it starts with a {name} byte order mark, "
                    f"but its bytes are not {name} ({error.reason})"
                ) from None
            # Not UTF-8 after all: the rest is read as Windows-1252 / Latin-1.
            pending = decoder.getstate()[0]
            fallback = False
            decoder = codecs.getincrementaldecoder("cp1252")("gd_explorer.latin1")
            yield decoder.decode(pending + chunk, final)


def _with_last(items: Iterator[bytes]) -> Iterator[tuple[bytes, bool]]:
    previous = next(items, None)
    if previous is None:
        yield b"", True
        return
    for item in items:
        yield previous, False
        previous = item
    yield previous, True


def _line_blocks(texts: Iterable[str]) -> Iterator[str]:
    """Regroup decoded text into blocks that end at a line break."""
    carry = ""
    for piece in texts:
        text = carry + piece if carry else piece
        cut = text.rfind("\n") + 1
        if not cut:
            # A lone \r ends a line too, but a final \r may be half of \r\n.
            cut = text.rfind("\r", 0, len(text) - 1) + 1
        if not cut:
            if len(text) > MAX_LINE:
                raise _LongLine
            carry = text
            continue
        carry = text[cut:]
        if len(carry) > MAX_LINE:
            yield text[:cut]
            raise _LongLine
        yield text[:cut]
    if carry:
        yield carry


def _text_blocks(text: str) -> Iterator[str]:
    size = BLOCK
    for start in range(0, len(text), size):
        yield text[start : start + size]


# Text.


def parse_columns(text: str, x: Column = None, y: Column = None) -> tuple[FloatArray, FloatArray]:
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
    return _parse_blocks(_line_blocks(_text_blocks(text.removeprefix("\ufeff"))), x, y)


def _parse_blocks(blocks: Iterator[str], x: Column, y: Column) -> tuple[FloatArray, FloatArray]:
    line = 1  # the number of the first line of the next block
    layout: _Layout | None = None
    header = False
    parts: list[FloatArray] = []
    rows = 0
    try:
        for block in blocks:
            if layout is None:
                _check_text(block, line)
                found = _sniff(block, line, x, y)
                if found is None:
                    line += len(block.splitlines())
                    continue
                layout, header, block, line = found
            values, lines = _parse_block(block, line, layout)
            line += lines
            if len(values):
                rows += len(values)
                if rows > MAX_ROWS:
                    raise ParseError(
                        f"the file has more than {MAX_ROWS:,} rows, the most the explorer "
                        "reads: keep a sample of the rows"
                    )
                parts.append(values)
    except _LongLine:
        raise ParseError(
            f"line {line} is longer than {MAX_LINE:,} characters: not a table of numbers"
        ) from None
    if layout is None:
        raise ParseError("the file has no data (it is empty or only comments)")
    if not rows and header:
        raise ParseError("the file has a header but no data rows")
    return _columns(parts, rows)


def _columns(parts: list[FloatArray], rows: int) -> tuple[FloatArray, FloatArray]:
    xs = np.empty(rows)
    ys = np.empty(rows)
    start = 0
    parts.reverse()
    while parts:
        # Popping frees each block once copied, so the blocks and the columns
        # are never both held in full.
        part = parts.pop()
        stop = start + len(part)
        xs[start:stop] = part[:, 0]
        ys[start:stop] = part[:, 1]
        start = stop
    return xs, ys


def _check_text(block: str, line: int) -> None:
    match = _CONTROL.search(block)
    if match is None:
        return
    where = line + len((block[: match.start()] + "-").splitlines()) - 1
    code = ord(match.group())
    hint = ": UTF-16 text needs a byte order mark; save it as UTF-8" if code == 0 else ""
    raise ParseError(
        f"not a text file (line {where} holds the control character U+{code:04X}{hint})"
    )


def _sniff(block: str, line: int, x: Column, y: Column) -> tuple[_Layout, bool, str, int] | None:
    """Settle the layout from the block's first line with data, if any."""
    lines = block.splitlines(keepends=True)
    k = next(
        (k for k, text in enumerate(lines) if text.strip() and not text.lstrip().startswith("#")),
        None,
    )
    if k is None:
        return None
    text = lines[k]
    number = line + k
    delimiter = _delimiter(text)
    first = _split(text.splitlines()[0], delimiter, number)
    header = None if all(_is_number(field) for field in first) else first
    if len(first) < 2:
        raise ParseError(
            f"line {number}: found one column; two are needed (x and y)"
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
    skip = k + 1 if header is not None else k
    layout = _Layout(delimiter, ix, iy, labels)
    return layout, header is not None, "".join(lines[skip:]), line + skip


def _delimiter(line: str) -> str | None:
    for candidate in (",", ";", "\t"):
        if candidate in line:
            return candidate
    return None  # any run of whitespace


def _split(line: str, delimiter: str | None, number: int) -> list[str]:
    if delimiter is None:
        return line.split()
    try:
        fields = next(csv.reader([line], delimiter=delimiter))
    except csv.Error as error:
        raise ParseError(f"line {number}: {error}") from None
    return [field.strip() for field in fields]


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


# Blocks of rows.


def _parse_block(text: str, line: int, layout: _Layout) -> tuple[FloatArray, int]:
    """Return the block's (x, y) rows and how many lines it spans."""
    values = _parse_fast(text, layout)
    if values is not None:
        # The fast path only takes blocks whose sole line break is \n (or \r\n).
        return values, text.count("\n")
    lines = text.splitlines()
    return _parse_lines(lines, line, layout), len(lines)


def _parse_fast(text: str, layout: _Layout) -> FloatArray | None:
    if not text.isascii() or any(mark in text for mark in _SLOW_MARKS):
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if not text or text.isspace():
        return np.empty((0, 2))
    try:
        values = np.loadtxt(
            io.StringIO(text),
            dtype=np.float64,
            delimiter=layout.delimiter,
            usecols=(layout.ix, layout.iy),
            comments=None,
            ndmin=2,
        )
    except ValueError:
        return None
    if not np.isfinite(values).all() or np.abs(values).max(initial=0.0) > _largest():
        return None  # the line-by-line reader names the line and column
    return values


def _parse_lines(lines: list[str], first_line: int, layout: _Layout) -> FloatArray:
    """Parse line by line; raise at the first problem, naming its line and column."""
    ix, iy, labels = layout.ix, layout.iy, layout.labels
    needed = max(ix, iy) + 1
    values = []
    for offset, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        number = first_line + offset
        _check_text(line, number)
        fields = _split(line, layout.delimiter, number)
        if len(fields) < needed:
            raise ParseError(
                f"line {number}: has {len(fields)} column{'s' * (len(fields) != 1)}, "
                f"column {needed} ({labels[needed - 1]}) is missing"
            )
        values.append(
            (
                _number(fields[ix], number, ix, labels[ix]),
                _number(fields[iy], number, iy, labels[iy]),
            )
        )
    return np.array(values, dtype=np.float64).reshape(-1, 2)


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
    if abs(value) > _largest():
        from gd_explorer.engine.dataset import MAGNITUDE_RULE

        raise ParseError(f"{where}: {value:g} is too large: {MAGNITUDE_RULE}")
    return value


def _largest() -> float:
    """Return the largest |value| a dataset takes (the dataset module imports this one)."""
    from gd_explorer.engine.dataset import MAX_MAGNITUDE

    return MAX_MAGNITUDE


def format_columns(x: NDArray[np.float64], y: NDArray[np.float64]) -> str:
    """Format two columns as CSV with an ``x,y`` header; values round-trip exactly."""
    lines = ["x,y"]
    lines.extend(f"{a!r},{b!r}" for a, b in zip(x.tolist(), y.tolist(), strict=True))
    return "\n".join(lines) + "\n"
