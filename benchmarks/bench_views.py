"""Benchmark drawing a race: a scene of four runs against a scene of one, in every view.

Usage (needs a display; on a server run it under Xvfb, whose OpenGL is Mesa's software
renderer)::

    xvfb-run -s "-screen 0 1280x800x24" python benchmarks/bench_views.py [--repeats 3]

The real ``MainWindow`` at 1280×800 gives the views their sizes. Each of its five plot
views is then fed a run growing to 2,000 steps, 40 steps a frame, as scenes: one run
(the baseline) or four (different learning rates, one stochastic), each view drawing
with ``show_scene`` and then painting (a synchronous repaint; for the 3-D view a
``paintGL`` and ``glFinish``). Printed per view: milliseconds per frame to draw and
paint, one run and four, and their ratio; and the same for all five views together,
the views' share of a window frame. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["GD_EXPLORER_DATA_DIR"] = tempfile.mkdtemp(prefix="gd-explorer-bench-")

from PySide6.QtCore import QCoreApplication, QSettings, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1280, 800)
STEPS = 2000
PER_FRAME = 40
RATES = (0.01, 0.02, 0.005, 0.03)


def traces(problem):  # noqa: ANN001, ANN201
    """Return four finished runs of ``STEPS`` steps on ``problem``, slot by slot."""
    from gd_explorer.engine import DescentConfig, descend
    from gd_explorer.scene import trajectory_trace

    found = []
    for slot, rate in enumerate(RATES):
        variant = "stochastic" if slot == 3 else "batch"
        config = DescentConfig(rate, STEPS, variant=variant, seed=1)
        run = descend(problem, config)
        found.append(
            trajectory_trace(
                run,
                run.steps,
                run.status,
                slot=slot,
                label=f"run {slot + 1}",
                rows=np.array([slot]),
            )
        )
    return found


def cut(trace, step: int):  # noqa: ANN001, ANN201
    """Return ``trace`` up to ``step`` (as a live run shows it)."""
    import dataclasses

    return dataclasses.replace(
        trace,
        params=trace.params[: step + 1],
        cost=trace.cost[: step + 1],
        exact=trace.exact[: step + 1],
        grad=trace.grad[:step],
    )


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
    else:
        view.viewport().repaint()


def measure(views: dict, problem, runs: list, fit) -> dict[str, float]:  # noqa: ANN001
    """Return milliseconds per frame for each view drawing and painting ``runs`` growing."""
    from gd_explorer.scene import Scene

    spent = dict.fromkeys(views, 0.0)
    frames = 0
    for step in range(PER_FRAME, STEPS + 1, PER_FRAME):
        scene = Scene(problem.kind, problem.data, fit, tuple(cut(t, step) for t in runs))
        for name, view in views.items():
            t0 = time.perf_counter()
            view.show_scene(scene)
            paint(view)
            spent[name] += time.perf_counter() - t0
        frames += 1
    return {name: 1000 * total / frames for name, total in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)

    from gd_explorer.engine import reference_fit
    from gd_explorer.framing import problem_domain
    from gd_explorer.ui import MainWindow
    from gd_explorer.ui.surface_view import SurfaceView

    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store)
    window.confirm_unsaved = False
    window.resize(*SIZE)
    window.show()
    for _ in range(20):
        app.processEvents()
    problem = window.problem
    fit = reference_fit(problem)
    race = traces(problem)
    domain = problem_domain(problem, (0.0, 0.0), np.concatenate([t.params for t in race]))
    views = {
        "data": window.data_view,
        "cost curve": window.cost_curve,
        "contour": window.contour,
        "surface": window.surface,
        "history": window.history,
    }
    window.contour.set_problem(problem, domain)
    window.surface.set_problem(problem, domain)
    gl_name = "software (Xvfb)" if isinstance(window.surface, SurfaceView) else "none"
    print(f"views at {SIZE[0]}x{SIZE[1]}, {STEPS} steps, {PER_FRAME} a frame, GL: {gl_name}")

    one: list[dict[str, float]] = []
    four: list[dict[str, float]] = []
    for _ in range(args.repeats):  # alternated, so a busy machine weighs on both alike
        one.append(measure(views, problem, race[:1], fit))
        four.append(measure(views, problem, race, fit))
    window.close()

    def best(results: list[dict[str, float]], name: str) -> float:
        return min(r[name] for r in results)

    print(f"{'view':<12}{'1 run ms':>10}{'4 runs ms':>11}{'ratio':>8}")
    for name in views:
        a, b = best(one, name), best(four, name)
        print(f"{name:<12}{a:>10.2f}{b:>11.2f}{b / a:>8.2f}")
    a = min(sum(r.values()) for r in one)
    b = min(sum(r.values()) for r in four)
    print(f"{'all views':<12}{a:>10.2f}{b:>11.2f}{b / a:>8.2f}   (target: ratio <= 1.3)")


if __name__ == "__main__":
    main()
