"""Exports of a function problem: the NumPy script ends where the run did; PNG and GIF."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageChops

from gd_explorer.engine import DescentConfig, descend
from gd_explorer.lessons import get_lesson
from gd_explorer.run_script import ScriptError, run_script, write_run_script
from gd_explorer.settings import TYPED, Settings
from gd_explorer.ui.export import ExportError

RUN_TIMEOUT = 60_000
FINAL = re.compile(r"final point: x = (\S+), y = (\S+)$")


def function(surface: str, **more) -> object:
    return Settings(model="function", surface=surface, **more).function()


def final_point(path) -> tuple[float, float]:
    """Run a script as a student would (plain Python) and read its last line."""
    done = subprocess.run(
        [sys.executable, "-I", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    match = FINAL.match(last)
    assert match, last
    return float(match[1]), float(match[2])


CASES = {
    "rosenbrock adam cosine noise": (
        function("rosenbrock"),
        DescentConfig(
            0.02, 800, init=(-1.5, 2.0), optimizer="adam", schedule="cosine", noise=0.3, seed=5
        ),
    ),
    "himmelblau momentum step": (
        function("himmelblau"),
        DescentConfig(
            0.005,
            600,
            init=(-1.0, 1.0),
            optimizer="momentum",
            optimizer_options={"beta": 0.8},
            schedule="step",
            schedule_options={"every": 50, "factor": 0.7},
        ),
    ),
    "turned bowl newton": (
        function("bowl", condition=300.0, rotation=-40.0),
        DescentConfig(0.5, 40, init=(2.0, -1.0), optimizer="newton"),
    ),
    "double well nesterov, x alone": (
        function("double-well"),
        DescentConfig(0.02, 500, init=(1.6, 0.0), optimizer="nesterov", tolerance=1e-8),
    ),
    "rastrigin adagrad exponential": (
        function("rastrigin"),
        DescentConfig(0.05, 400, init=(3.3, -2.4), optimizer="adagrad", schedule="exponential"),
    ),
    "typed, leaves its domain": (
        function(TYPED, expression="log(x) + sqrt(y) + (x - 2)**2"),
        DescentConfig(0.5, 200, init=(1.0, 1.0)),
    ),
    "saddle, falls without bound": (
        function("saddle"),
        DescentConfig(0.3, 2000, init=(-1.8, 0.001)),
    ),
    "booth rmsprop": (
        function("booth"),
        DescentConfig(0.05, 500, init=(-8.0, -6.0), optimizer="rmsprop"),
    ),
    "beale line search inverse": (
        function("beale"),
        DescentConfig(0.1, 300, init=(1.0, 1.5), optimizer="linesearch", schedule="inverse"),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_script_ends_on_the_run_s_final_point(tmp_path, case):
    problem, config = CASES[case]
    run = descend(problem, config)
    path = write_run_script(tmp_path / "run.py", problem, config)
    x, y = final_point(path)
    assert abs(x - run.params[-1, 0]) <= 1e-9 and abs(y - run.params[-1, 1]) <= 1e-9, (
        run.status,
        run.steps,
    )


def test_the_script_has_the_exact_formulas_and_needs_only_numpy(tmp_path):
    problem = function("rosenbrock")
    text = run_script(problem, DescentConfig(0.001, 10, init=(-1.5, 2.0)))
    assert "-2*(1 - x) - 400*x*(y - x**2)" in text and "200*(y - x**2)" in text
    imports = {
        line.split()[1] for line in text.splitlines() if line.startswith(("import", "from"))
    }
    assert imports == {"math", "numpy"}
    assert "gd_explorer" not in text


def test_each_function_lesson_run_is_reproduced_by_its_script(tmp_path):
    lesson = get_lesson("rosenbrock-valley")
    for number, race_run in enumerate(lesson.runs):
        run = descend(lesson.problem, race_run.config)
        path = write_run_script(tmp_path / f"run{number}.py", lesson.problem, race_run.config)
        assert np.allclose(final_point(path), run.params[-1], rtol=0, atol=1e-9)


def test_a_function_has_no_data_to_standardise():
    from gd_explorer.engine import Scaling

    lesson = get_lesson("rosenbrock-valley")
    with pytest.raises(ScriptError, match="no data to standardise"):
        run_script(lesson.problem, lesson.config, scaling=Scaling(0.0, 1.0))


# In the window.


def set_function(window, **settings):
    window.explorer.set_settings(
        window.settings.replace(model="function", speed=0.0, **settings), from_panel=False
    )


def run_to_end(qtbot, window):
    window.toggle_run()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status != "running",
        timeout=RUN_TIMEOUT,
    )
    return window.trajectory


def test_the_window_exports_the_selected_run_as_a_script(qtbot, make_window, tmp_path):
    window = make_window(use_gl=False)
    with pytest.raises(ExportError, match="run the descent first"):
        window.export_script(tmp_path / "none.py")
    window.load_lesson("himmelblau-starts")
    window.explorer.select_run(2)
    set_function(window, noise=0.2, seed=11, steps=300)
    trajectory = run_to_end(qtbot, window)
    path = window.export_script(tmp_path / "himmelblau.py")
    assert np.allclose(final_point(path), trajectory.params[-1], rtol=0, atol=1e-9)


def test_png_and_gif_of_a_run_on_a_function(qtbot, make_window, tmp_path):
    window = make_window(use_gl=False)
    set_function(window, surface="rosenbrock", steps=60, learning_rate=0.001)
    before = window.export_png(tmp_path / "before.png")
    trajectory = run_to_end(qtbot, window)
    assert trajectory.steps == 60
    after = window.export_png(tmp_path / "after.png")
    with Image.open(before) as one, Image.open(after) as two:
        assert one.size == two.size
        assert ImageChops.difference(one.convert("RGB"), two.convert("RGB")).getbbox()
    path = window.export_gif(tmp_path / "run.gif", frames=8, size=(480, 300))
    with Image.open(path) as gif:
        assert gif.n_frames == 8 and gif.size == (480, 300)
        first = gif.convert("RGB")
        gif.seek(gif.n_frames - 1)
        assert ImageChops.difference(first, gif.convert("RGB")).getbbox() is not None
    for name in ("contour", "cost_curve", "history"):
        with Image.open(window.export_view(name, tmp_path / f"{name}.png")) as view:
            colours = len(np.unique(np.asarray(view.convert("RGB")).reshape(-1, 3), axis=0))
            assert colours > 20, f"the {name} view looks blank"
