"""Session files (JSON) and trajectory exports (CSV); plain data, no Qt.

A session is read as data only: ``json`` and strict checks, never pickle or
``eval``. Every error names the file and the place in it, so a person can fix it.
Writes go to a temporary file that then replaces the target in one step, so a
failed write never leaves half a file behind.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gd_explorer.engine import Dataset, DatasetError, Trajectory, atomic

FORMAT = "gd-explorer session"
VERSION = 1
#: Larger files are refused before reading: no session is anywhere near this.
MAX_SESSION_BYTES = 50 * 1024 * 1024
MODELS = ("linear", "logistic")
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


def _write_atomically(path: Path, text: str) -> None:
    try:
        atomic.write_text(path, text)
    except OSError as error:
        raise SessionError(f"{path}: cannot write ({error.strerror or error})") from None


def save_session(
    path: PathLike,
    dataset: Dataset,
    settings: Mapping[str, Any],
    lesson_id: str | None = None,
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

    Raises
    ------
    SessionError
        If the file cannot be written.
    """
    document = {
        "format": FORMAT,
        "version": VERSION,
        "dataset": {
            "name": dataset.name,
            "x": [float(v) for v in dataset.x],
            "y": [float(v) for v in dataset.y],
        },
        "model": settings.get("model", "linear"),
        "settings": dict(settings),
        "lesson": lesson_id,
    }
    # json writes floats with repr, so every value reads back bit for bit.
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    _write_atomically(Path(path), text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed: every number must be finite")


def _read_json(path: Path) -> Any:
    where = path.name
    try:
        size = path.stat().st_size
        if size > MAX_SESSION_BYTES:
            raise SessionError(
                f"{where}: file too large ({size / 1e6:.1f} MB; a session is at most "
                f"{MAX_SESSION_BYTES // (1024 * 1024)} MB)"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise SessionError(f"{where}: cannot read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SessionError(f"{where}: not a text file (byte {error.start} is not UTF-8)") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise SessionError(
            f"{where}: not JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:  # NaN / Infinity, from _reject_constant
        raise SessionError(f"{where}: {error}") from None


def _number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))  # 1e400 parses as inf; a huge int overflows
    except OverflowError:
        return False


def _numbers(where: str, key: str, value: Any) -> list[float]:
    if not isinstance(value, list):
        raise SessionError(f"{where}: {key!r} must be a list of numbers (it is {_kind(value)})")
    for index, item in enumerate(value):
        if not _number(item):
            raise SessionError(
                f"{where}: {key!r} must be a list of finite numbers (item {index} is {item!r})"
            )
    return [float(item) for item in value]


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if _number(value) else repr(value))


def _field(where: str, document: Mapping[str, Any], key: str, prefix: str = "") -> Any:
    if key not in document:
        raise SessionError(f"{where}: missing key {prefix + key!r}")
    return document[key]


def _settings(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SessionError(f"{where}: 'settings' must be an object (it is {_kind(value)})")
    for key, item in value.items():
        if isinstance(item, str | bool) or _number(item):
            continue
        raise SessionError(
            f"{where}: 'settings.{key}' must be a finite number, text or true/false "
            f"(it is {_kind(item)})"
        )
    return dict(value)


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
        If the file cannot be read, is not JSON, is not a session of a
        supported version, or a value is missing or of the wrong kind. The
        message names the file and the key (and item) at fault. Unknown extra
        keys are ignored.
    """
    path = Path(path)
    where = path.name
    document = _read_json(path)
    if not isinstance(document, dict):
        raise SessionError(f"{where}: a session must be a JSON object (it is {_kind(document)})")
    if document.get("format") != FORMAT:
        raise SessionError(
            f"{where}: not a Gradient Descent Explorer session ('format' is not {FORMAT!r})"
        )
    version = _field(where, document, "version")
    if version != VERSION or isinstance(version, bool):
        raise SessionError(
            f"{where}: session version {version!r} is not supported (this program reads "
            f"version {VERSION})"
        )
    data = _field(where, document, "dataset")
    if not isinstance(data, dict):
        raise SessionError(f"{where}: 'dataset' must be an object (it is {_kind(data)})")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise SessionError(f"{where}: 'dataset.name' must be text (it is {_kind(name)})")
    x = _numbers(where, "dataset.x", _field(where, data, "x", "dataset."))
    y = _numbers(where, "dataset.y", _field(where, data, "y", "dataset."))
    try:
        dataset = Dataset(x, y, name)
    except DatasetError as error:
        raise SessionError(f"{where}: 'dataset': {error}") from None
    model = _field(where, document, "model")
    if model not in MODELS:
        raise SessionError(
            f"{where}: 'model' must be one of {', '.join(MODELS)} (it is {model!r})"
        )
    settings = _settings(where, _field(where, document, "settings"))
    settings["model"] = model  # the top-level key is the one that counts
    lesson = document.get("lesson")
    if lesson is not None and not isinstance(lesson, str):
        raise SessionError(f"{where}: 'lesson' must be text or null (it is {_kind(lesson)})")
    return Session(dataset=dataset, settings=settings, lesson=lesson)


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
