"""Nothing is lost: autosave after each edit, recovery after a kill, asking before discarding."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from gd_explorer.engine import Dataset, article_dataset
from gd_explorer.lessons import get_lesson
from gd_explorer.ui import autosave


def answer(qtbot, object_name: str, button: str) -> list[str]:
    """Click ``button`` in the next modal dialog named ``object_name``, as a user would.

    Returns a list that holds the dialog's text once it was answered.
    """
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != object_name:
            QTimer.singleShot(10, click)  # not up yet: look again on the next turn of the loop
            return
        seen.append(box.text() + "\n" + box.informativeText())
        for candidate in box.buttons():
            if candidate.text().replace("&", "") == button:
                qtbot.mouseClick(candidate, Qt.MouseButton.LeftButton)
                return
        raise AssertionError(f"no button {button!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)
    return seen


@contextlib.contextmanager
def asking(window):
    """Let ``window`` ask about unsaved data, and stop asking before the test ends."""
    window.confirm_unsaved = True
    try:
        yield window
    finally:
        window.confirm_unsaved = False


def autosaves(folder) -> list:
    return sorted(folder.glob("autosave-*.npz")) if folder.exists() else []


def test_an_edit_is_autosaved_and_undoing_it_removes_the_file(window, data_folder):
    assert window.autosave.folder == data_folder
    window.data_view.pointAdded.emit(2.5, 6.0)
    window.flush_autosave()
    [path] = autosaves(data_folder)
    saved = autosave.decode(path)
    assert saved.dataset == window.dataset
    assert saved.settings == window.settings.to_dict()
    window.undo_stack.undo()
    window.flush_autosave()
    assert autosaves(data_folder) == []  # back to the saved state: nothing to recover


def test_a_settings_change_alone_is_autosaved(window, data_folder):
    window.explorer.set_settings(window.settings.replace(learning_rate=0.0123), from_panel=False)
    window.flush_autosave()
    [path] = autosaves(data_folder)
    assert autosave.decode(path).settings["learning_rate"] == 0.0123
    assert not window.has_unsaved_changes  # the settings are remembered anyway


DRIVER = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    if __name__ == "__main__":
        app = QApplication([])
        from gd_explorer.ui import MainWindow

        window = MainWindow(use_gl=False, store=QSettings(sys.argv[1], QSettings.Format.IniFormat))
        window.show()
        window.load_lesson("overshoot")
        window.data_view.pointAdded.emit(2.5, 6.25)
        window.data_view.pointMoved.emit(0, 1.125, 4.0625)
        settings = window.settings.replace(learning_rate=0.0123, steps=777)
        window.explorer.set_settings(settings, from_panel=False)
        window.flush_autosave()
        print("saved", flush=True)
        app.exec()
    """
)


def test_after_kill_9_the_next_start_restores_exactly(qtbot, make_window, data_folder, tmp_path):
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GD_EXPLORER_DATA_DIR=str(data_folder))
    child = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "child.ini")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout.readline().strip() == "saved", child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert len(autosaves(data_folder)) == 1

    expected = get_lesson("overshoot").problem.data.with_point(2.5, 6.25).moved(0, 1.125, 4.0625)
    window = make_window(use_gl=False)
    assert window.dataset != expected
    seen = answer(qtbot, "recoveryDialog", "Restore")
    assert window.offer_recovery() == 1
    assert f"{len(expected)} points" in seen[0]
    np.testing.assert_array_equal(window.dataset.x, expected.x)  # exactly, bit for bit
    np.testing.assert_array_equal(window.dataset.y, expected.y)
    assert window.settings.learning_rate == 0.0123
    assert window.settings.steps == 777
    assert window.lesson_id == "overshoot"
    assert window.has_unsaved_changes  # restored, still not saved anywhere
    # The dead window's file is gone; this window's own autosave holds the work now.
    [path] = autosaves(data_folder)
    assert f"autosave-{os.getpid()}-" in path.name
    assert autosave.decode(path).dataset == expected
    window.undo_stack.undo()  # and the restore is an ordinary, undoable edit
    assert window.dataset != expected


def test_not_now_keeps_the_file_and_discard_deletes_it(qtbot, make_window, data_folder):
    orphan = data_folder / "autosave-999999999-0.npz"
    data_folder.mkdir(parents=True, exist_ok=True)
    snapshot = autosave.Snapshot(Dataset([1, 2, 3], [2, 4, 7]), {"model": "linear"}, None, 0.0)
    orphan.write_bytes(autosave.encode(snapshot))
    window = make_window(use_gl=False)
    answer(qtbot, "recoveryDialog", "Not now")
    assert window.offer_recovery() == 0
    assert orphan.exists()
    answer(qtbot, "recoveryDialog", "Discard")
    assert window.offer_recovery() == 0
    assert not orphan.exists()
    assert window.dataset == article_dataset()


def test_an_unreadable_autosave_is_set_aside_not_deleted(make_window, data_folder):
    data_folder.mkdir(parents=True, exist_ok=True)
    (data_folder / "autosave-999999999-0.npz").write_bytes(b"PK\x03\x04 not really a zip")
    window = make_window(use_gl=False)
    assert window.offer_recovery() == 0
    assert (data_folder / "autosave-999999999-0.unreadable").exists()
    assert "cannot be restored" in window.statusBar().currentMessage()


