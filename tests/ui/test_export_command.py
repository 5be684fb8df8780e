"""``gd-explorer export``: a lesson's run as a script or notebook; its pictures' 3-D panel."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gd_explorer.app import main
from gd_explorer.engine import descend, standardise
from gd_explorer.lessons import get_lesson

ROOT = Path(__file__).resolve().parents[2]
FINAL = re.compile(r"final (?:slope and intercept: m|point: x) = (\S+), (?:b|y) = (\S+)$")


def final_of(output: str) -> tuple[float, float]:
    match = FINAL.match(output.strip().splitlines()[-1])
    assert match, output
    return float(match[1]), float(match[2])


def lesson_run(lesson_id: str):
    lesson = get_lesson(lesson_id)
    problem = lesson.problem
    if lesson.scaling:
        problem = standardise(problem.data).problem(problem)
    return descend(problem, lesson.config)


@pytest.mark.parametrize("lesson", ["mini-batch", "feature-scaling", "rosenbrock-valley"])
def test_export_writes_a_lesson_s_run_as_a_script_and_a_notebook(tmp_path, capsys, lesson):
    script, notebook = tmp_path / "run.py", tmp_path / "run.ipynb"
    status = main(["export", "--lesson", lesson, "--script", str(script)]
                  + ["--notebook", str(notebook)])  # fmt: skip
    assert status == 0
    said = capsys.readouterr().out
    assert str(script) in said and str(notebook) in said
    run = lesson_run(lesson)
    done = subprocess.run(
        [sys.executable, "-I", str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    np.testing.assert_allclose(final_of(done.stdout), run.final, rtol=1e-12, atol=1e-12)
    document = json.loads(notebook.read_text(encoding="utf-8"))
    assert document["nbformat"] == 4 and "cells" in document and "metadata" in document
    code = "\n\n".join(
        "".join(cell["source"]) for cell in document["cells"] if cell["cell_type"] == "code"
    )
    cells = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=300
    )
    assert cells.returncode == 0, cells.stderr
    np.testing.assert_allclose(final_of(cells.stdout), run.final, rtol=1e-12, atol=1e-12)


def test_a_script_export_needs_no_display_and_no_qt(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    target = tmp_path / "too_large.py"
    check = (
        "import sys\n"
        "from gd_explorer.app import main\n"
        f"status = main(['export', '--lesson', 'too-large', '--script', {str(target)!r}])\n"
        "assert 'PySide6' not in sys.modules, 'Qt was loaded'\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "diverged" in done.stdout and target.is_file()


def test_a_script_that_cannot_be_written_says_why(tmp_path, capsys):
    missing = tmp_path / "missing" / "run.py"
    assert main(["export", "--lesson", "overshoot", "--script", str(missing)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert main(["export", "--lesson", "overshoot"]) == 2
    assert "--notebook FILE" in capsys.readouterr().err


def test_the_pictures_say_truly_why_the_3d_view_is_a_panel(qtbot, tmp_path, monkeypatch):
    """No --no-gl was given: the panel must not claim it was."""
    from gd_explorer.ui import export

    # The command sets QT_QPA_PLATFORM for itself: put this process's back afterwards.
    monkeypatch.setenv("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "xcb"))
    shown, covered = [], []
    real = export.export_window_png

    def keep_text(window, path):
        shown.append(window.surface.text())
        covered.append(window.predict.card.isVisible())
        return real(window, path)

    monkeypatch.setattr(export, "export_window_png", keep_text)
    png = tmp_path / "end.png"
    assert main(["export", "--lesson", "overshoot", "--png", str(png)]) == 0
    assert png.is_file()
    (text,) = shown
    assert "--no-gl" not in text and "switched off" not in text
    assert "draws its pictures off screen, where there is none" in text
    assert covered == [False]  # the lesson's question to the class is not in the picture


def test_the_pictures_are_of_the_whole_window_whatever_the_offscreen_screen(
    qtbot, tmp_path, monkeypatch
):
    """Qt's offscreen screen is 800x600: the window must not be fitted into it."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen
    from PySide6.QtWidgets import QScrollArea

    from gd_explorer.app import EXPORT_WINDOW_SIZE, export_window

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 800, 600))
    window = export_window(str(tmp_path))
    qtbot.addWidget(window)
    window.load_lesson("overshoot")
    window.show()
    qtbot.waitUntil(lambda: window.isVisible())
    assert (window.width(), window.height()) == EXPORT_WINDOW_SIZE
    side = window.findChild(QScrollArea, "sidePanel")
    # The controls are not cut at the right: the panel is as wide as they need.
    assert side.width() >= side.widget().minimumSizeHint().width()
