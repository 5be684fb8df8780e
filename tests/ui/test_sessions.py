"""Sessions and exports through the window: save, re-open identical, refuse bad files."""

import errno
import json
import os

import numpy as np

from gd_explorer.app import build_parser, create_window
from gd_explorer.engine import article_dataset
from gd_explorer.lessons import get_lesson
from gd_explorer.ui.main_window import RECENT_COUNT

RUN_TIMEOUT = 30_000


def run_to_end(qtbot, window):
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    window.findChild(type(window.action_run), "actionRun").trigger()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status != "running",
        timeout=RUN_TIMEOUT,
    )
    return window.trajectory


def test_saved_session_reopens_identical(make_window, qtbot, tmp_path):
    first = make_window(use_gl=False)
    first.load_lesson("mini-batch")
    first.data_view.pointMoved.emit(0, 1.5, 4.25)  # an edit after the lesson
    first.explorer.set_settings(
        first.settings.replace(speed=0.0, learning_rate=0.02), from_panel=False
    )
    assert first.dataset.x[0] == 1.5
    path = tmp_path / "class.json"
    assert first.save_session(path)

    second = make_window(use_gl=False)
    assert second.dataset != first.dataset
    assert second.open_session(path)
    assert second.dataset == first.dataset
    assert second.dataset.name == first.dataset.name
    assert second.settings == first.settings
    assert second.lesson_id == first.lesson_id == "mini-batch"

    one, two = run_to_end(qtbot, first), run_to_end(qtbot, second)
    assert one.steps == two.steps == first.settings.steps
    assert one.status == two.status
    np.testing.assert_array_equal(one.params, two.params)
    np.testing.assert_array_equal(one.cost, two.cost)
    np.testing.assert_array_equal(one.grad, two.grad)


def test_open_session_is_one_undoable_change(window, tmp_path):
    window.load_lesson("overshoot")
    path = tmp_path / "s.json"
    assert window.save_session(path)
    window.load_lesson("stochastic")
    before = (window.dataset, window.settings)
    assert window.open_session(path)
    assert window.settings.learning_rate == get_lesson("overshoot").config.learning_rate
    window.action_undo.trigger()
    assert (window.dataset, window.settings) == before


def test_malformed_session_changes_nothing_and_says_why(window, tmp_path):
    before = (window.dataset, window.settings)
    depth = window.undo_stack.count()
    path = tmp_path / "broken.json"
    document = json.loads(_saved(window, tmp_path).read_text(encoding="utf-8"))
    document["dataset"]["x"][3] = "abc"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert not window.open_session(path)
    assert (window.dataset, window.settings) == before
    assert window.undo_stack.count() == depth
    message = window.statusBar().currentMessage()
    assert message.startswith("broken.json: 'dataset.x'")
    assert "(item 3 is 'abc')" in message


def test_refused_setting_and_unfit_data_change_nothing(window, tmp_path):
    before = (window.dataset, window.settings)
    document = json.loads(_saved(window, tmp_path).read_text(encoding="utf-8"))
    document["settings"]["learning_rate"] = -1.0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert not window.open_session(path)
    assert "'settings.learning_rate' = -1.0 is not accepted" in window.statusBar().currentMessage()

    document = json.loads(_saved(window, tmp_path).read_text(encoding="utf-8"))
    document["model"] = "logistic"  # the article's y values are not classes
    path.write_text(json.dumps(document), encoding="utf-8")
    assert not window.open_session(path)
    assert (window.dataset, window.settings) == before

    document["settings"]["model"] = "logistic"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert not window.open_session(path)
    assert window.statusBar().currentMessage().startswith("bad.json: ")  # which file
    assert (window.dataset, window.settings) == before


def _saved(window, tmp_path):
    path = tmp_path / "good.json"
    assert window.save_session(path)
    return path


def test_export_trajectory_csv(window, qtbot, tmp_path):
    path = tmp_path / "run.csv"
    assert not window.export_trajectory(path)
    assert "no run to export" in window.statusBar().currentMessage()
    window.explorer.set_settings(window.settings.replace(steps=200), from_panel=False)
    trajectory = run_to_end(qtbot, window)
    assert window.export_trajectory(path)
    assert path.read_text(encoding="utf-8").startswith(
        "step,slope,intercept,cost,gradient_slope,gradient_intercept\n"
    )
    table = np.genfromtxt(path, delimiter=",", skip_header=1)
    np.testing.assert_array_equal(table[:, 1:3], trajectory.params)
    np.testing.assert_array_equal(table[:, 3], trajectory.cost)
    np.testing.assert_array_equal(table[1:, 4:], trajectory.grad)