def test_another_live_window_s_autosave_is_not_offered(qtbot, make_window, data_folder):
    first = make_window(use_gl=False)
    first.data_view.pointAdded.emit(2.5, 6.0)
    first.flush_autosave()
    second = make_window(use_gl=False)
    assert second.offer_recovery() == 0  # no dialog: the first window is alive
    assert len(autosaves(data_folder)) == 1


def test_quit_with_unsaved_data_asks_and_cancel_keeps_the_window(qtbot, window, data_folder):
    window.data_view.pointAdded.emit(2.5, 6.0)
    window.flush_autosave()
    assert autosaves(data_folder)
    with asking(window):
        seen = answer(qtbot, "unsavedChangesDialog", "Cancel")
        assert not window.close()
        assert seen and "9 points" in seen[0]
        assert window.isVisible()
        assert window.controller._process.is_alive()  # nothing was shut down
        answer(qtbot, "unsavedChangesDialog", "Discard")
        assert window.close()
    assert autosaves(data_folder) == []  # discarded on purpose: nothing to offer


def test_a_quit_nobody_was_asked_about_keeps_the_autosave(window, data_folder):
    window.data_view.pointAdded.emit(2.5, 6.0)
    assert window.close()  # as on Ctrl+C or logging out: no question was asked
    assert len(autosaves(data_folder)) == 1  # offered at the next start


def test_quit_and_save_writes_a_session(qtbot, window, tmp_path, monkeypatch):
    window.data_view.pointAdded.emit(2.5, 6.0)
    target = tmp_path / "kept.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with asking(window):
        answer(qtbot, "unsavedChangesDialog", "Save")
        assert window.close()
    from gd_explorer.files import load_session

    assert load_session(target).dataset.x.tolist() == window.dataset.x.tolist()


def test_quit_without_changes_asks_nothing(window):
    with asking(window):
        assert window.close()  # a dialog here would block the test


@pytest.mark.parametrize("button, replaced", [("Cancel", False), ("Discard", True)])
def test_new_asks_before_discarding_edits(qtbot, window, button, replaced):
    window.data_view.pointAdded.emit(2.5, 6.0)
    edited = window.dataset
    with asking(window):
        answer(qtbot, "unsavedChangesDialog", button)
        window.action_new.trigger()
    assert (window.dataset == article_dataset()) is replaced
    assert (window.dataset is edited) is not replaced
    assert window.has_unsaved_changes is not replaced


def test_open_asks_before_discarding_edits(qtbot, window, monkeypatch):
    window.data_view.pointAdded.emit(2.5, 6.0)
    asked = []
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *a, **k: asked.append(a) or ("", "")),
    )
    with asking(window):
        answer(qtbot, "unsavedChangesDialog", "Cancel")
        window.dialogs.open_dataset()
        assert asked == []  # cancelled before the file dialog
        answer(qtbot, "unsavedChangesDialog", "Discard")
        window.dialogs.open_session()
    assert len(asked) == 1


def test_an_unusable_folder_turns_autosave_off_with_a_message(make_window, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    window = make_window(use_gl=False, data_folder=blocker / "autosave")
    assert not window.autosave.enabled
    assert "autosave is off" in window.statusBar().currentMessage()
    window.data_view.pointAdded.emit(2.5, 6.0)
    window.flush_autosave()  # nothing to wait for, nothing raised


def test_after_one_restore_the_others_wait_for_the_next_start(qtbot, make_window, data_folder):
    data_folder.mkdir(parents=True, exist_ok=True)
    for number, (x, when) in enumerate([([1, 2, 3], 100.0), ([4, 5, 6, 7], 200.0)]):
        snapshot = autosave.Snapshot(Dataset(x, [1, 3, 2, 5][: len(x)]), {}, None, when)
        path = data_folder / f"autosave-99999999{number}-0.npz"
        path.write_bytes(autosave.encode(snapshot))
        os.utime(path, (when, when))
    window = make_window(use_gl=False)
    answer(qtbot, "recoveryDialog", "Restore")
    assert window.offer_recovery() == 1
    assert len(window.dataset) == 4  # the newest first
    # The older one is neither replaced over the first nor lost: it is offered next time.
    assert (data_folder / "autosave-999999990-0.npz").exists()
    assert "1 more is kept" in window.statusBar().currentMessage()


def test_a_race_is_autosaved_and_restored_with_every_run(qtbot, make_window, data_folder):
    window = make_window(use_gl=False)
    window.load_lesson("adam-vs-gd")
    window.explorer.select_run(2)
    window.data_view.pointAdded.emit(2.5, 6.0)  # unsaved now
    window.flush_autosave()
    state = window.explorer.state
    [saved] = list(data_folder.glob("autosave-*.npz"))
    snapshot = autosave.decode(saved)
    assert len(snapshot.runs) == 3 and snapshot.selected == 2
    # Another window finds it as if this one had died, and restores the whole race.
    copy = data_folder / "autosave-999999999-0.npz"
    copy.write_bytes(saved.read_bytes())
    other = make_window(use_gl=False)
    answer(qtbot, "recoveryDialog", "Restore")
    assert other.offer_recovery() >= 1
    restored = other.explorer.state
    assert restored.runs == state.runs and restored.selected == 2
    assert restored.labels == ("gradient descent", "momentum 0.9", "Adam")
