"""The command line: help, version, lesson ids, the no-display message, --no-gl."""

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from gd_explorer import __version__
from gd_explorer.app import (
    NO_DISPLAY_MESSAGE,
    OPEN_PROBLEM_NAME,
    build_parser,
    create_window,
    main,
)
from gd_explorer.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[2]
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def _run(code: str, *args: str, display: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if not display:
        for name in DISPLAY_VARIABLES:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


# Runs ``python -m gd_explorer`` with Qt made unimportable, to prove the paths
# that must not need Qt never touch it.
RUN_WITHOUT_QT = """
    import runpy, sys

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, BlockQt())
    runpy.run_module("gd_explorer", run_name="__main__", alter_sys=True)
"""


def test_help_works_without_display_or_qt():
    result = _run(RUN_WITHOUT_QT, "--help", display=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: gd-explorer")
    for option in ("--no-gl", "--lesson ID", "--version"):
        assert option in result.stdout


def test_version_works_without_display_or_qt():
    result = _run(RUN_WITHOUT_QT, "--version", display=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"gd-explorer {__version__}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux/X11")
def test_no_display_prints_one_line_and_returns_2():
    result = _run(RUN_WITHOUT_QT, display=False)
    assert result.returncode == 2
    assert result.stderr == NO_DISPLAY_MESSAGE + "\n"
    assert "xvfb-run" in result.stderr and "no display" in result.stderr


def test_main_returns_status_for_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"gd-explorer {__version__}\n"


def test_unknown_lesson_is_a_usage_error_listing_valid_ids(capsys):
    assert main(["--lesson", "no-such-lesson"]) == 2
    err = capsys.readouterr().err
    assert "unknown lesson 'no-such-lesson'" in err
    for lesson in LESSONS:
        assert lesson.id in err


def test_known_lesson_is_accepted():
    lesson_id = LESSONS[-1].id
    assert build_parser().parse_args(["--lesson", lesson_id]).lesson == lesson_id


def test_no_gl_option_gives_the_fallback_panel(qtbot):
    window = create_window(build_parser().parse_args(["--no-gl"]))
    qtbot.addWidget(window)
    panels = window.findChildren(QWidget, "surfaceView")
    assert len(panels) == 1
    assert isinstance(panels[0], QLabel)
    assert "OpenGL" in panels[0].text() and "--no-gl" in panels[0].text()


def test_lesson_option_loads_the_lesson(qtbot):
    lesson = next(lesson for lesson in LESSONS if lesson.problem.kind == "logistic")
    window = create_window(build_parser().parse_args(["--no-gl", "--lesson", lesson.id]))
    qtbot.addWidget(window)
    assert window.dataset == lesson.problem.data
    assert lesson.title in window.windowTitle()


# Start-up and shut-down through the command line, in a process of its own. The driver
# makes the program quit by itself: it watches the window from a timer of its own and
# quits (or says "ready" and waits for Ctrl+C), then main() returns.
DRIVER = """
import sys

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def shown_window(app):
    for widget in app.topLevelWidgets():
        if type(widget).__name__ == "MainWindow" and widget.isVisible():
            return widget
    return None


def watch(app, watcher, wait_for):
    window = shown_window(app)
    if window is None:
        return
    if wait_for == "notice":
        box = window.findChild(QMessageBox, "openProblem")
        if box is None or not box.isVisible():
            return
        print("notice:", box.text().replace("\\n", " "))
        print("status:", window.statusBar().currentMessage())
        print("points:", len(window.dataset))
        app.quit()
    elif wait_for == "window":
        print("points:", len(window.dataset))
        app.quit()
    elif wait_for == "ready":
        if window.trajectory is None:
            window.toggle_run()
        elif window.trajectory.steps > 0:  # a run is going: then Ctrl+C
            watcher.stop()
            print("ready", flush=True)


if __name__ == "__main__":  # not when the engine's process imports this file
    settings, wait_for, *arguments = sys.argv[1:]
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(kind, scope, settings)  # never the user's settings
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    watcher = QTimer()
    watcher.timeout.connect(lambda: watch(app, watcher, wait_for))
    watcher.start(20)
    from gd_explorer.app import main

    status = main(arguments)
    print("main returned", status, flush=True)
    sys.exit(status)
"""
CRASH_SIGNS = ("QThread", "Fatal", "Traceback", "Segmentation", "Aborted")


def _driver(tmp_path: Path, wait_for: str, *arguments: str) -> list[str]:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    settings = tmp_path / "settings"
    settings.mkdir(exist_ok=True)
    return [sys.executable, str(driver), str(settings), wait_for, *arguments]


def _environment() -> dict[str, str]:
    env = dict(os.environ)  # with the DISPLAY and platform of this session
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _start_up(tmp_path: Path, wait_for: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        _driver(tmp_path, wait_for, *arguments),
        capture_output=True,
        text=True,
        env=_environment(),
        cwd=tmp_path,
        timeout=180,
    )


def _assert_no_crash(result) -> None:
    for sign in CRASH_SIGNS:
        assert sign not in result.stderr, result.stderr


BAD_FILES = {
    "nested.json": "[" * 1000,
    "huge.csv": "x,y\n1e308,1\n2,3\n3,4\n",
    "binary.csv": bytes(range(256)) * 8,
    "empty.csv": "",
    "empty.json": "",
    "nul.csv": "x,y\n1,2\n3,\x004\n",
    "wide.csv": ",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join(["1"] * 10_000) + "\n",
    "overflow.json": '{"format": "gd-explorer session", "version": 1, "dataset": '
    '{"x": [1e300, 2], "y": [1, 2]}, "settings": {}}',
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_file_that_cannot_be_opened_leaves_the_usual_window_and_says_why(tmp_path, name):
    path = tmp_path / name
    content = BAD_FILES[name]
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    result = _start_up(tmp_path, "notice", str(path))
    assert result.returncode == 0, result.stderr
    _assert_no_crash(result)
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert name in lines["notice"]
    assert lines["status"] == lines["notice"]
    assert lines["points"] == "8"  # the article's data, as without the file
    assert "main returned 0" in result.stdout


def test_a_file_that_opens_shows_its_data_and_no_notice(tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("x,y\n1,2\n2,3\n3,5\n")
    result = _start_up(tmp_path, "window", str(path))
    assert result.returncode == 0, result.stderr
    _assert_no_crash(result)
    assert "points: 3" in result.stdout


def test_a_folder_is_refused_before_any_window_opens(tmp_path):
    folder = tmp_path / "a folder"
    folder.mkdir()
    result = _start_up(tmp_path, "window", str(folder))
    assert result.returncode == 2  # a usage error, said in one line
    assert "a folder" in result.stderr and "usage: gd-explorer" in result.stderr
    _assert_no_crash(result)


def test_whatever_the_loader_raises_create_window_opens_the_usual_window(qtbot, tmp_path):
    # Past the command line's check (a folder there is a usage error), the loader's
    # own error must not escape either.
    args = build_parser().parse_args(["--no-gl"])
    args.file = str(tmp_path)
    window = create_window(args)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    box = window.findChild(QMessageBox, OPEN_PROBLEM_NAME)
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert tmp_path.name in box.text() and len(window.dataset) == 8
    assert window.statusBar().currentMessage() == box.text()
    box.accept()


def test_ctrl_c_in_the_terminal_closes_the_window_and_exits_cleanly(tmp_path):
    process = subprocess.Popen(
        _driver(tmp_path, "ready"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(),
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        # A bound, not a measurement: a program that never comes up fails here.
        assert select.select([process.stdout], [], [], 180)[0], "the window never came up"
        assert process.stdout.readline() == "ready\n"  # the window is up, a run going
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "main returned 0" in out
    for sign in (*CRASH_SIGNS, "KeyboardInterrupt"):
        assert sign not in err, err
    # It closed as a window closes: its settings were kept (in the test's own folder).
    assert list((tmp_path / "settings").rglob("*.ini"))
