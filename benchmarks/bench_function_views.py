"""Benchmark drawing a function problem in every view against drawing the article's regression.

Usage (needs a display; on a server run it under Xvfb, whose OpenGL is Mesa's software
renderer)::

    xvfb-run -s "-screen 0 1280x800x24" python benchmarks/bench_function_views.py [--repeats 3]

The real ``MainWindow`` at 1280×800 gives the views their sizes. Measured in the same
run, per view, in milliseconds:

* **A frame**: a run growing to 2,000 steps, 40 steps a frame, drawn with ``show_scene``
  and painted at once — on the article's linear regression (the baseline, with the data
  plot) and on Rosenbrock's function (with the function panel in the data plot's place,
  which evaluates the Hessian at the ball every frame).
* **A new problem**: ``set_problem`` of the contour and the surface (their grids), on the
  regression and on Rosenbrock.

Printed as milliseconds and as ratios to the regression; never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["GD_EXPLORER_DATA_DIR"] = tempfile.mkdtemp(prefix="gd-explorer-bench-")

from PySide6.QtCore import QCoreApplication, QSettings, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1280, 800)
STEPS = 2000
PER_FRAME = 40


def paint(view) -> None:  # noqa: ANN001
    """Paint ``view`` now, as the next screen refresh would."""
    from OpenGL import GL

    from gd_explorer.ui.surface_view import SurfaceView
    from gd_explorer.ui.views.data_view import DataView

    if isinstance(view, SurfaceView):
        view.canvas.makeCurrent()
        view.canvas.paintGL()
        GL.glFinish()
        view.canvas.doneCurrent()
    elif isinstance(view, DataView):
        view.plot.viewport().repaint()
    elif hasattr(view, "viewport"):
        view.viewport().repaint()
    else:
        view.repaint()


def one_run(problem, rate: float, start: tuple[float, float]):  # noqa: ANN001, ANN201
    """Return a finished run of ``STEPS`` steps on ``problem`` as a trace."""
    from gd_explorer.engine import DescentConfig, descend
    from gd_explorer.scene import trajectory_trace

    run = descend(problem, DescentConfig(rate, STEPS, init=start))
    return trajectory_trace(run, run.steps, run.status, label="run 1")


def measure(views: dict, problem, trace, fit) -> dict[str, float]:  # noqa: ANN001
    """Return milliseconds per frame for each view drawing and painting ``trace`` growing."""
    from gd_explorer.scene import Scene

    spent = dict.fromkeys(views, 0.0)
    frames = 0
    for step in range(PER_FRAME, STEPS + 1, PER_FRAME):
        cut = dataclasses.replace(
            trace,
            params=trace.params[: step + 1],
            cost=trace.cost[: step + 1],
            exact=trace.exact[: step + 1],
            grad=trace.grad[:step],
        )
        scene = Scene(problem.kind, problem.data, fit, (cut,), problem=problem)
        for name, view in views.items():
            t0 = time.perf_counter()
            view.show_scene(scene)
            paint(view)
            spent[name] += time.perf_counter() - t0
        frames += 1
    return {name: 1000 * total / frames for name, total in spent.items()}


def new_problem(window, problem, domain) -> dict[str, float]:  # noqa: ANN001
    """Return milliseconds for the contour's and the surface's ``set_problem``."""
    out = {}
    for name, view in (("contour", window.contour), ("surface", window.surface)):
        t0 = time.perf_counter()
        view.set_problem(problem, domain)
        out[name] = 1000 * (time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)

    from gd_explorer.engine import LinearRegression, article_dataset, reference_fit
    from gd_explorer.engine.functions import SURFACE_INFO, SURFACES
    from gd_explorer.framing import problem_domain
    from gd_explorer.ui import MainWindow

    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store)
    window.confirm_unsaved = False
    window.resize(*SIZE)
    window.show()
    for _ in range(20):
        app.processEvents()

    line = LinearRegression(article_dataset())
    rosenbrock = SURFACES["rosenbrock"]
    info = SURFACE_INFO["rosenbrock"]
    cases = {
        "regression": (line, one_run(line, 0.01, (0.0, 0.0)), window.data_view),
        "rosenbrock": (
            rosenbrock,
            one_run(rosenbrock, info.learning_rate, info.start),
            window.function_panel,
        ),
    }
    frames: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
    maps: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
    for _ in range(args.repeats):  # alternated, so a busy machine weighs on both alike
        for name, (problem, trace, panel) in cases.items():
            fit = reference_fit(problem)
            domain = problem_domain(problem, tuple(trace.params[0]), trace.params)
            maps[name].append(new_problem(window, problem, domain))
            window.cost_curve.set_problem(problem)
            window.data_stack.setCurrentWidget(panel)  # shown, so that it really paints
            app.processEvents()
            views = {
                "data / panel": panel,
                "cost curve": window.cost_curve,
                "contour": window.contour,
                "surface": window.surface,
                "history": window.history,
            }
            frames[name].append(measure(views, problem, trace, fit))
    window.close()

    def best(results: list[dict[str, float]], key: str) -> float:
        return min(r[key] for r in results)

    print(f"views at {SIZE[0]}x{SIZE[1]}, {STEPS} steps, {PER_FRAME} a frame")
    print(f"{'a frame':<14}{'regression ms':>14}{'rosenbrock ms':>15}{'ratio':>8}")
    for key in frames["regression"][0]:
        a, b = best(frames["regression"], key), best(frames["rosenbrock"], key)
        print(f"{key:<14}{a:>14.2f}{b:>15.2f}{b / a:>8.2f}")
    a = min(sum(r.values()) for r in frames["regression"])
    b = min(sum(r.values()) for r in frames["rosenbrock"])
    print(f"{'all views':<14}{a:>14.2f}{b:>15.2f}{b / a:>8.2f}")
    print(f"{'new problem':<14}{'regression ms':>14}{'rosenbrock ms':>15}{'ratio':>8}")
    for key in ("contour", "surface"):
        a, b = best(maps["regression"], key), best(maps["rosenbrock"], key)
        print(f"{key:<14}{a:>14.2f}{b:>15.2f}{b / a:>8.2f}")


if __name__ == "__main__":
    main()
