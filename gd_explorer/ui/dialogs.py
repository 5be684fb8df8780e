"""The window's file dialogs: each asks for a path, calls the window, and shows an error.

The window's operations raise their errors; a dialog shows the reason in a
message box and in the status bar, never reading it back from the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from gd_explorer import files
from gd_explorer.engine import DatasetError
from gd_explorer.ui.export import ExportError

if TYPE_CHECKING:
    from gd_explorer.ui.main_window import MainWindow

#: Errors a file operation may raise with a message for the user.
FILE_ERRORS = (DatasetError, files.SessionError, ExportError)


class Dialogs:
    """File → … dialogs of ``window``."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def _fail(self, title: str, error: Exception) -> None:
        self._window.complain(str(error))
        QMessageBox.warning(self._window, title, str(error))

    def _try(self, title: str, do: Callable[[], object]) -> bool:
        try:
            do()
        except FILE_ERRORS as error:
            self._fail(title, error)
            return False
        return True

    def open_dataset(self) -> None:
        """Ask for a CSV file and open it as the data."""
        window = self._window
        if not window.ask_to_keep_changes("Open a dataset"):
            return
        path, _ = QFileDialog.getOpenFileName(
            window, "Open dataset", "", "Data (*.csv *.txt *.tsv);;All files (*)"
        )
        if path:
            self._try("Cannot open the dataset", lambda: window.read_dataset(path))

    def save_dataset(self) -> None:
        """Ask where to write the data as CSV."""
        window = self._window
        path, _ = QFileDialog.getSaveFileName(window, "Save dataset", "data.csv", "CSV (*.csv)")
        if path:
            self._try("Cannot save the dataset", lambda: window.write_dataset(path))

    def open_session(self) -> None:
        """Ask for a session file and restore it."""
        window = self._window
        if not window.ask_to_keep_changes("Open a session"):
            return
        path, _ = QFileDialog.getOpenFileName(
            window, "Open session", "", "Sessions (*.json);;All files (*)"
        )
        if path:
            self._try("Cannot open the session", lambda: window.read_session(path))

    def save_session(self) -> bool:
        """Ask where to save the session; return whether it was saved."""
        window = self._window
        suggested = str(window.session_path) if window.session_path else "session.json"
        path, _ = QFileDialog.getSaveFileName(
            window, "Save session", suggested, "Sessions (*.json)"
        )
        if not path:
            return False
        return self._try("Cannot save the session", lambda: window.write_session(path))

    def export_trajectory(self) -> None:
        """Ask where to write the run as CSV."""
        window = self._window
        if window.trajectory is None:
            window.complain(window.NO_RUN_TO_EXPORT)
            return
        path, _ = QFileDialog.getSaveFileName(
            window, "Export trajectory", "trajectory.csv", "CSV (*.csv)"
        )
        if path:
            self._try("Cannot export the trajectory", lambda: window.write_trajectory(path))

    def export_png(self) -> None:
        """Ask where to save a picture of the window."""
        window = self._window
        path, _ = QFileDialog.getSaveFileName(window, "Export window", "window.png", "PNG (*.png)")
        if path:
            self._export(lambda: window.export_png(path), path)

    def export_gif(self) -> None:
        """Ask for the frames, the width and the file of an animated GIF of the run."""
        window = self._window
        frames, ok = QInputDialog.getInt(
            window, "Export run as GIF", "Frames (evenly spread over the run):", 40, 2, 400
        )
        if not ok:
            return
        width, ok = QInputDialog.getInt(
            window, "Export run as GIF", "Width in pixels (height follows, 16:10):", 960, 320, 1920
        )
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(window, "Export run", "run.gif", "GIF (*.gif)")
        if path:
            size = (width, width * 10 // 16)
            self._export(lambda: window.export_gif(path, frames=frames, size=size), path)

    def export_script(self) -> None:
        """Ask where to write the run as a Python script."""
        window = self._window
        path, _ = QFileDialog.getSaveFileName(
            window, "Export run as Python script", "run.py", "Python (*.py)"
        )
        if path:
            self._export(lambda: window.export_script(path), path)

    def export_notebook(self) -> None:
        """Ask where to write the run as a Jupyter notebook."""
        window = self._window
        path, _ = QFileDialog.getSaveFileName(
            window, "Export run as Jupyter notebook", "run.ipynb", "Notebooks (*.ipynb)"
        )
        if path:
            self._export(lambda: window.export_notebook(path), path)

    def export_view(self, name: str, kind: str) -> None:
        """Ask where to save view ``name`` as ``kind`` (png or svg)."""
        window = self._window
        path, _ = QFileDialog.getSaveFileName(
            window, "Export view", f"{name}.{kind}", f"{kind.upper()} (*.{kind})"
        )
        if path:
            self._export(lambda: window.export_view(name, path), path)

    def _export(self, write: Callable[[], object], path: str) -> None:
        if self._try("Cannot export", write):
            self._window.statusBar().showMessage(f"wrote {Path(path)}", 8000)
