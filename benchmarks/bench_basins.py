"""Benchmark the basins map: 100 × 100 starts on Rosenbrock, vectorised, against one at a time.

Usage::

    xvfb-run -a -s "-screen 0 1280x800x24" python benchmarks/bench_basins.py [--quick]
    python benchmarks/bench_basins.py --no-window

What is measured (``time.perf_counter``), all in the same run:

* **Map** (the engine): ``basins`` from 100 × 100 starts on a grid over Rosenbrock's
  domain, 1,000 steps of gradient descent at the surface's learning rate, best of 3
  (1 with ``--quick``). **Baseline**, timed alternately: ``descend`` from every 50th of
  the same starts, one run at a time; the time per run × 10,000 is what a loop over
  every start would take. Reported as seconds and as the ratio of the two.
* **In the engine's process**: the same map requested through ``DescentController``,
  from the request to ``basinsDone`` (pickling both ways included).
* **Window**: the real window on Rosenbrock, a ``QTimer`` ticking every 5 ms, while
  ``actionScatterStarts``'s map of 100 × 100 runs in the engine's process until the
  overlay is drawn: the longest gap between ticks. Baseline: the same heartbeat in the
  same window, idle, for as long.

Targets: ≤ 5 s for the map, ≤ 50 ms stall. The load average is printed beside the
figures (the machine is shared). Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# Autosaves go to a folder of the benchmark's own, never the user's.
os.environ["GD_EXPLORER_DATA_DIR"] = tempfile.mkdtemp(prefix="gd-explorer-bench-")

import numpy as np  # noqa: E402

from gd_explorer.engine import (  # noqa: E402
    SURFACE_INFO,
    SURFACES,
    DescentConfig,
    basins,
    descend,
    grid_starts,
)

PER_SIDE = 100
STEPS = 1000
SAMPLE_EVERY = 50
MAP_TARGET_S = 5.0
STALL_TARGET_MS = 50.0
HEARTBEAT_MS = 5


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def engine_part(repeats: int) -> dict:
    problem = SURFACES["rosenbrock"]
    config = DescentConfig(SURFACE_INFO["rosenbrock"].learning_rate, STEPS)
    starts = grid_starts(problem.domain, PER_SIDE)
    sample = starts[::SAMPLE_EVERY]
    map_s = loop_s = math.inf
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = basins(problem, config, starts, shape=(PER_SIDE, PER_SIDE))
        map_s = min(map_s, time.perf_counter() - start)
        start = time.perf_counter()
        for point in sample:
            descend(problem, config.replace(init=(float(point[0]), float(point[1]))))
        loop_s = min(loop_s, time.perf_counter() - start)
    assert result is not None
    per_run = loop_s / len(sample)
    return {
        "map_s": map_s,
        "loop_s": per_run * len(starts),
        "per_run_ms": 1000 * per_run,
        "sample": len(sample),
        "reached": int((result.minimum >= 0).sum()),
        "diverged": int(result.diverged.sum()),
        "problem": problem,
        "config": config,
        "starts": starts,
    }


def process_part(figures: dict) -> float:
    from PySide6.QtCore import QEventLoop, QTimer

    from gd_explorer.worker import DescentController

    controller = DescentController()

    def answer(*request) -> float:
        loop = QEventLoop()
        controller.basinsDone.connect(loop.quit)
        QTimer.singleShot(120_000, loop.quit)
        start = time.perf_counter()
        controller.basins(*request)
        loop.exec()
        controller.basinsDone.disconnect(loop.quit)
        return time.perf_counter() - start

    # A small map first: the process is up and has imported the engine before the timing.
    answer(figures["problem"], figures["config"].replace(steps=1), figures["starts"][:4])
    elapsed = answer(figures["problem"], figures["config"], figures["starts"])
    controller.shutdown()
    return elapsed


def window_part(use_gl: bool) -> dict:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer

    from gd_explorer.ui import MainWindow

    app = QCoreApplication.instance()
    # Never the user's own settings: a settings file of the benchmark's own.
    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store, use_gl=use_gl)
    window.confirm_unsaved = False
    window.resize(1280, 800)
    window.show()
    explorer = window.explorer
    settings = explorer.state.settings.replace(
        model="function",
        surface="rosenbrock",
        learning_rate=SURFACE_INFO["rosenbrock"].learning_rate,
        steps=STEPS,
    )
    explorer.set_settings(settings, from_panel=False)

    def spin(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    spin(1.0)
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def longest_gap_ms() -> float:
        gaps = np.diff(ticks)
        return 1000 * float(gaps.max()) if gaps.size else math.nan

    loop = QEventLoop()
    explorer.basinsDone.connect(lambda *_: QTimer.singleShot(0, loop.quit))
    QTimer.singleShot(120_000, loop.quit)
    heartbeat.start()
    start = time.perf_counter()
    window.scatter_starts.start(PER_SIDE)
    loop.exec()
    app.processEvents()  # the overlay's repaint belongs to the map
    ticks.append(time.perf_counter())
    running_s = time.perf_counter() - start
    busy_gap = longest_gap_ms()
    shown = window.scatter_starts.overlay.shown
    ticks.clear()
    spin(max(running_s, 1.0))
    idle_gap = longest_gap_ms()
    heartbeat.stop()
    window.close()
    return {"window_s": running_s, "busy_ms": busy_gap, "idle_ms": idle_gap, "shown": shown}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat of the engine part")
    parser.add_argument("--no-window", action="store_true", help="skip the window part")
    parser.add_argument("--no-gl", action="store_true", help="the window without its 3-D view")
    args = parser.parse_args(argv)
    if args.no_window:
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication(sys.argv)
    else:
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv)
    print("## Basins map benchmark" + (" (--quick)" if args.quick else ""))
    print()
    print(f"load average before: {load()}; {os.cpu_count()} CPUs")
    print()
    figures = engine_part(1 if args.quick else 3)
    met = "met" if figures["map_s"] <= MAP_TARGET_S else "**NOT met**"
    print(
        f"{PER_SIDE} × {PER_SIDE} starts on Rosenbrock, {STEPS:,} steps of gradient descent at "
        f"{figures['config'].learning_rate:g}: {figures['reached']:,} starts reached the "
        f"minimum, {figures['diverged']:,} diverged."
    )
    print()
    print("| measure | seconds | against the loop | target | met |")
    print("|---|---:|---:|---|---|")
    print(
        f"| vectorised map, in this process | {figures['map_s']:.2f} | "
        f"{figures['loop_s'] / figures['map_s']:.0f}× faster | ≤ {MAP_TARGET_S:g} s | {met} |"
    )
    print(
        f"| one `descend` at a time ({figures['sample']} of the starts, "
        f"{figures['per_run_ms']:.1f} ms each) × 10,000 | {figures['loop_s']:.1f} | 1× | | |"
    )
    big = grid_starts(figures["problem"].domain, 2 * PER_SIDE)
    start = time.perf_counter()
    basins(figures["problem"], figures["config"], big)
    big_s = time.perf_counter() - start
    print(
        f"| vectorised map of {2 * PER_SIDE} × {2 * PER_SIDE} (the dialog's largest grid), "
        f"once | {big_s:.2f} | | | |"
    )
    process_s = process_part(figures)
    print(
        f"| the map through the engine's process (request to answer) | {process_s:.2f} | "
        f"{figures['loop_s'] / process_s:.0f}× faster | ≤ {MAP_TARGET_S:g} s | "
        f"{'met' if process_s <= MAP_TARGET_S else '**NOT met**'} |"
    )
    if not args.no_window:
        window = window_part(use_gl=not args.no_gl)
        print()
        print("| window, 5 ms heartbeat | longest gap, ms | target | met |")
        print("|---|---:|---|---|")
        print(
            f"| while the map runs ({window['window_s']:.2f} s, until the overlay is drawn; "
            f"shown: {window['shown']}) | {window['busy_ms']:.0f} | ≤ {STALL_TARGET_MS:g} ms | "
            f"{'met' if window['busy_ms'] <= STALL_TARGET_MS else '**NOT met**'} |"
        )
        print(f"| idle, as long, same window (baseline) | {window['idle_ms']:.0f} | | |")
    print()
    print(f"load average after: {load()}")
    del app


if __name__ == "__main__":
    main()
