"""gd_explorer.explore: the window on data prepared in Python, from a script or a notebook."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

import gd_explorer
from gd_explorer.engine import Dataset, LinearRegression, descend
from gd_explorer.settings import Settings
from gd_explorer.ui import MainWindow

# The package's explore() function hides its module of the same name.
explore_module = importlib.import_module("gd_explorer.explore")
ROOT = Path(__file__).resolve().parents[2]
X = [1.0, 2.0, 3.0, 4.0, 5.0]
Y = [1.2, 1.9, 3.2, 3.8, 5.1]


def main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


@pytest.fixture
def opened(qtbot):
    """Close and delete every window explore() left open, even when the test failed."""
    yield
    for window in list(explore_module._OPEN):
        try:
            window.confirm_unsaved = False
            window.controller.shutdown()
            window.close()
        except RuntimeError:
            pass  # closed and deleted by its test
    explore_module._OPEN.clear()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


class Frame:
    """Stands in for a pandas DataFrame: only ``to_numpy()``, as pandas has it."""

    def __init__(self, *columns):
        self._values = np.column_stack(columns)

    def to_numpy(self):
        return self._values


class ArrayLike:
    def __init__(self, values):
        self._values = np.asarray(values, dtype=float)

    def __array__(self, dtype=None, copy=None):
        return self._values


@pytest.mark.parametrize(
    ("args", "options", "says"),
    [
        ((X, Y[:4]), {}, "x has 5 values but y has 4"),
        ((X, [1.2, float("nan"), 3.2, 3.8, 5.1]), {}, "y has nan in row 2"),
        ((["a", "b", "c"], [1, 2, 3]), {}, "x must contain only numbers, but row 1 is 'a'"),
        ((Frame(X, Y, Y),), {}, "two columns (x, then y); this one has shape (5, 3)"),
        ((X, Y), {"model": "logistic"}, "logistic regression needs every y to be 0 or 1"),
        ((X, Y), {"learning_rat": 0.1}, "unknown setting 'learning_rat'"),
        ((X, Y), {"steps": 0}, "steps must be ≥ 1"),
        ((X, Y), {"lesson": "rosenbrock-valley"}, "about a function, not data"),
    ],
)
def test_bad_data_or_settings_get_a_clear_value_error_before_any_window(
    qtbot, opened, args, options, says
):
    before = main_windows()
    with pytest.raises(ValueError) as error:
        gd_explorer.explore(*args, **options)
    assert says in str(error.value)
    assert main_windows() == before


def test_a_two_column_table_opens_with_its_data_and_settings(qtbot, opened):
    window = gd_explorer.explore(
        Frame(X, [0, 0, 1, 1, 1]),
        model="logistic",
        learning_rate=0.5,
        variant="stochastic",
        name="hours and passes",
        block=False,
        use_gl=False,
    )
    assert isinstance(window, MainWindow) and window.isVisible()
    np.testing.assert_array_equal(window.dataset.x, X)
    np.testing.assert_array_equal(window.dataset.y, [0, 0, 1, 1, 1])
    assert window.settings.model == "logistic" and window.settings.learning_rate == 0.5
    assert window.settings.variant == "stochastic"
    assert window.windowTitle().startswith("hours and passes")
    assert not window.has_unsaved_changes  # closing does not ask to save Python's data


def test_an_array_like_and_a_lesson_s_settings_on_your_data(qtbot, opened):
    window = gd_explorer.explore(ArrayLike(X), ArrayLike(Y), lesson="mini-batch", block=False,
                                 use_gl=False)  # fmt: skip
    np.testing.assert_array_equal(window.dataset.y, Y)
    assert window.settings.variant == "minibatch"


def test_with_ipython_running_qt_s_loop_it_returns_at_once(qtbot, opened, monkeypatch):
    """Jupyter after %gui qt: the kernel has an event loop; explore must not block."""
    shell = types.SimpleNamespace(kernel=types.SimpleNamespace(eventloop=object()))
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    window = gd_explorer.explore(X, Y, use_gl=False)
    assert window in explore_module._OPEN and window.isVisible()
    window.toggle_run()
    qtbot.waitUntil(lambda: window.trajectory is not None and window.trajectory.steps > 0)
    window.close()  # the run stops, and the window is let go once closed
    qtbot.waitUntil(lambda: window not in explore_module._OPEN)


GUARDLESS = textwrap.dedent(
    """
    import os
    from pathlib import Path

    MARKER = Path(os.environ["EXPLORE_MARKER"])
    with MARKER.open("a") as marker:
        marker.write(f"script ran in process {os.getpid()}\\n")

    from PySide6.QtCore import QCoreApplication, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    import gd_explorer
    from gd_explorer.ui import MainWindow

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication([])
    state = {"polls": 0, "started": False}


    def note(text):
        with MARKER.open("a") as marker:
            marker.write(text + "\\n")


    def drive():
        # Once the window is up: run the descent, and close the window when it has ended.
        state["polls"] += 1
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if state["polls"] > 1500:
            note("gave up waiting for the run")
            for window in windows:
                window.close()
            app.quit()
            return
        if not windows or not windows[0].isVisible():
            return
        window = windows[0]
        if not state["started"]:
            state["started"] = True
            window.toggle_run()
            return
        run = window.trajectory
        if run is None or run.status == "running":
            return
        note(f"run ended: {run.steps} steps, {run.status}, m = {run.final[0]!r}")
        window.close()


    poll = QTimer()
    poll.timeout.connect(drive)
    poll.start(40)
    gd_explorer.explore(
        [1.0, 2.0, 3.0, 4.0, 5.0], [1.2, 1.9, 3.2, 3.8, 5.1],
        learning_rate=0.05, steps=200, speed=0, use_gl=False,
    )
    note("explore returned")
    """
)


def test_a_script_without_a_main_guard_opens_the_window_and_runs(tmp_path):
    script = tmp_path / "teacher.py"
    script.write_text(GUARDLESS, encoding="utf-8")
    marker = tmp_path / "marker.txt"
    env = dict(os.environ)
    env.update(
        EXPLORE_MARKER=str(marker),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        # The script's window keeps its settings and autosaves here, not in the user's.
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "share"),
        GD_EXPLORER_DATA_DIR=str(tmp_path / "autosave"),
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert marker.exists(), done.stderr[-3000:]
    lines = marker.read_text(encoding="utf-8").splitlines()
    assert done.returncode == 0, (lines, done.stderr[-3000:])
    ran = [line for line in lines if line.startswith("script ran")]
    assert ran == [f"script ran in process {ran[0].split()[-1]}"], lines  # once: not in the child
    expected = descend(
        LinearRegression(Dataset(X, Y)), Settings(learning_rate=0.05, steps=200).config()
    )
    assert f"run ended: 200 steps, max_steps, m = {expected.final[0]!r}" in lines, lines
    assert lines[-1] == "explore returned"