def test_recent_sessions_update_and_drop_missing_files(window, tmp_path):
    paths = [tmp_path / f"s{i}.json" for i in range(RECENT_COUNT + 2)]
    for path in paths:
        assert window.save_session(path)
    assert window.open_session(paths[0])  # opening moves it to the top
    expected = [str(p.resolve()) for p in [paths[0], *paths[:0:-1]]][:RECENT_COUNT]
    assert window.recent_sessions() == expected
    window.fill_recent_menu()
    titles = [action.text() for action in window.recent_menu.actions()]
    assert titles[0] == "&1 s0.json" and len(titles) == RECENT_COUNT

    paths[-1].unlink()
    assert window.recent_sessions() == expected[:1] + expected[2:]
    assert "s9.json" in window.statusBar().currentMessage()
    # The drop is remembered: a fresh look finds nothing missing.
    assert window.recent_sessions() == expected[:1] + expected[2:]


def test_recent_sessions_survive_a_new_window(make_window, tmp_path):
    first = make_window(use_gl=False)
    assert first.save_session(tmp_path / "kept.json")
    second = make_window(use_gl=False)
    assert second.recent_sessions() == [str((tmp_path / "kept.json").resolve())]


def test_command_line_file_opens_a_session(qtbot, tmp_path, make_window):
    source = make_window(use_gl=False)
    source.load_lesson("logistic-slope")
    path = tmp_path / "lesson.json"
    assert source.save_session(path)

    window = create_window(build_parser().parse_args(["--no-gl", str(path)]))
    qtbot.addWidget(window)
    assert window.dataset == get_lesson("logistic-slope").problem.data
    assert window.settings.model == "logistic"
    assert window.lesson_id == "logistic-slope"


def test_command_line_csv_opens_a_dataset(qtbot, tmp_path):
    path = tmp_path / "points.csv"
    data = article_dataset().with_point(11.0, 12.5)
    data.to_csv(path)
    window = create_window(build_parser().parse_args(["--no-gl", str(path)]))
    qtbot.addWidget(window)
    assert np.array_equal(window.dataset.x, data.x)


def test_command_line_unreadable_session_opens_the_window_and_says_why(qtbot, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    window = create_window(build_parser().parse_args(["--no-gl", str(path)]))
    qtbot.addWidget(window)
    assert window.dataset == article_dataset()
    assert window.statusBar().currentMessage().startswith("bad.json: not JSON")


def test_command_line_missing_file_is_a_usage_error(capsys, tmp_path):
    from gd_explorer.app import main

    assert main([str(tmp_path / "nowhere.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unknown_lesson_is_dropped_and_said_and_not_saved_back(window, tmp_path):
    document = json.loads(_saved(window, tmp_path).read_text(encoding="utf-8"))
    document["lesson"] = "from-a-newer-version"
    document["settings"]["learning_rate"] = 0.02
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert window.open_session(path)
    assert window.settings.learning_rate == 0.02  # the rest is kept
    assert window.lesson_id is None
    message = window.statusBar().currentMessage()
    assert "'from-a-newer-version' is not one of this program's lessons" in message
    again = tmp_path / "again.json"
    assert window.save_session(again)
    assert json.loads(again.read_text(encoding="utf-8"))["lesson"] is None


def test_command_line_folder_is_named_a_folder(capsys, tmp_path):
    from gd_explorer.app import main

    assert main([str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "is a folder" in error and "no such file" not in error
    if os.path.exists(os.devnull) and not os.path.isfile(os.devnull):
        assert main([os.devnull]) == 2
        assert "is a device or a pipe, not a file" in capsys.readouterr().err


def test_dialogs_show_the_reason_a_save_failed(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from gd_explorer.engine import atomic

    run_to_end(qtbot, window)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    answers = iter([(2, True), (320, True)])  # frames, then width
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args: next(answers))
    target = str(tmp_path / "out")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (target, ""))

    def full_disk(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    dialogs = [
        window.dialogs.save_dataset,
        window.dialogs.save_session,
        window.dialogs.export_trajectory,
        window.dialogs.export_png,
        window.dialogs.export_gif,
        lambda: window.dialogs.export_view("history", "png"),
        lambda: window.dialogs.export_view("history", "svg"),
    ]
    for dialog in dialogs:
        shown.clear()
        dialog()
        assert len(shown) == 1, dialog
        assert "No space left on device" in shown[0], (dialog, shown[0])
        assert shown[0] == window.statusBar().currentMessage()
    assert not (tmp_path / "out").exists()


def test_open_dialog_shows_why_a_session_cannot_be_read(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    for path, reason in [(tmp_path, "it is a folder"), (os.devnull, "it is a device")]:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, p=path: (str(p), ""))
        shown.clear()
        window.dialogs.open_session()
        assert len(shown) == 1 and reason in shown[0], shown


def test_command_line_link_loop_is_named_as_such(capsys, tmp_path):
    from gd_explorer.app import main

    loop = tmp_path / "loop.csv"
    loop.symlink_to(tmp_path / "loop.csv")
    assert main([str(loop)]) == 2
    error = capsys.readouterr().err
    assert "is a link that leads to no file" in error and "no such file" not in error
