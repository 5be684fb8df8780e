"""Autosave and recovery: what the user made survives a crash, a kill or a power cut.

Each open window keeps its state (the data, the run settings and the lesson) in a file
of its own in the user's data folder, written a moment after every change, atomically
and on a thread of its own, so large data never stalls the window. The file goes away
when the window closes with nothing unsaved. A file left behind by a window that did
not close (its lock file is no longer held by a live process) is offered for
restoring at the next start.

The data is stored as binary float64 (``numpy.savez``), so a restore gives back the
exact numbers, and a million rows take milliseconds rather than seconds of JSON.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QLockFile, QStandardPaths

from gd_explorer.engine import Dataset, atomic
from gd_explorer.lessons import LESSONS, get_lesson
from gd_explorer.settings import Settings

#: Environment variable naming the folder for autosaves (tests and benchmarks use it).
FOLDER_VARIABLE = "GD_EXPLORER_DATA_DIR"
FORMAT = "gd-explorer-autosave"
VERSION = 1


def default_folder() -> Path:
    """Return the folder that holds the autosaves.

    ``$GD_EXPLORER_DATA_DIR`` if set, else ``gd-explorer/autosave`` in the user's data
    folder as ``QStandardPaths`` names it for this platform.
    """
    override = os.environ.get(FOLDER_VARIABLE)
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base) / "gd-explorer" / "autosave"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What an autosave holds: the data, the settings (as plain data) and the lesson."""

    dataset: Dataset
    settings: dict[str, Any]
    lesson: str | None
    saved_at: float = 0.0
    #: Every run's settings in a race (``settings`` is the selected one's), which is
    #: selected, and the runs' names; empty for one run.
    runs: tuple[dict[str, Any], ...] = ()
    selected: int = 0
    labels: tuple[str, ...] = ()


class RecoveryError(ValueError):
    """An autosave that cannot be read; the message says which and why."""


def encode(snapshot: Snapshot) -> bytes:
    """Return the bytes of an autosave file for ``snapshot``."""
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "name": snapshot.dataset.name,
        "settings": snapshot.settings,
        "lesson": snapshot.lesson,
        "saved_at": snapshot.saved_at,
    }
    if snapshot.runs:
        meta["runs"] = list(snapshot.runs)
        meta["selected"] = snapshot.selected
        meta["labels"] = list(snapshot.labels)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        x=snapshot.dataset.x,
        y=snapshot.dataset.y,
        meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
    )
    return buffer.getvalue()


