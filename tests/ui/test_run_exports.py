"""File → Export run as a script or a notebook, on data: the exported code repeats the run."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from gd_explorer.ui.export import ExportError

RUN_TIMEOUT = 60_000
FINAL = re.compile(r"final slope and intercept: m = (\S+), b = (\S+)$")


def run_to_end(qtbot, window):
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    window.toggle_run()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status != "running",
        timeout=RUN_TIMEOUT,
    )
    return window.trajectory


def final_of(output: str) -> tuple[float, float]:
    match = FINAL.match(output.strip().splitlines()[-1])
    assert match, output
    return float(match[1]), float(match[2])


def run_script(path) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-I", str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return final_of(done.stdout)


def run_notebook(path) -> tuple[float, float]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["nbformat"] == 4
    code = "\n\n".join(
        "".join(cell["source"]) for cell in document["cells"] if cell["cell_type"] == "code"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return final_of(done.stdout)


@pytest.mark.parametrize("lesson", ["mini-batch", "logistic-slope", "feature-scaling"])
def test_a_run_on_data_is_exported_as_a_script_and_a_notebook(
    qtbot, make_window, tmp_path, lesson
):
    window = make_window(use_gl=False)
    window.load_lesson(lesson)
    trajectory = run_to_end(qtbot, window)
    script = window.export_script(tmp_path / "run.py")
    notebook = window.export_notebook(tmp_path / "run.ipynb")
    assert "run as a Jupyter notebook" in window.statusBar().currentMessage()
    for final in (run_script(script), run_notebook(notebook)):
        np.testing.assert_allclose(final, trajectory.params[-1], rtol=1e-12, atol=1e-12)


def test_the_file_menu_writes_the_notebook(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(use_gl=False)
    window.load_lesson("stochastic")
    trajectory = run_to_end(qtbot, window)
    target = tmp_path / "class.ipynb"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), ""))
    )
    action = window.findChild(QAction, "actionExportNotebook")
    assert action is not None
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    action.trigger()
    assert target.is_file()
    np.testing.assert_allclose(run_notebook(target), trajectory.params[-1], rtol=1e-12, atol=0)


def test_a_run_whose_data_was_edited_as_it_went_is_refused(qtbot, make_window, tmp_path):
    window = make_window(use_gl=False)
    window.explorer.set_settings(window.settings.replace(speed=20.0), from_panel=False)
    window.toggle_run()
    qtbot.waitUntil(lambda: window.trajectory is not None and window.trajectory.steps > 0)
    window.explorer.edit("Add point", lambda d: d.with_point(11.0, 12.0))
    qtbot.waitUntil(lambda: window.trajectory.steps > 3)
    window.toggle_run()  # pause
    with pytest.raises(ExportError, match="edited while this run went on"):
        window.export_script(tmp_path / "run.py")
    assert not (tmp_path / "run.py").exists()


def test_a_run_that_ended_before_the_data_changed_is_exported_on_its_own_data(
    qtbot, make_window, tmp_path
):
    window = make_window(use_gl=False)
    window.explorer.set_settings(window.settings.replace(steps=300), from_panel=False)
    trajectory = run_to_end(qtbot, window)
    window.explorer.edit("Add point", lambda d: d.with_point(11.0, 30.0))
    path = window.export_script(tmp_path / "run.py")
    np.testing.assert_allclose(run_script(path), trajectory.params[-1], rtol=1e-12, atol=0)


def test_a_run_its_problem_no_longer_repeats_is_refused(qtbot, make_window, tmp_path, monkeypatch):
    """Should the model the window builds now differ from the run's (an L2 penalty lost,
    say), the script would not repeat the run: it is refused, not written wrong."""
    from gd_explorer.engine import LinearRegression
    from gd_explorer.settings import Settings

    window = make_window(use_gl=False)
    window.explorer.set_settings(window.settings.replace(steps=50), from_panel=False)
    run_to_end(qtbot, window)
    monkeypatch.setattr(Settings, "problem", lambda self, data: LinearRegression(data, l2=0.5))
    with pytest.raises(ExportError, match="has changed since it ran"):
        window.export_script(tmp_path / "run.py")
    assert not (tmp_path / "run.py").exists()
