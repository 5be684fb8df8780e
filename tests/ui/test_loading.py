"""Opening a dataset never blocks the window: the file is read on its own thread.

Each test counts the ticks of a zero-interval QTimer on the window's thread while the
read is under way (while its progress dialog exists): a window that blocked while
reading would count none.
"""

import numpy as np
import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

from gd_explorer.engine import Dataset, DatasetError
from gd_explorer.ui import loading, main_window

ROWS = 1_000_000


@pytest.fixture(scope="module")
def large_csv(tmp_path_factory):
    rng = np.random.default_rng(7)
    x = rng.normal(size=ROWS)
    y = 2 * x + 1 + rng.normal(size=ROWS)
    path = tmp_path_factory.mktemp("large") / "large.csv"
    lines = "\n".join(f"{a!r},{b!r}" for a, b in zip(x.tolist(), y.tolist(), strict=True))
    path.write_text("x,y\n" + lines + "\n")
    return path, x, y


def progress_dialog(window):
    return window.findChild(QProgressDialog, "loadProgress")


class Ticks:
    """Counts a zero-interval timer's ticks that come while a read is under way."""

    def __init__(self, window, on_tick=None):
        self.during = 0
        self._window = window
        self._on_tick = on_tick
        self.timer = QTimer()
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self):
        dialog = progress_dialog(self._window)
        if dialog is not None:
            self.during += 1
            if self._on_tick is not None:
                self._on_tick(dialog, self.during)

    def stop(self):
        self.timer.stop()


def test_the_window_keeps_processing_events_while_a_large_file_loads(window, large_csv):
    path, x, y = large_csv
    before = window.dataset
    ticks = Ticks(window)
    try:
        assert window.open_dataset(path)
    finally:
        ticks.stop()
    assert ticks.during > 0
    np.testing.assert_array_equal(window.dataset.x, x)
    np.testing.assert_array_equal(window.dataset.y, y)
    assert progress_dialog(window) is None or not progress_dialog(window).isVisible()
    # One undoable edit, as before.
    window.undo_stack.undo()
    assert window.dataset == before


def test_cancel_leaves_everything_as_it_was(window, large_csv, monkeypatch):
    path, _, _ = large_csv
    before = window.dataset
    undo_count = window.undo_stack.count()
    warnings = []
    monkeypatch.setattr(
        main_window.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "")
    )
    monkeypatch.setattr(main_window.QMessageBox, "warning", lambda *args: warnings.append(args))

    def press_cancel(dialog, count):
        if count == 2:
            dialog.findChild(QPushButton).click()

    ticks = Ticks(window, press_cancel)
    try:
        window.dialogs.open_dataset()  # File → Open dataset…
    finally:
        ticks.stop()
    assert ticks.during >= 2
    assert window.dataset is before
    assert window.undo_stack.count() == undo_count
    assert "cancelled" in window.statusBar().currentMessage()
    assert warnings == []


def test_a_bad_file_is_reported_as_before_and_the_data_kept(window, tmp_path, monkeypatch):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n3,four\n")
    before = window.dataset
    warnings = []
    monkeypatch.setattr(
        main_window.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "")
    )
    monkeypatch.setattr(main_window.QMessageBox, "warning", lambda *args: warnings.append(args))
    window.dialogs.open_dataset()
    assert window.dataset is before
    message = f"{path}: line 3, column 2 (y): 'four' is not a number"
    assert window.statusBar().currentMessage() == message
    assert [args[1:] for args in warnings] == [("Cannot open the dataset", message)]
    assert not window.open_dataset(tmp_path / "missing.csv")
    assert "no such file" in window.statusBar().currentMessage()


def test_a_second_open_while_reading_is_refused(window, large_csv, tmp_path):
    path, _, _ = large_csv
    small = tmp_path / "small.csv"
    Dataset([1, 2, 3], [4, 5, 6]).to_csv(small)
    answers = []

    def open_again(dialog, count):
        if count == 1:
            answers.append(window.open_dataset(small))
            answers.append(window.statusBar().currentMessage())

    ticks = Ticks(window, open_again)
    try:
        assert window.open_dataset(path)
    finally:
        ticks.stop()
    assert answers[0] is False
    assert "still reading large.csv" in answers[1]
    assert len(window.dataset) == ROWS


def test_the_reader_reports_progress_and_stops_when_cancelled(qtbot, large_csv):
    path, x, _ = large_csv
    reader = loading.DatasetReader(path)
    seen = []
    reader.progressed.connect(seen.append)
    thread = QThread()
    reader.moveToThread(thread)
    thread.started.connect(reader.run)
    with qtbot.waitSignal(reader.finished, timeout=120_000):
        thread.start()
    thread.quit()
    thread.wait()
    np.testing.assert_array_equal(reader.outcome.x, x)
    assert len(seen) > 2 and seen == sorted(seen) and seen[-1] == 100

    stopped = loading.DatasetReader(path)
    stopped.cancel()
    stopped.run()
    assert isinstance(stopped.outcome, loading.Cancelled)


def test_read_dataset_waits_for_the_data_or_raises(large_csv, tmp_path):
    path, x, _ = large_csv
    np.testing.assert_array_equal(loading.read_dataset(path).x, x)
    with pytest.raises(DatasetError, match="no such file"):
        loading.read_dataset(tmp_path / "nope.csv")


def test_an_unexpected_error_of_the_reader_is_raised_not_waited_for(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "fine.csv"
    Dataset([1, 2], [3, 4]).to_csv(path)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the reader")

    monkeypatch.setattr(loading.Dataset, "from_csv", broken)
    with pytest.raises(RuntimeError, match="a bug in the reader"):
        loading.read_dataset(path)


def test_a_long_read_shows_its_progress_with_cancel_then_closes_it(window, large_csv, monkeypatch):
    path, _, _ = large_csv
    monkeypatch.setattr(loading, "SHOW_AFTER_MS", 0)  # every read counts as long here
    seen = []

    def look(dialog, count):
        if dialog.isVisible():
            seen.append((dialog.isModal(), dialog.findChild(QPushButton).text(), dialog.value()))

    ticks = Ticks(window, look)
    try:
        assert window.open_dataset(path)
    finally:
        ticks.stop()
    assert seen, "the progress dialog never showed"
    assert all(modal and button == "Cancel" for modal, button, _ in seen)
    values = [value for _, _, value in seen]
    assert values == sorted(values)
    dialog = progress_dialog(window)
    assert dialog is None or not dialog.isVisible()
