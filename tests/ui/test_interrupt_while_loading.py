"""Ctrl+C in the terminal while the file named on the command line is still being read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The driver holds the reader back until it is cancelled, so the read is certainly
# under way (its progress dialog exists) when the driver presses Ctrl+C.
DRIVER = """
import os
import signal
import sys
import threading

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from gd_explorer.ui import loading


def held_back(path, progress=None, **_):
    # Reports no progress until the read is cancelled: then progress() raises.
    pause = threading.Event()
    while True:
        progress(0, 100)
        pause.wait(0.01)


def watch(app, watcher):
    for widget in app.allWidgets():
        if isinstance(widget, QProgressDialog) and widget.objectName() == "loadProgress":
            watcher.stop()
            print("reading", flush=True)
            os.kill(os.getpid(), signal.SIGINT)
            return


if __name__ == "__main__":  # not when the engine's process imports this file
    settings, *arguments = sys.argv[1:]
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(kind, scope, settings)  # never the user's settings
    loading.Dataset.from_csv = held_back
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    watcher = QTimer()
    watcher.timeout.connect(lambda: watch(app, watcher))
    watcher.start(20)
    from gd_explorer.app import main

    status = main(arguments)
    print("main returned", status, flush=True)
    sys.exit(status)
"""


def test_ctrl_c_while_the_file_is_read_quits_without_a_traceback(tmp_path):
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    settings = tmp_path / "settings"
    settings.mkdir()
    data = tmp_path / "data.csv"
    data.write_text("x,y\n1,2\n2,3\n3,5\n")
    env = dict(os.environ)  # with the DISPLAY and platform of this session
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["GD_EXPLORER_DATA_DIR"] = str(tmp_path / "autosave")
    result = subprocess.run(
        [sys.executable, str(driver), str(settings), "--no-gl", str(data)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=180,
    )
    assert "reading" in result.stdout, result.stderr
    assert result.returncode == 0, result.stderr
    assert "main returned 0" in result.stdout
    for sign in ("KeyboardInterrupt", "Traceback", "QThread", "Fatal", "Aborted"):
        assert sign not in result.stderr, result.stderr
