"""Session files (JSON) and trajectory exports (CSV); plain data, no Qt.

A session is read as data only: ``json`` and strict checks, never pickle or
``eval``. Every error names the file and the place in it, so a person can fix it,
and whatever the file holds (a folder, a device, a pipe, gigabytes, nesting a
thousand levels deep) the loader raises nothing but :class:`SessionError`.
Writes go to a temporary file that then replaces the target in one step, so a
failed write never leaves half a file behind.
"""

from __future__ import annotations

import json
import math
import os
import reprlib
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from gd_explorer.engine import Dataset, DatasetError, Trajectory, atomic
from gd_explorer.lessons import LESSONS

FORMAT = "gd-explorer session"
VERSION = 1
#: The largest session file read or written. At most this many bytes (and one more, to
#: tell) are ever read, whatever size the file claims. A million points at full
#: precision take about 43 MB; larger data belongs in a CSV file.
MAX_SESSION_BYTES = 64 * 1024 * 1024
#: The most points a session holds. Memory goes by the count of numbers, not bytes
#: ("0," is two bytes but a whole float), so a file with more separators than this
#: many points need is refused before it is parsed.
MAX_SESSION_POINTS = 1_500_000
#: A longer dataset name is cut (with a note): a name comes from a file name.
MAX_NAME_LENGTH = 255
#: A longer text setting is refused: every one is a short name such as "minibatch".
MAX_SETTING_LENGTH = 200
#: Text settings that are formulas a person typed (the function of a problem without
#: data) may be longer; what is too long for the parser opens with a note instead.
LONG_SETTINGS = {"expression": 10_000}
#: Named numbers a setting may hold (the hyper-parameters of an update rule or schedule).
MAX_OPTIONS = 16
#: Separators besides those of the points: the settings and the rest of the document.
_SPARE_SEPARATORS = 1000
_CHUNK = 1024 * 1024
MODELS = ("linear", "logistic", "function")
TRAJECTORY_HEADER = "step,slope,intercept,cost,gradient_slope,gradient_intercept"

PathLike = str | os.PathLike[str]


class SessionError(ValueError):
    """A session file that cannot be read or written; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Session:
    """What a session file holds: the data, the settings and the lesson (if any)."""

    dataset: Dataset
    settings: dict[str, Any]
    lesson: str | None = None
    #: What was left out on reading (an unknown lesson, say), for the user to be told.
    notes: tuple[str, ...] = ()
    #: Every run's settings when the session holds several (``settings`` is the selected one's).
    runs: tuple[dict[str, Any], ...] = ()
    selected: int = 0


def _write_atomically(path: Path, content: str | bytes) -> None:
    try:
        if isinstance(content, bytes):
            atomic.write_bytes(path, content)
        else:
            atomic.write_text(path, content)
    except OSError as error:
        raise SessionError(f"{path}: cannot write ({error.strerror or error})") from None


def _limit() -> str:
    megabytes = MAX_SESSION_BYTES / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{MAX_SESSION_BYTES:,} bytes"


def _valid_text(text: str) -> str:
    """Return ``text`` with lone surrogates (from undecodable file names) as U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _session_text(document: Mapping[str, Any]) -> str:
    """Return ``document`` as JSON, one key a line but each list of numbers on one line.

    With a number a line a million points would take 57 MB instead of 43.
    """

    def dump(value: Any) -> str:
        # json writes floats with repr, so every value reads back bit for bit.
        separators = (",", ":") if isinstance(value, list) else None
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=separators)

    lines = []
    for key, value in document.items():
        if isinstance(value, dict) and value:
            inner = ",\n".join(f"    {dump(k)}: {dump(v)}" for k, v in value.items())
            text = "{\n" + inner + "\n  }"
        else:
            text = dump(value)
        lines.append(f"  {dump(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def save_session(
    path: PathLike,
    dataset: Dataset,
    settings: Mapping[str, Any],
    lesson_id: str | None = None,
    runs: Sequence[Mapping[str, Any]] = (),
    selected: int = 0,
) -> None:
    """Write a session file.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write; an existing file is replaced only once the new one is complete.
    dataset : Dataset
        The data.
    settings : mapping
        The settings as plain values (``Settings.to_dict()``); ``"model"`` is
        also written at the top level.
    lesson_id : str, optional
        The lesson the session started from.
    runs : sequence of mappings, optional
        Every run's settings, when there are several; written as ``"runs"`` with the
        ``"selected"`` index beside ``"settings"``, which older readers keep using.
    selected : int, optional
        Which of ``runs`` ``settings`` is.

    Raises
    ------
    SessionError
        If the file cannot be written, or would be larger than
        ``MAX_SESSION_BYTES`` (it could not be read back); an existing file is
        then left as it was.
    """
    if len(dataset) > MAX_SESSION_POINTS:
        raise SessionError(
            f"{Path(path).name}: more than {MAX_SESSION_POINTS:,} points, the most a "
            f"session can hold ({len(dataset):,}): save the data as CSV instead"
        )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "dataset": {
            "name": _valid_text(dataset.name),
            "x": dataset.x.tolist(),
            "y": dataset.y.tolist(),
        },
        "model": settings.get("model", "linear"),
        "settings": dict(settings),
        "lesson": lesson_id,
    }
    if len(runs) > 1:
        document["runs"] = [dict(run) for run in runs]
        document["selected"] = int(selected)
    target = Path(path)
    try:
        data = _session_text(document).encode("utf-8")
    except (TypeError, ValueError) as error:  # a setting that is not plain, finite data
        raise SessionError(f"{target.name}: cannot save the settings ({error})") from None
    if len(data) > MAX_SESSION_BYTES:
        raise SessionError(
            f"{target.name}: larger than {_limit()}, the most a session can hold "
            f"({len(dataset):,} points): save the data as CSV instead"
        )
    _write_atomically(target, data)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed: every number must be finite")


