"""Reading a dataset file on its own thread while the window keeps drawing.

`read_dataset` starts the read on a `QThread` and waits for it in a local event
loop, so the caller gets its answer as from a plain function call while the
window goes on painting, ticking its timers and answering the mouse. A read
that takes long shows a progress dialog; its Cancel stops the reader at its
next block and the caller gets ``None``: nothing was changed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from gd_explorer.engine import Dataset

SHOW_AFTER_MS = 400
"""A read still going after this long shows its progress dialog."""


class Cancelled(Exception):
    """Raised inside the reader when the user cancels, to stop it between blocks."""


class DatasetReader(QObject):
    """Reads one file on the thread it lives on; emits the outcome once.

    Parameters
    ----------
    path : path-like
        The file to read with `Dataset.from_csv`.
    """

    progressed = Signal(int)
    """The percentage read so far, emitted only when it changes (at most 101 times)."""
    finished = Signal()
    """The read is over; `outcome` holds how it ended."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self._path = Path(path)
        self._stop = threading.Event()
        self._percent = -1
        self.outcome: Dataset | Exception | None = None
        """Once `finished` is emitted: the `Dataset`, or the exception that ended the
        read (a `DatasetError`, a `Cancelled`, or any other, a bug to be raised again)."""

    def cancel(self) -> None:
        """Ask the reader to stop at its next block; safe from any thread."""
        self._stop.set()

    @Slot()
    def run(self) -> None:
        """Read the file and emit `finished` with the outcome."""
        try:
            self.outcome = Dataset.from_csv(self._path, progress=self._report)
        except Exception as error:  # carried to the waiting thread, never lost here
            self.outcome = error
        finally:
            # Always: the window waits for this signal.
            self.finished.emit()

    def _report(self, done: int, total: int) -> None:
        if self._stop.is_set():
            raise Cancelled
        percent = 100 * done // total if total else 100
        if percent != self._percent:
            self._percent = percent
            self.progressed.emit(percent)


def read_dataset(path: str | Path, parent: QWidget | None = None) -> Dataset | None:
    """Read a dataset off the GUI thread, waiting for it in a local event loop.

    Parameters
    ----------
    path : path-like
        The CSV file.
    parent : QWidget, optional
        The window the progress dialog belongs to (and blocks while shown).

    Returns
    -------
    Dataset or None
        The data, or None when the read was cancelled (by the user, or by the
        application quitting meanwhile).

    Raises
    ------
    DatasetError
        When the file cannot be read; the message says why. Any other error of
        the reader is raised here too.
    """
    path = Path(path)
    reader = DatasetReader(path)
    thread = QThread()
    reader.moveToThread(thread)
    dialog = _progress_dialog(path, parent)
    loop = QEventLoop()
    cancelled = []

    def cancel() -> None:
        # Answer at once; a result the reader sends after this is dropped.
        cancelled.append(True)
        reader.cancel()
        loop.quit()

    thread.started.connect(reader.run)
    # The receivers live on this thread, so both signals arrive as queued events.
    reader.finished.connect(loop.quit)
    reader.progressed.connect(dialog.setValue)
    dialog.canceled.connect(cancel)
    dialog.setValue(0)  # starts the dialog's clock for SHOW_AFTER_MS
    thread.start()
    try:
        loop.exec()
    finally:
        # Also reached when the application quits while reading: stop and join the reader.
        reader.cancel()
        thread.quit()
        thread.wait()
        dialog.canceled.disconnect(cancel)
        # A progress value still queued, or the dialog's own timer, would show it again.
        QCoreApplication.removePostedEvents(dialog, QEvent.Type.MetaCall)
        dialog.reset()
        dialog.close()
        dialog.deleteLater()
    # The reader and the thread are Python's: both go when this function returns, the
    # thread having finished.
    outcome = reader.outcome
    if cancelled or outcome is None or isinstance(outcome, Cancelled):
        return None
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _progress_dialog(path: Path, parent: QWidget | None) -> QProgressDialog:
    dialog = QProgressDialog(f"Reading {path.name}…", "Cancel", 0, 100, parent)
    dialog.setObjectName("loadProgress")
    dialog.setWindowTitle("Open dataset")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog
