"""The window's work with files: data, sessions, exports, recent sessions and unsaved work.

:class:`FileWork` is a part of :class:`~gd_explorer.ui.main_window.MainWindow`. Each
``read_*`` / ``write_*`` operation raises with the reason, for the dialogs to show;
the public ``open_*`` / ``save_*`` forms say it in the status bar and return whether
it worked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from gd_explorer import files
from gd_explorer.engine import CostModel, Dataset, DatasetError, Descent, Trajectory
from gd_explorer.run_script import ScriptError, write_run_notebook, write_run_script
from gd_explorer.state import ExplorerState
from gd_explorer.ui import autosave, loading, sessions
from gd_explorer.ui.controller import ExplorerController
from gd_explorer.ui.dialogs import Dialogs
from gd_explorer.ui.export import (
    ExportError,
    check_gif,
    export_gif,
    export_surface_png,
    export_view_png,
    export_view_svg,
    export_window_png,
)
from gd_explorer.ui.painter import Views

RECENT_KEY = "recentSessions"
#: How many session files the Recent sessions menu remembers.
RECENT_COUNT = 8


#: Steps of a run taken again before it is exported, to check the script will repeat it.
CHECKED_STEPS = 20


def _repeats(problem: CostModel, trajectory: Trajectory) -> bool:
    """Return whether ``problem`` and the run's config give the run's first steps again."""
    descent = Descent(problem, trajectory.config)
    if descent.seed != trajectory.seed:
        descent = Descent(problem, trajectory.config.replace(seed=trajectory.seed))
    taken = descent.advance(min(CHECKED_STEPS, trajectory.steps)).params
    recorded = trajectory.params[1 : 1 + len(taken)]
    same_start = np.array_equal(descent.since(0).params[:1], trajectory.params[:1])
    return same_start and bool(np.allclose(taken, recorded, rtol=1e-12, atol=0.0))


class FileWork(QMainWindow):
    """Opening, saving and exporting, and keeping unsaved work (a part of the window)."""

    NO_RUN_TO_EXPORT = "There is no run to export yet: run the descent first (Space)."
    # The name of the file being read, while the window waits for it (see open_dataset).
    _reading: str | None = None
    #: File → Recent sessions (made with the menus).
    recent_menu: QMenu
    explorer: ExplorerController
    views: Views
    dialogs: Dialogs
    autosave: autosave.Autosave
    confirm_unsaved: bool
    session_path: Path | None
    _store: QSettings
    _baseline: ExplorerState
    _autosaved: ExplorerState

    @property
    def dataset(self) -> Dataset:
        """Dataset: the data currently shown."""
        return self.explorer.state.data

    @property
    def trajectory(self) -> Trajectory | None:
        """Trajectory or None: the selected run so far."""
        return self.explorer.trajectory

    def complain(self, message: str) -> None:
        """Say why something could not be done, in the status bar."""
        self.statusBar().showMessage(message, 12_000)

    def open_dataset(self, path: str | Path) -> bool:
        """Load a CSV file as the data (undoable); on error say why and keep the data.

        The file is read on its own thread while the window keeps drawing; a long read
        shows its progress with Cancel. Returns whether the data was replaced.
        """
        return self._said(lambda: self.read_dataset(path)) is True

    def read_dataset(self, path: str | Path) -> bool:
        """Open ``path`` as the data; False when the read was cancelled.

        Raises
        ------
        DatasetError
            If the file cannot be read, or the model cannot fit its data.
        """
        name = Path(path).name
        if self._reading is not None:
            raise DatasetError(f"still reading {self._reading}: wait for it or cancel it first")
        self._reading = name
        try:
            data = loading.read_dataset(path, self)
            state = None if data is None else self.explorer.state.edit_data(data)[0]
        finally:
            self._reading = None
        if state is None:
            self.statusBar().showMessage(f"opening {name} cancelled: the data is unchanged", 8000)
            return False
        self.explorer.change(f"Open {name}", state)
        self._mark_saved()
        return True

    def save_dataset(self, path: str | Path) -> bool:
        """Write the data as CSV; on error say why."""
        return self._said(lambda: self.write_dataset(path))

    def write_dataset(self, path: str | Path) -> None:
        """Write the data as CSV (raises DatasetError)."""
        self.dataset.to_csv(path)
        self._baseline = replace(self._baseline, data=self.dataset)
        self.statusBar().showMessage(f"saved {len(self.dataset)} points to {path}", 8000)

    def save_session(self, path: str | Path) -> bool:
        """Write data, every run's settings and the lesson as a session file; on error say why."""
        return self._said(lambda: self.write_session(path))

    def write_session(self, path: str | Path) -> None:
        """Write the session file (raises files.SessionError)."""
        sessions.write(path, self.explorer.state)
        self._remember_session(path)
        self.session_path = Path(path)
        self._mark_saved()
        self.statusBar().showMessage(f"saved the session to {path}", 8000)

    def open_session(self, path: str | Path) -> bool:
        """Restore a session file's data, settings and lesson (undoable).

        On any error the message goes to the status bar and nothing changes.
        """
        return self._said(lambda: self.read_session(path))

    def read_session(self, path: str | Path) -> None:
        """Restore a session file (raises files.SessionError or DatasetError)."""
        state, notes = sessions.read(path, self.explorer.state)
        self.explorer.replace(f"Open session {Path(path).name}", state)
        self.setWindowTitle(f"{Path(path).name} — Gradient Descent Explorer")
        self._remember_session(path)
        self.session_path = Path(path)
        self._mark_saved()
        if notes:
            self.complain(" ".join(notes))
        else:
            self.statusBar().showMessage(f"opened the session {path}", 8000)

    def export_trajectory(self, path: str | Path) -> bool:
        """Write the current run as CSV (step, slope, intercept, cost, gradient)."""
        return self._said(lambda: self.write_trajectory(path))

    def write_trajectory(self, path: str | Path) -> None:
        """Write the current run as CSV (raises files.SessionError)."""
        trajectory = self.trajectory
        if trajectory is None:
            raise files.SessionError(self.NO_RUN_TO_EXPORT)
        files.write_trajectory_csv(path, trajectory)
        self.statusBar().showMessage(f"saved {trajectory.steps} steps to {path}", 8000)

    def _said(self, do: Callable[[], object]) -> bool:
        try:
            return do() is not False
        except (DatasetError, files.SessionError) as error:
            self.complain(str(error))
            return False

    def export_view(self, name: str, path: str | Path) -> Path:
        """Write one view as PNG (any view) or SVG (2-D views), by the path's ending.

        ``name`` is one of ``data``, ``contour``, ``surface``, ``cost_curve``, ``history``.
        Raises ExportError if it cannot.
        """
        view = {
            "data": self.views.data_view.plot,
            "contour": self.views.contour,
            "surface": self.views.surface,
            "cost_curve": self.views.cost_curve,
            "history": self.views.history,
        }[name]
        if str(path).lower().endswith(".svg"):
            if name == "surface":
                raise ExportError("the 3-D view can be exported as PNG only")
            return export_view_svg(view, path)
        return (export_surface_png if name == "surface" else export_view_png)(view, path)

    def export_png(self, path: str | Path) -> Path:
        """Save the whole window as a PNG (raises ExportError)."""
        return export_window_png(self, path)

    def export_gif(
        self, path: str | Path, frames: int = 40, size: tuple[int, int] = (960, 600),
        duration_ms: int = 80,
    ) -> Path:  # fmt: skip
        """Save the finished run as an animated GIF drawn in the views (raises ExportError)."""
        check_gif(frames, size, duration_ms)
        scenes = self.explorer.gif_scenes(frames)
        return export_gif(self.views, scenes, path, size=size, duration_ms=duration_ms)

    def export_script(self, path: str | Path) -> Path:
        """Write the selected run as a Python script that needs only NumPy.

        The script repeats the run step by step (on a function, or on the data with its
        random rows) and prints its final point on its last line.

        Raises
        ------
        ExportError
            Before any run, for a run whose data was edited while it ran, or if the file
            cannot be written.
        """
        written = self._write_run(write_run_script, path)
        self.statusBar().showMessage(f"wrote the run as a Python script to {written}", 8000)
        return written

    def export_notebook(self, path: str | Path) -> Path:
        """Write the selected run as a Jupyter notebook: the script's code in cells.

        Raises
        ------
        ExportError
            As :meth:`export_script`.
        """
        written = self._write_run(write_run_notebook, path)
        self.statusBar().showMessage(f"wrote the run as a Jupyter notebook to {written}", 8000)
        return written

    def _write_run(self, write: Callable[..., Path], path: str | Path) -> Path:
        """Write the selected run with ``write`` (a script or a notebook)."""
        trajectory = self.trajectory
        record = self.explorer._selected_record()
        if trajectory is None or record is None:
            raise ExportError(self.NO_RUN_TO_EXPORT)
        if record.edited:
            raise ExportError(
                "the data was edited while this run went on, so no script can repeat it: "
                "run it again (R, then Space) and export that run"
            )
        settings = self.explorer.state.settings
        scaling = None
        if settings.model == "function":
            problem = self.explorer.analysis.problem
        else:
            # The data the run used (the table may have changed since it ended), as it
            # is: the script standardises x itself, as the run did.
            data = record.data if record.data is not None else self.dataset
            problem = settings.replace(scaling=False).problem(data)
            scaling = settings.scaling_of(data)
        ran_on = problem if scaling is None else scaling.problem(problem)
        if not _repeats(ran_on, trajectory):
            raise ExportError(
                "this run's problem has changed since it ran (its model or data), so a "
                "script would not repeat it: run it again (R, then Space) and export that run"
            )
        try:
            return write(path, problem, trajectory.config, trajectory.seed, scaling)
        except ScriptError as error:
            raise ExportError(str(error)) from None

    def recent_sessions(self) -> list[str]:
        """Return the recent session files, newest first, dropping (and naming) missing ones."""
        paths = self._stored_recent()
        present = [p for p in paths if Path(p).is_file()]
        if len(present) != len(paths):
            gone = ", ".join(Path(p).name for p in paths if p not in present)
            self._store.setValue(RECENT_KEY, present)
            self.statusBar().showMessage(f"removed from recent sessions (no longer there): {gone}")
        return present

    def _stored_recent(self) -> list[str]:
        stored = self._store.value(RECENT_KEY)
        if isinstance(stored, str):
            return [stored]  # QSettings gives a one-item list back as a string
        return [str(p) for p in stored] if isinstance(stored, list) else []

    def _remember_session(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        recent = [entry, *(p for p in self._stored_recent() if p != entry)][:RECENT_COUNT]
        self._store.setValue(RECENT_KEY, recent)
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        """List the recent sessions in File → Recent sessions."""
        menu = self.recent_menu
        menu.clear()
        paths = self.recent_sessions()
        for number, path in enumerate(paths, start=1):
            action = menu.addAction(
                f"&{number} {Path(path).name}", partial(self._open_recent, path)
            )
            action.setToolTip(path)
        if not paths:
            menu.addAction("(none yet)").setEnabled(False)

    # Unsaved work: autosave, recovery, and asking before it is thrown away.

    @property
    def has_unsaved_changes(self) -> bool:
        """bool: the data differs from what was last opened, saved or loaded as a lesson.

        Settings alone do not count: the window remembers them for the next start.
        """
        return self.dataset is not self._baseline.data

    def _mark_saved(self) -> None:
        self._baseline = self.explorer.state

    def _autosave_tick(self) -> None:
        """Write the state if it changed since the last autosave (at most once a tick)."""
        now = self.explorer.state
        if now.same(self._autosaved):
            return
        self._autosaved = now
        if now.same(self._baseline):
            self.autosave.clear()  # back to what is saved: nothing to recover
        else:
            snapshot = autosave.Snapshot(
                now.data,
                now.settings.to_dict(),
                now.lesson,
                time.time(),
                tuple(run.to_dict() for run in now.runs) if len(now.runs) > 1 else (),
                now.selected,
                now.labels if len(now.runs) > 1 else (),
            )
            self.autosave.save(snapshot)
        if self.autosave.error:
            self.statusBar().showMessage(self.autosave.error, 12_000)

    def flush_autosave(self) -> None:
        """Write any change not yet autosaved and wait until it is on disk."""
        self._autosave_tick()
        self.autosave.flush()

    def ask_to_keep_changes(self, doing: str) -> bool:
        """Before ``doing`` throws away unsaved data, ask: Save, Discard or Cancel.

        Returns True to go on (saved, discarded, or nothing unsaved); False to stop.
        """
        if not self.has_unsaved_changes or not self.confirm_unsaved:
            return True
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(f"{doing} — unsaved changes")
        box.setText(f"The data has {len(self.dataset)} points with changes that are not saved.")
        box.setInformativeText("Save them as a session first?")
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        answer = box.exec()
        if answer == buttons.Save:
            return self.dialogs.save_session()
        return answer == buttons.Discard

    def new(self) -> None:
        """Start afresh: the article's data, the default settings, no lesson, no history."""
        self.session_path = None
        self.setWindowTitle("Gradient Descent Explorer")
        self.explorer.reset_to(self.explorer.state.new()[0])
        self._mark_saved()
        self.statusBar().showMessage("a new start: the article's data", 8000)

    def new_from_menu(self) -> None:
        """File → New: ask about unsaved data first."""
        if self.ask_to_keep_changes("New"):
            self.new()

    def _open_recent(self, path: str) -> None:
        if self.ask_to_keep_changes("Open a session"):
            self.open_session(path)

    def offer_recovery(self) -> int:
        """Offer to restore the work of windows that did not close (a crash, a kill).

        Returns how many were restored.
        """
        return sessions.offer_recovery(self)