def _parse_int(text: str) -> int | float:
    # Python refuses to convert integers of more than 4300 digits (and is slow near
    # that): such a number is out of any range anyway, so it reads as inf and is refused.
    return int(text) if len(text) <= 400 else float(text)


def _not_a_file(mode: int) -> str | None:
    """Say what a path that is not a regular file is, or return None for a file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if stat.S_ISFIFO(mode):
        return "it is a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device"
    return "it is not a regular file"


def _read_bytes(path: Path) -> bytes:
    """Read at most ``MAX_SESSION_BYTES`` of a regular file, refusing anything else.

    The size a file reports is not trusted (devices and ``/proc`` files say 0), so
    the limit is on what is read. A pipe is opened without waiting for a writer and a
    device is not opened at all.
    """
    where = path.name
    try:
        what = _not_a_file(os.stat(path).st_mode)
        if what is None:
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
            with os.fdopen(os.open(path, flags), "rb") as stream:
                # Checked again on what was opened: the path may have changed meanwhile.
                status = os.fstat(stream.fileno())
                what = _not_a_file(status.st_mode)
                raw = b"" if what else _read_at_most(stream, MAX_SESSION_BYTES + 1, status.st_size)
    except OSError as error:
        raise SessionError(f"{where}: cannot read ({error.strerror or error})") from None
    if what is not None:
        raise SessionError(f"{where}: {what}, not a session file")
    if len(raw) > MAX_SESSION_BYTES:
        raise SessionError(f"{where}: larger than {_limit()}, the most a session file can be")
    return raw


def _read_at_most(stream: BinaryIO, limit: int, expected: int) -> bytes:
    """Read until the end or ``limit`` bytes, whichever comes first.

    ``expected`` (the size the file reports) only sizes the first read: a file may
    grow, and ``read(limit)`` would set aside ``limit`` bytes even for a small file.
    """
    parts: list[bytes] = []
    total, size = 0, min(max(expected, 0) + 1, limit)
    while total < limit:
        parts.append(stream.read(size))
        total += len(parts[-1])
        if len(parts[-1]) < size:  # a buffered read stops short only at the end
            break
        size = min(_CHUNK, limit - total)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _read_json(path: Path) -> Any:
    where = path.name
    raw = _read_bytes(path)
    if raw.count(b",") > 2 * MAX_SESSION_POINTS + _SPARE_SEPARATORS:
        raise SessionError(
            f"{where}: more than {MAX_SESSION_POINTS:,} points, the most a session holds"
        )
    try:
        # utf-8-sig: a byte order mark, as Windows Notepad writes, is not part of the text.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SessionError(f"{where}: not a text file (byte {error.start} is not UTF-8)") from None
    del raw  # half the memory for the parse
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise SessionError(
            f"{where}: not JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise SessionError(
            f"{where}: nested too deeply to be a session (brackets inside brackets)"
        ) from None
    except ValueError as error:  # NaN / Infinity, from _reject_constant
        raise SessionError(f"{where}: {error}") from None


#: Values quoted in messages are cut short: a message is read, not scrolled.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxlevel = 2


def _show(value: Any) -> str:
    """Return a short ``repr`` of a value read from a file, however large or deep."""
    return _SHORT.repr(value)


def _number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))  # 1e400 parses as inf; a huge int overflows
    except OverflowError:
        return False


def _numbers(where: str, key: str, value: Any) -> np.ndarray:
    if not isinstance(value, list):
        raise SessionError(f"{where}: {key!r} must be a list of numbers (it is {_kind(value)})")
    for index, item in enumerate(value):
        if not _number(item):
            raise SessionError(
                f"{where}: {key!r} must be a list of finite numbers "
                f"(item {index} is {_show(item)})"
            )
    return np.array(value, dtype=np.float64)


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    if value is None:
        return "null"
    if type(value) in names:
        return names[type(value)]
    return "a number" if _number(value) else _show(value)


def _field(where: str, document: Mapping[str, Any], key: str, prefix: str = "") -> Any:
    if key not in document:
        raise SessionError(f"{where}: missing key {prefix + key!r}")
    return document[key]


def _settings(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SessionError(f"{where}: 'settings' must be an object (it is {_kind(value)})")
    for key, item in value.items():
        limit = LONG_SETTINGS.get(key, MAX_SETTING_LENGTH)
        if isinstance(item, str) and len(item) > limit:
            what = (
                "a typed formula is at most a few lines"
                if key in LONG_SETTINGS
                else "every setting is a short name or a number"
            )
            raise SessionError(
                f"{where}: 'settings.{_SHORT.repr(key)[1:-1]}' is longer than "
                f"{limit:,} characters ({what})"
            )
        if isinstance(item, str | bool) or _number(item) or _options(item):
            continue
        raise SessionError(
            f"{where}: 'settings.{_SHORT.repr(key)[1:-1]}' must be a finite number, text, "
            f"true/false or named numbers (it is {_kind(item)})"
        )
    return dict(value)


def _options(value: Any) -> bool:
    """Return whether ``value`` is a few named numbers (an update rule's options)."""
    return (
        isinstance(value, dict)
        and len(value) <= MAX_OPTIONS
        and all(
            isinstance(k, str) and len(k) <= MAX_SETTING_LENGTH and _number(v)
            for k, v in value.items()
        )
    )


def _lesson(where: str, value: Any) -> tuple[str | None, tuple[str, ...]]:
    """Return the lesson id and, for an id this program does not know, a note instead."""
    if value is not None and not isinstance(value, str):
        raise SessionError(f"{where}: 'lesson' must be text or null (it is {_kind(value)})")
    known = [lesson.id for lesson in LESSONS]
    if value is None or value in known:
        return value, ()
    # The data and settings are still good: keep them, and say the lesson is left out.
    note = (
        f"{where}: the lesson {_show(value)} is not one of this program's lessons "
        f"({', '.join(known)}); the session is opened without it"
    )
    return None, (note,)


def load_session(path: PathLike) -> Session:
    """Read a session file, checking every value.

    Parameters
    ----------
    path : str or os.PathLike
        The session file (JSON).

    Returns
    -------
    Session
        The data, the settings (including ``"model"``) and the lesson id.

    Raises
    ------
    SessionError
        If the file cannot be read, is not a regular file, is larger than
        ``MAX_SESSION_BYTES``, is not JSON, is not a session of a supported
        version, or a value is missing or of the wrong kind. The message names
        the file and the key (and item) at fault. Unknown extra keys are
        ignored; an unknown lesson is left out, with a note in ``notes``.
        Nothing else is raised, whatever the file holds.
    """
    path = Path(path)
    try:
        return _load(path.name, _read_json(path))
    except MemoryError:
        raise SessionError(
            f"{path.name}: too large to read (there is not enough memory for it)"
        ) from None


def _load(where: str, document: Any) -> Session:
    """Check a parsed session document and return what it holds."""
    if not isinstance(document, dict):
        raise SessionError(f"{where}: a session must be a JSON object (it is {_kind(document)})")
    if document.get("format") != FORMAT:
        raise SessionError(
            f"{where}: not a Gradient Descent Explorer session ('format' is not {FORMAT!r})"
        )
    version = _field(where, document, "version")
    if version != VERSION or isinstance(version, bool):
        raise SessionError(
            f"{where}: session version {_show(version)} is not supported (this program "
            f"reads version {VERSION})"
        )
    data = _field(where, document, "dataset")
    if not isinstance(data, dict):
        raise SessionError(f"{where}: 'dataset' must be an object (it is {_kind(data)})")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise SessionError(f"{where}: 'dataset.name' must be text (it is {_kind(name)})")
    cut: tuple[str, ...] = ()
    if len(name) > MAX_NAME_LENGTH:
        name = name[:MAX_NAME_LENGTH]
        cut = (f"{where}: 'dataset.name' is cut to its first {MAX_NAME_LENGTH} characters",)
    x = _numbers(where, "dataset.x", _field(where, data, "x", "dataset."))
    y = _numbers(where, "dataset.y", _field(where, data, "y", "dataset."))
    try:
        dataset = Dataset(x, y, name)
    except DatasetError as error:
        raise SessionError(f"{where}: 'dataset': {error}") from None
    model = _field(where, document, "model")
    if not isinstance(model, str) or model not in MODELS:
        raise SessionError(
            f"{where}: 'model' must be one of {', '.join(MODELS)} (it is {_show(model)})"
        )
    settings = _settings(where, _field(where, document, "settings"))
    settings["model"] = model  # the top-level key is the one that counts
    lesson, notes = _lesson(where, document.get("lesson"))
    runs, selected = _runs(where, document, model)
    return Session(
        dataset=dataset,
        settings=settings,
        lesson=lesson,
        notes=cut + notes,
        runs=runs,
        selected=selected,
    )


def _runs(
    where: str, document: dict[str, Any], model: str
) -> tuple[tuple[dict[str, Any], ...], int]:
    """Return a session's runs' settings and the selected index (none: one run)."""
    if "runs" not in document:
        return (), 0
    runs = document["runs"]
    if not isinstance(runs, list) or not runs:
        raise SessionError(f"{where}: 'runs' must be a list of settings (it is {_kind(runs)})")
    items = tuple(
        {**_settings(f"{where}: runs[{i}]", run), "model": model} for i, run in enumerate(runs)
    )
    selected = document.get("selected", 0)
    if (
        isinstance(selected, bool)
        or not isinstance(selected, int)
        or not 0 <= selected < len(items)
    ):
        raise SessionError(
            f"{where}: 'selected' must be the index of one of the {len(items)} runs"
        )
    return items, selected


def write_trajectory_csv(path: PathLike, trajectory: Trajectory) -> None:
    """Write a run as CSV, one row per point, values that read back exactly.

    Columns: ``step,slope,intercept,cost,gradient_slope,gradient_intercept``. The
    gradient on row k is the one of the step that led to point k, so it is empty
    on row 0 (the start).

    Parameters
    ----------
    path : str or os.PathLike
        Where to write; replaced only once the new file is complete.
    trajectory : Trajectory
        The run.

    Raises
    ------
    SessionError
        If the file cannot be written.
    """
    lines = [TRAJECTORY_HEADER]
    params, cost, grad = trajectory.params, trajectory.cost, trajectory.grad
    for step in range(len(params)):
        values = [repr(float(params[step, 0])), repr(float(params[step, 1]))]
        values.append(repr(float(cost[step])))
        if step == 0:
            values += ["", ""]
        else:
            values += [repr(float(grad[step - 1, 0])), repr(float(grad[step - 1, 1]))]
        lines.append(",".join([str(step), *values]))
    _write_atomically(Path(path), "\n".join(lines) + "\n")
