"""Benchmark the per-row drawings: gradient spread and cost per row, against neither.

Usage (needs a display; on a server run it under Xvfb)::

    xvfb-run -s "-screen 0 1280x800x24" python benchmarks/bench_row_views.py [--repeats 3]

The real ``MainWindow`` at 1280×800 gives the data plot and the cost map their sizes.
Each is fed a run growing to 2,000 steps, 40 steps a frame, as the scenes of a live
run, and paints after each (a synchronous repaint). Three cases: the article's data,
mini-batch of 3 (least squares); 10⁶ rows, stochastic (logistic: the full gradient and
the exact cost are passes over every row, which a live frame skips); 10⁶ rows,
mini-batch of 1,000 (least squares). Printed: milliseconds per frame for both views
with neither drawing (the baseline), with the gradient spread on (the default) and with
the cost per row on as well, and the ratios to the baseline measured in the same run.
The time is this process's processor time (the machine may be shared: waiting for a
processor is not the program's cost), the best of the repeats. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
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
BIG = 1_000_000


def cases():  # noqa: ANN201
    """Return (name, problem, config) for each case."""
    from gd_explorer.engine import (
        Dataset,
        DescentConfig,
        LinearRegression,
        LogisticRegression,
        article_dataset,
    )

    rng = np.random.default_rng(3)
    x = rng.normal(size=BIG)
    classes = (x + rng.normal(size=BIG) > 0).astype(float)
    line = 2.0 * x + 1.0 + rng.normal(size=BIG)
    return [
        (
            "article, mini-batch 3",
            LinearRegression(article_dataset()),
            DescentConfig(0.01, STEPS, variant="minibatch", batch_size=3, seed=1),
        ),
        (
            "1e6 rows logistic, stochastic",
            LogisticRegression(Dataset(x, classes)),
            DescentConfig(0.5, STEPS, variant="stochastic", seed=1),
        ),
        (
            "1e6 rows linear, batch 1000",
            LinearRegression(Dataset(x, line)),
            DescentConfig(0.05, STEPS, variant="minibatch", batch_size=1000, seed=1),
        ),
    ]


def scenes(problem, config):  # noqa: ANN001, ANN201
    """Return the scenes of a run growing by PER_FRAME steps a frame, with each step's rows."""
    from gd_explorer.engine import descend, reference_fit
    from gd_explorer.engine.samplers import ReplayedRows
    from gd_explorer.scene import Scene, trajectory_trace

    run = descend(problem, config)
    fit = reference_fit(problem)
    rows = ReplayedRows(config.variant, problem.n, config.batch_size, config.seed, config.steps)
    trace = trajectory_trace(run, run.steps, run.status)
    out = []
    for step in range(PER_FRAME, run.steps + 1, PER_FRAME):
        cut = dataclasses.replace(
            trace,
            params=trace.params[: step + 1],
            cost=trace.cost[: step + 1],
            exact=trace.exact[: step + 1],
            grad=trace.grad[:step],
            rows=rows.at(step),
            status="running",
        )
        out.append(Scene(problem.kind, problem.data, fit, (cut,), problem=problem))
    return out


def measure(window, frames, spread: bool, costs: bool) -> float:  # noqa: ANN001
    """Return milliseconds per frame for the data plot and the cost map together."""
    window.contour.spread.set_shown(spread)
    window.data_view.set_row_costs_shown(costs)
    t0 = time.process_time()
    for scene in frames:
        for view, canvas in ((window.data_view, window.data_view.plot), (window.contour,) * 2):
            view.show_scene(scene)
            canvas.viewport().repaint()
    return 1000 * (time.process_time() - t0) / len(frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)

    from gd_explorer.framing import problem_domain
    from gd_explorer.ui import MainWindow

    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store)
    window.confirm_unsaved = False
    window.resize(*SIZE)
    window.show()
    for _ in range(20):
        app.processEvents()
    print(f"data plot + cost map at {SIZE[0]}x{SIZE[1]}, {STEPS} steps, {PER_FRAME} a frame")
    print(
        f"{'case':<32}{'neither ms':>11}{'spread ms':>11}{'ratio':>7}{'+rows ms':>10}{'ratio':>7}"
    )
    for name, problem, config in cases():
        frames = scenes(problem, config)
        window.data_view.set_dataset(problem.data, problem.kind)
        params = np.concatenate([s.current.params for s in frames[-1:]])
        window.contour.set_problem(problem, problem_domain(problem, config.start, params))
        results: dict[str, list[float]] = {"neither": [], "spread": [], "both": []}
        for _ in range(args.repeats):  # alternated, so a busy machine weighs on each alike
            results["neither"].append(measure(window, frames, False, False))
            results["spread"].append(measure(window, frames, True, False))
            results["both"].append(measure(window, frames, True, True))
        base, spread, both = (min(results[k]) for k in ("neither", "spread", "both"))
        print(
            f"{name:<32}{base:>11.2f}{spread:>11.2f}{spread / base:>7.2f}"
            f"{both:>10.2f}{both / base:>7.2f}"
        )
    window.controller.shutdown()
    window.close()


if __name__ == "__main__":
    main()
