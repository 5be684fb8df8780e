"""Closing and quitting: no crash at exit, whatever order Qt and Python destroy things in."""

import multiprocessing
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

# pytest-qt's ordinary pattern, in a file of its own: the window is closed at teardown
# but deleted only at interpreter exit, after the QApplication.
INNER = {
    "built": """
        from gd_explorer.ui import MainWindow

        def test_window(qtbot):
            qtbot.addWidget(MainWindow())
    """,
    "shown": """
        from gd_explorer.ui import MainWindow

        def test_window(qtbot):
            window = MainWindow()
            qtbot.addWidget(window)
            with qtbot.waitExposed(window):
                window.show()
    """,
    "running": """
        from gd_explorer.ui import MainWindow

        def test_window(qtbot):
            window = MainWindow()
            qtbot.addWidget(window)
            with qtbot.waitExposed(window):
                window.show()
            window.toggle_run()
            qtbot.waitUntil(lambda: window.trajectory.steps > 5, timeout=30_000)
    """,
}


@pytest.mark.gl
@pytest.mark.parametrize("case", sorted(INNER))
def test_a_window_closed_but_not_deleted_exits_cleanly(pytester, case):
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makeini("[pytest]\nmarkers =\n    gl: needs OpenGL\n")
    pytester.makepyfile(test_inner=INNER[case])
    # Same DISPLAY and platform as this session: the inner one inherits the environment.
    result = pytester.runpytest_subprocess("-p", "no:xvfb", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert result.ret == 0, "\n".join(result.errlines[-20:])
    assert not [line for line in result.errlines if "QThread" in line or "Fatal" in line]


@pytest.mark.gl
def test_closing_the_window_stops_the_engine_and_frees_the_gl_surface(qtbot, window):
    import shiboken6

    from gd_explorer.ui.surface_view import SurfaceView

    surface = window.surface
    assert isinstance(surface, SurfaceView), "no GL surface view: OpenGL was not available"
    canvas = surface.canvas
    window.toggle_run()
    qtbot.waitUntil(lambda: window.trajectory.steps > 5, timeout=30_000)
    process = window.controller.process
    assert window.close()
    assert surface.released and not shiboken6.isValid(canvas)
    assert not process.is_alive() and not window.controller._thread.isRunning()
    # The closed window still takes what it is given, without a surface to draw on.
    window.load_lesson("overshoot")
    assert surface.grabFramebuffer().isNull()


def _close_then_delete_later(window):
    window.close()
    window.deleteLater()


def _delete_later_unclosed(window):
    window.deleteLater()  # destroyed without a close event


def _delete_at_once(window):
    import shiboken6

    shiboken6.delete(window)  # Qt destroys it now, children first, with no close event


def _close_and_forget(window):
    window.close()  # Python deletes it whenever it collects the wrapper


ENDINGS = (_close_then_delete_later, _delete_later_unclosed, _delete_at_once, _close_and_forget)


def test_windows_ended_mid_run_in_any_order_leave_no_thread_or_process(qtbot):
    import gc

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from gd_explorer.ui import MainWindow

    before = set(multiprocessing.active_children())
    for number in range(20):
        window = MainWindow(use_gl=number % 2 == 0)
        with qtbot.waitExposed(window):
            window.show()
        window.toggle_run()
        qtbot.waitUntil(lambda w=window: w.trajectory.steps > 0, timeout=60_000)
        thread, process = window.controller._thread, window.controller.process
        end = ENDINGS[number % len(ENDINGS)]
        end(window)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        # At once, not whenever Python collects the window: nothing outlives it.
        assert not thread.isRunning(), end.__name__
        assert not process.is_alive(), end.__name__
        del window
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert set(multiprocessing.active_children()) <= before


LEFT_OPEN = """
import sys

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication

if __name__ == "__main__":  # not when the engine's process imports this file
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(kind, scope, sys.argv[2])  # never the user's settings
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    from gd_explorer.ui import MainWindow

    window = MainWindow(use_gl=sys.argv[1] == "gl")
    window.show()
    window.toggle_run()
    while window.trajectory.steps < 5:
        app.processEvents()
    print("leaving with the window open and its run going", flush=True)
"""


@pytest.mark.gl
@pytest.mark.parametrize("view", ["gl", "no-gl"])
def test_a_script_that_exits_with_a_window_running_exits_cleanly(tmp_path, view):
    import os
    import subprocess
    import sys

    script = tmp_path / "left_open.py"
    script.write_text(LEFT_OPEN)
    env = dict(os.environ)  # the DISPLAY and platform of this session
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(script), view, str(tmp_path / "settings")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "leaving" in result.stdout
    assert "QThread" not in result.stderr and "Fatal" not in result.stderr