def decode(path: Path) -> Snapshot:
    """Read an autosave file; raise :class:`RecoveryError` if it is not a good one."""
    try:
        # Opened here, not by numpy: np.load leaves the file open when it is no archive.
        with open(path, "rb") as stream, np.load(stream, allow_pickle=False) as archive:
            x, y = archive["x"], archive["y"]
            meta = json.loads(archive["meta"].tobytes().decode("utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError("not an autosave of this program")
        if meta.get("version") != VERSION:
            raise ValueError(f"autosave version {meta.get('version')!r} is not {VERSION}")
        settings = meta.get("settings")
        lesson = meta.get("lesson")
        if not isinstance(settings, dict) or not (lesson is None or isinstance(lesson, str)):
            raise ValueError("its settings or lesson are malformed")
        if lesson not in {known.id for known in LESSONS}:
            lesson = None  # a lesson this program does not have (an older or newer one)
        dataset = Dataset(x, y, str(meta.get("name", "")))
        runs, selected, labels = (
            meta.get("runs", []),
            meta.get("selected", 0),
            meta.get("labels", []),
        )
        if not (
            isinstance(runs, list)
            and all(isinstance(run, dict) for run in runs)
            and isinstance(selected, int)
            and isinstance(labels, list)
            and all(isinstance(label, str) for label in labels)
        ):
            raise ValueError("its runs are malformed")
        return Snapshot(
            dataset,
            settings,
            lesson,
            float(meta.get("saved_at", 0.0)),
            tuple(runs),
            selected,
            tuple(labels),
        )
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        raise RecoveryError(f"{path.name}: cannot be restored ({error})") from None


class Autosave:
    """The autosave of one window: a lock held while the window lives, a file, a writer.

    Parameters
    ----------
    folder : Path
        Where the autosaves live; created if missing.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.error: str | None = None
        self._wake = threading.Condition()
        self._pending: Snapshot | None = None
        self._busy = False
        self._closed = False
        self._lock: QLockFile | None = None
        self.path: Path | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stem = self._free_stem()
        except OSError as error:
            self.error = f"autosave is off: cannot use {folder} ({error.strerror or error})"
            return
        self.path = folder / f"{stem}.npz"
        self._thread = threading.Thread(target=self._serve, name="autosave", daemon=True)
        self._thread.start()

    def _free_stem(self) -> str:
        """Lock and return a file name no other live window uses."""
        for number in range(1000):
            stem = f"autosave-{os.getpid()}-{number}"
            lock = QLockFile(str(self.folder / f"{stem}.lock"))
            lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never age
            if lock.tryLock(0):
                self._lock = lock
                return stem
        raise OSError("no free autosave name")

    @property
    def enabled(self) -> bool:
        """Return whether autosaves are written (False when the folder is unusable)."""
        return self.path is not None

    def save(self, snapshot: Snapshot) -> None:
        """Write ``snapshot`` soon, on the writer's thread; a newer one replaces it."""
        if self.path is None or self._closed:
            return
        with self._wake:
            self._pending = snapshot
            self._wake.notify_all()

    def clear(self) -> None:
        """Remove this window's autosave: nothing is unsaved any more."""
        if self.path is None:
            return
        with self._wake:
            self._pending = None
            while self._busy:
                self._wake.wait()
            try:
                self.path.unlink(missing_ok=True)
            except OSError as error:
                self.error = f"cannot remove {self.path} ({error.strerror or error})"

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every requested save is on disk; False if ``timeout`` passed first."""
        if self.path is None or self._closed:
            return True
        with self._wake:
            return self._wake.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def close(self, keep: bool) -> None:
        """Finish writing, stop the writer and release the lock.

        With ``keep`` the file stays for the next start to offer; without, it goes.
        Safe to call twice: the first call decides.
        """
        if self.path is None or self._closed:
            return
        self.flush()
        if not keep:
            self.clear()
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        self._thread.join()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _serve(self) -> None:
        assert self.path is not None
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._pending is None:
                    return
                snapshot, self._pending = self._pending, None
                self._busy = True
            try:
                atomic.write_bytes(self.path, encode(snapshot))
                self.error = None
            except OSError as error:
                self.error = f"cannot autosave to {self.path} ({error.strerror or error})"
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()


@dataclass(frozen=True, slots=True)
class Orphan:
    """An autosave whose window did not close: its file, and its lock (held by us now)."""

    path: Path
    lock: QLockFile

    def read(self) -> Snapshot:
        """Return what it holds (raises :class:`RecoveryError`)."""
        return decode(self.path)

    def discard(self) -> None:
        """Delete the file and its lock."""
        self.path.unlink(missing_ok=True)
        self.lock.unlock()

    def set_aside(self) -> Path:
        """Keep an unreadable file under another name, so nothing is deleted unread."""
        target = self.path.with_suffix(".unreadable")
        os.replace(self.path, target)
        self.lock.unlock()
        return target


def orphans(folder: Path) -> list[Orphan]:
    """Return the autosaves left by windows that are gone, newest first.

    A file's lock is free only when the process that held it has ended; taking the
    lock here also keeps a second window from offering the same file.
    """
    found: list[tuple[float, Orphan]] = []
    try:
        candidates = sorted(folder.glob("autosave-*.npz"))
    except OSError:
        return []
    for path in candidates:
        lock = QLockFile(str(path.with_suffix(".lock")))
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            continue  # a live window's
        try:
            modified = path.stat().st_mtime
        except OSError:
            lock.unlock()
            continue
        found.append((modified, Orphan(path, lock)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [orphan for _, orphan in found]


def describe(snapshot: Snapshot) -> str:
    """Return one line telling the user what an autosave holds and when it was made."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(snapshot.saved_at))
    name = f" “{snapshot.dataset.name}”" if snapshot.dataset.name else ""
    model = snapshot.settings.get("model", "linear")
    lesson = f", lesson “{get_lesson(snapshot.lesson).title}”" if snapshot.lesson else ""
    if model == "function":
        return f"function “{_function_title(snapshot.settings)}”{lesson}, saved {when}"
    return f"{len(snapshot.dataset)} points{name}, {model} model{lesson}, saved {when}"


def _function_title(settings: dict[str, Any]) -> str:
    """Return the name of the function an autosave's settings pick (as restoring reads them)."""
    try:
        return Settings.from_dict(settings).function().title
    except (KeyError, ValueError):
        return "unknown"
