"""Benchmark the window: frames per second, GUI stalls, and time to the first window.

Usage (needs a display; on a server run it under Xvfb)::

    xvfb-run -s "-screen 0 1280x800x24" python benchmarks/bench_window.py [--seconds 6]

What is measured, in the same run:

* **Ours**: the real ``MainWindow`` at 1280×800 with all five views visible, running a
  long linear descent at unlimited speed (the worker thread computing as fast as it
  may). Frames/s counts redraws that showed new steps; a 5 ms heartbeat timer on the
  GUI thread gives the longest stall (its longest gap) and the 99th percentile.
* **Floor**: a plain pyqtgraph window with the same layout and the same kinds of items
  (scatter + line, colour map + path, curve + ball, log history, the GL surface)
  updated from a GUI-thread timer as fast as it will go, with no engine at all.
* **Launch**: seconds from starting ``python -m gd_explorer`` to its window being on
  screen and drawn (best of 3).
* **Edits**: the time the window's thread spends adding a point to logistic data of
  10³ rows (the baseline) and of 10⁵ rows, and the longest stall meanwhile.
* **Race**: the same window running four runs at once at unlimited speed (the
  "gradient descent vs momentum vs Adam" preset and a run with Nesterov's rule,
  10⁶ steps each),
  beside one run of those settings (the baseline) and the floor, in fresh windows,
  in turn. Frame time is the window's thread's CPU time per frame drawn (painting
  included), and the race's as a ratio to the single run's.
* **Sweep**: seconds from asking the window for a 50-rate sweep of 1,000 steps on the
  article's data to its ``sweepDone``, beside 50 ``descend`` calls with the same rates
  in this process (the baseline).

``--parts`` picks what to measure (default: all); ``--profile`` profiles the window's
thread (cProfile) during one more single run and race and prints, function by
function, the milliseconds per frame of each side by side.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# Autosaves go to a throw-away folder: a benchmark never touches the user's.
os.environ["GD_EXPLORER_DATA_DIR"] = tempfile.mkdtemp(prefix="gd-explorer-bench-")

from PySide6.QtCore import QCoreApplication, Qt, QTimer  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QMainWindow,
    QSplitter,
    QWidget,
)

SIZE = (1280, 800)


class Heartbeat:
    """A 5 ms timer on the GUI thread; its longest gap is the longest stall.

    Each gap also keeps the window's thread's CPU time within it, and the whole
    process's (its other threads: the relay, the software renderer's): a long gap
    with little of either is the process waiting (for a CPU on a busy machine, for
    the X server), one with much of it is work of the window's own.
    """

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.busy: list[float] = []
        self.process: list[float] = []
        self._last: float | None = None
        self._cpu = self._process = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._cpu, self._process = time.thread_time(), time.process_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _beat(self) -> None:
        now, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        if self._last is not None:
            self.gaps.append(now - self._last)
            self.busy.append(cpu - self._cpu)
            self.process.append(process - self._process)
        self._last, self._cpu, self._process = now, cpu, process

    def summary(self) -> tuple[float, float]:
        gaps = np.array(self.gaps) * 1000
        return float(gaps.max()), float(np.percentile(gaps, 99))

    def busiest(self) -> float:
        """Return the most CPU time (ms) the window's thread spent within one gap."""
        return 1000 * max(self.busy)

    def waiting(self, over: float = 0.05) -> tuple[int, float]:
        """Return the number of gaps over ``over`` seconds and their share off CPU.

        The share is the part of those gaps' time in which no thread of this process
        ran (0 to 1; nan without such gaps): waiting, not drawing.
        """
        gaps, process = np.array(self.gaps), np.array(self.process)
        long = gaps > over
        if not long.any():
            return 0, math.nan
        return int(long.sum()), float(1 - process[long].sum() / gaps[long].sum())


def run_for(app: QApplication, seconds: float, start, stop) -> None:  # noqa: ANN001
    QTimer.singleShot(500, start)  # let the window settle first
    QTimer.singleShot(int(500 + seconds * 1000), lambda: (stop(), app.quit()))
    app.exec()


def measure_ours(app: QApplication, seconds: float) -> dict[str, float]:
    from PySide6.QtCore import QSettings

    from gd_explorer.ui import MainWindow

    # A throw-away settings file: the run must not change the user's settings.
    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store)
    window.confirm_unsaved = False  # a question about unsaved data would wait for ever
    window.resize(*SIZE)
    window.show()
    heartbeat = Heartbeat()
    counted = {"frames": 0, "t0": 0.0, "t1": 0.0, "steps": 0, "cpu0": 0.0, "cpu1": 0.0}
    draw = window.explorer._draw

    def counting_draw() -> None:
        if window.explorer._stale is not None:
            counted["frames"] += 1
        draw()

    window.explorer._draw_timer.timeout.disconnect()
    window.explorer._draw_timer.timeout.connect(counting_draw)
    window.explorer._draw = counting_draw  # type: ignore[method-assign]

    def start() -> None:
        speed = float(os.environ.get("SPEED", "0"))  # steps/s; 0 is unlimited
        settings = window.settings.replace(speed=speed, steps=10**7, learning_rate=1e-6)
        window.explorer.set_settings(settings, from_panel=False)
        counted["t0"] = time.perf_counter()
        counted["cpu0"] = time.thread_time()
        heartbeat.start()
        window.toggle_run()

    def stop() -> None:
        counted["t1"] = time.perf_counter()
        counted["cpu1"] = time.thread_time()
        heartbeat.stop()
        counted["steps"] = window.controller.record.steps

    run_for(app, seconds, start, stop)
    window.close()
    elapsed = counted["t1"] - counted["t0"]
    worst, p99 = heartbeat.summary()
    return {
        "fps": counted["frames"] / elapsed,
        "stall": worst,
        "p99": p99,
        "steps_per_s": counted["steps"] / elapsed,
        "cpu_ms_per_frame": 1000 * (counted["cpu1"] - counted["cpu0"]) / max(counted["frames"], 1),
    }


#: Steps of each run of the race: enough that none ends while it is timed.
RACE_STEPS = 10**6


def new_window():  # noqa: ANN201
    """Return a shown ``MainWindow`` at 1280×800 with a throw-away settings file."""
    from PySide6.QtCore import QSettings

    from gd_explorer.ui import MainWindow

    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store)
    window.confirm_unsaved = False  # a question about unsaved data would wait for ever
    window.resize(*SIZE)
    window.show()
    return window


def measure_race(
    app: QApplication, seconds: float, four: bool, profile: bool = False
) -> dict[str, object]:
    """Run one run (``four`` False: the baseline) or a four-run race at unlimited speed.

    The single run is plain gradient descent at the default rate, 10⁶ steps, on the
    article's data; the race is the "gradient descent vs momentum vs Adam" preset built
    from it, plus a fourth run with Nesterov's rule, all racing in the one engine.
    Frame time is the window's thread's CPU time per frame that showed new steps: the
    scene, the views' updates and their painting (the engine and the relay thread
    are not on it). With ``profile`` the window's thread is profiled meanwhile.
    """
    import cProfile

    window = new_window()
    explorer = window.explorer
    single = window.settings.replace(speed=0.0, steps=RACE_STEPS)
    explorer.set_settings(single, from_panel=False)
    if four:
        explorer.apply_preset("rules")
        explorer.add_run()  # selected, with the shared settings and the steps
        explorer.set_settings(window.settings.replace(optimizer="nesterov"), from_panel=False)
    heartbeat = Heartbeat()
    profiler = cProfile.Profile() if profile else None
    counted: dict[str, float] = {"frames": 0, "t0": 0.0, "t1": 0.0, "cpu0": 0.0, "cpu1": 0.0}
    draws: list[float] = []
    draw = explorer._draw

    def counting_draw() -> None:
        if explorer._stale is not None:
            counted["frames"] += 1
            start = time.perf_counter()
            draw()
            draws.append(time.perf_counter() - start)
        else:
            draw()

    explorer._draw_timer.timeout.disconnect()
    explorer._draw_timer.timeout.connect(counting_draw)
    explorer._draw = counting_draw  # type: ignore[method-assign]
    finish: dict[str, object] = {}

    def start() -> None:
        counted["t0"] = time.perf_counter()
        counted["cpu0"] = time.thread_time()
        heartbeat.start()
        if profiler is not None:
            profiler.enable()
        window.toggle_run()

    def stop() -> None:
        if profiler is not None:
            profiler.disable()
        counted["t1"] = time.perf_counter()
        counted["cpu1"] = time.thread_time()
        heartbeat.stop()
        records = window.controller.records
        finish["steps"] = [r.steps for r in records]
        finish["status"] = [r.status for r in records]
        finish["labels"] = list(explorer.state.labels)

    run_for(app, seconds, start, stop)
    window.controller.shutdown()
    window.close()
    elapsed = counted["t1"] - counted["t0"]
    frames = max(int(counted["frames"]), 1)
    worst, p99 = heartbeat.summary()
    steps = finish["steps"]
    assert isinstance(steps, list)
    return {
        "runs": len(steps),
        "fps": counted["frames"] / elapsed,
        "stall": worst,
        "p99": p99,
        "busiest": heartbeat.busiest(),
        "waiting": heartbeat.waiting(),
        "cpu_ms_per_frame": 1000 * (counted["cpu1"] - counted["cpu0"]) / frames,
        "draw_ms": 1000 * float(np.median(draws)) if draws else float("nan"),
        "draw_p99_ms": 1000 * float(np.percentile(draws, 99)) if draws else float("nan"),
        "steps_per_s": sum(steps) / elapsed,
        "steps": steps,
        "status": finish["status"],
        "labels": finish["labels"],
        "frames": frames,
        "profiler": profiler,
    }


def measure_sweep(app: QApplication, repeats: int = 3) -> dict[str, list[float]]:
    """Time the window's 50-rate sweep of 1,000 steps against 50 ``descend`` calls.

    The window sweeps the selected run's settings (the article's data, both
    parameters free, 1,000 steps) at the rates it chooses around 2/L; the baseline
    runs ``descend`` with the same configurations here, one after the other. Each
    sweep is timed from the request to ``sweepDone`` (the sweep view drawn).
    """
    from PySide6.QtCore import QEventLoop

    from gd_explorer.engine import descend
    from gd_explorer.engine.sweep import suggested_rates
    from gd_explorer.ui.controller import SWEEP_RATES

    window = new_window()
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=1000), from_panel=False)
    problem, config = window.problem, window.settings.config()
    rates = suggested_rates(problem, config, SWEEP_RATES)
    ours: list[float] = []
    base: list[float] = []
    results: list[object] = []
    for _ in range(repeats + 1):  # the first, unreported, warms the engine's process
        loop = QEventLoop()

        def done(result: object, *_: object, loop: QEventLoop = loop) -> None:
            results.append(result)
            loop.quit()

        explorer.sweepDone.connect(done)
        start = time.perf_counter()
        explorer.sweep()
        QTimer.singleShot(120_000, loop.quit)
        loop.exec()
        ours.append(time.perf_counter() - start)
        explorer.sweepDone.disconnect(done)
        start = time.perf_counter()
        for rate in rates:
            descend(problem, replace(config, learning_rate=float(rate)))
        base.append(time.perf_counter() - start)
    window.controller.shutdown()
    window.close()
    if any(result is None for result in results):
        raise RuntimeError("a sweep in the window failed")
    return {"ours": ours[1:], "base": base[1:]}


def measure_edits(app: QApplication, rows: int, edits: int = 6) -> dict[str, float]:
    """Add ``edits`` points, 300 ms apart, to ``rows`` rows of logistic data.

    A map of large logistic data takes longer than 300 ms, so each edit arrives while the
    last one's map is being made. Returns the median and longest time the window's thread
    spent on an edit and the longest stall of the heartbeat meanwhile.
    """
    from PySide6.QtCore import QSettings

    from gd_explorer.engine import Dataset
    from gd_explorer.ui import MainWindow

    folder = Path(tempfile.mkdtemp())
    store = QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store)
    window.confirm_unsaved = False  # a question about unsaved data would wait for ever
    window.resize(*SIZE)
    window.show()
    rng = np.random.default_rng(5)
    x = rng.normal(size=rows) * 3
    y = (rng.random(rows) < 1 / (1 + np.exp(-x))).astype(float)
    Dataset(x, y).to_csv(folder / "classes.csv")
    window.load_lesson("logistic-slope")
    assert window.open_dataset(folder / "classes.csv")
    deadline = time.perf_counter() + 120
    while window.contour._problem is not window.problem and time.perf_counter() < deadline:
        app.processEvents()  # the first maps, before anything is timed
    heartbeat = Heartbeat()
    took: list[float] = []

    def edit(k: int) -> None:
        start = time.perf_counter()
        window.data_view.pointAdded.emit(0.01 * k, float(k % 2))  # as a click does
        took.append(time.perf_counter() - start)

    def start() -> None:
        heartbeat.start()
        for k in range(edits):
            QTimer.singleShot(300 * k, lambda k=k: edit(k))

    run_for(app, 0.3 * edits + 1.0, start, heartbeat.stop)
    window.controller.shutdown()
    window.close()
    worst, _ = heartbeat.summary()
    return {
        "median_ms": 1000 * float(np.median(took)),
        "longest_ms": 1000 * max(took),
        "stall": worst,
    }


def measure_floor(app: QApplication, seconds: float) -> dict[str, float]:
    """The same kinds of items in plain pyqtgraph, redrawn from a GUI timer."""
    import pyqtgraph as pg

    from gd_explorer.ui.surface_view import SurfaceView

    window = QMainWindow()
    top, bottom, grid = (
        QSplitter(Qt.Orientation.Horizontal),
        QSplitter(Qt.Orientation.Horizontal),
        QSplitter(Qt.Orientation.Vertical),
    )
    plots = [pg.PlotWidget(background="w") for _ in range(4)]
    top.addWidget(plots[0])
    top.addWidget(plots[1])
    from gd_explorer.engine import LinearRegression, article_dataset

    problem = LinearRegression(article_dataset())
    surface = SurfaceView()
    surface.set_problem(problem)
    top.addWidget(surface)
    bottom.addWidget(plots[2])
    bottom.addWidget(plots[3])
    bottom.addWidget(QWidget())
    grid.addWidget(top)
    grid.addWidget(bottom)
    window.setCentralWidget(grid)
    window.resize(*SIZE)
    window.show()

    x = np.array([1, 3, 4, 5, 6, 7, 8, 10.0])
    y = np.array([4, 3, 7, 7, 8, 10, 8, 11.0])
    plots[0].plot(x, y, pen=None, symbol="o", symbolSize=17)
    line = plots[0].plot(pen=pg.mkPen("r", width=4))
    image = pg.ImageItem(np.random.default_rng(0).random((200, 200)))
    plots[1].addItem(image)
    path = plots[1].plot(pen=pg.mkPen("r", width=2.5))
    ms = np.linspace(-1, 3, 400)
    plots[2].plot(ms, 18.75 * (ms - 0.85) ** 2)
    ball = plots[2].plot(pen=None, symbol="o", symbolSize=22)
    history = plots[3].plot(pen=pg.mkPen("r", width=2))
    plots[3].setLogMode(y=True)
    t = np.linspace(0, 1, 2048)
    track = np.column_stack([0.85 * t, 2.6 * t])
    cost = 20 * np.exp(-5 * t) + 0.6
    heartbeat = Heartbeat()
    counted = {"frames": 0, "t0": 0.0, "t1": 0.0, "cpu0": 0.0, "cpu1": 0.0}

    def frame() -> None:
        k = counted["frames"] % 2047 + 2
        m, b = track[k - 1]
        line.setData([0, 11], [b, m * 11 + b])
        path.setData(track[:k, 0], track[:k, 1])
        ball.setData([m], [18.75 * (m - 0.85) ** 2])
        history.setData(np.arange(k), cost[:k])
        surface.set_path(track[:k], cost[:k])
        counted["frames"] += 1

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(frame)

    def start() -> None:
        counted["t0"] = time.perf_counter()
        counted["cpu0"] = time.thread_time()
        heartbeat.start()
        timer.start()

    def stop() -> None:
        counted["t1"] = time.perf_counter()
        counted["cpu1"] = time.thread_time()
        timer.stop()
        heartbeat.stop()

    run_for(app, seconds, start, stop)
    window.close()
    worst, p99 = heartbeat.summary()
    frames = max(counted["frames"], 1)
    return {
        "fps": counted["frames"] / (counted["t1"] - counted["t0"]),
        "stall": worst,
        "p99": p99,
        "busiest": heartbeat.busiest(),
        "waiting": heartbeat.waiting(),
        "cpu_ms_per_frame": 1000 * (counted["cpu1"] - counted["cpu0"]) / frames,
    }


LAUNCH_PROBE = """
import os, sys, time
from PySide6.QtCore import QTimer
from gd_explorer import app
window = {}
original = app.create_window
def create(args):
    window["w"] = original(args)
    return window["w"]
app.create_window = create
def report():
    w = window.get("w")
    if w is None or not w.isVisible():
        QTimer.singleShot(10, report)
        return
    w.grab()  # drawn
    print(time.time() - float(os.environ["LAUNCHED_AT"]), flush=True)
    os._exit(0)
QTimer.singleShot(0, report)
sys.exit(app.main([]))
"""


def measure_launch(repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        env = dict(os.environ, LAUNCHED_AT=repr(time.time()))
        out = subprocess.run(
            [sys.executable, "-c", LAUNCH_PROBE],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[1],
        )
        best = min(best, float(out.stdout.strip().splitlines()[-1]))
    return best


PARTS = ("window", "launch", "edits", "race", "sweep")


def print_window(app: QApplication, ours, floor, launch) -> None:  # noqa: ANN001
    print("| measure | ours | floor (plain pyqtgraph) | target |")
    print("|---|---:|---:|---|")
    if ours is not None:
        print(f"| frames/s while running | {ours['fps']:.1f} | {floor['fps']:.1f} | ≥ 30 |")
        print(f"| longest GUI stall (ms) | {ours['stall']:.0f} | {floor['stall']:.0f} | ≤ 50 |")
        print(f"| 99th percentile gap (ms) | {ours['p99']:.0f} | {floor['p99']:.0f} | |")
        print(f"| engine steps/s meanwhile | {ours['steps_per_s']:.3g} | – | |")
    if launch is not None:
        print(f"| first window drawn (s) | {launch:.2f} | – | ≤ 2 |")
    print()


def print_race(trios: list[tuple[dict, dict, dict]]) -> None:
    """Print each floor, single run and race of ``trios`` and the race's ratio to the run."""
    print("Four runs racing at unlimited speed against one run (the baseline), each")
    print(f"{RACE_STEPS:,} steps, and the plain pyqtgraph floor with no engine; timed in")
    print("turn, one group of three rows per round:")
    print()
    print(
        "| | frames/s | frame ms (GUI CPU) | draw call ms (median) "
        "| longest stall ms | most GUI CPU in one gap ms | p99 gap ms "
        "| gaps > 50 ms: count, process off CPU "
        "| engine steps/s (all runs) | race frame / one run's |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for floor, single, race in trios:
        for name, r in (("floor", floor), ("one run", single), ("four runs", race)):
            ratio = race["cpu_ms_per_frame"] / single["cpu_ms_per_frame"]
            draw = f"{r['draw_ms']:.1f}" if "draw_ms" in r else "–"
            steps = f"{r['steps_per_s']:.3g}" if "steps_per_s" in r else "–"
            count, off = r["waiting"]
            waits = f"{count}, {off:.0%}" if count else "0"
            print(
                f"| {name} | {r['fps']:.1f} | {r['cpu_ms_per_frame']:.1f} | {draw} "
                f"| {r['stall']:.0f} | {r['busiest']:.0f} | {r['p99']:.0f} "
                f"| {waits} | {steps} "
                f"| {f'{ratio:.2f}×' if r is race else ''} |"
            )
    print()
    print("Targets for the race: ≥ 30 frames/s, longest stall ≤ 50 ms, frame ≤ 1.3× one run's.")
    print("Off CPU: the share of the time of the gaps over 50 ms in which no thread of the")
    print("window's process ran (the window waited for a CPU or the X server).")
    race = trios[-1][2]
    print(
        "Runs at the end of the last race: "
        + "; ".join(
            f"{label} {steps:,} steps, {status}"
            for label, steps, status in zip(
                race["labels"], race["steps"], race["status"], strict=False
            )
        )
    )
    print()


def print_sweep(sweep: dict[str, list[float]]) -> None:
    print("A 50-rate sweep of 1,000 steps on the article's data:")
    print()
    print("| | seconds (each repeat) | best | target |")
    print("|---|---|---:|---|")
    for name, key, target in (
        ("the window: request to `sweepDone`", "ours", "≤ 1 s"),
        ("50 × `descend` in one process (baseline)", "base", ""),
    ):
        times = ", ".join(f"{t:.3f}" for t in sweep[key])
        print(f"| {name} | {times} | {min(sweep[key]):.3f} | {target} |")
    print(f"| ratio, best to best | | {min(sweep['ours']) / min(sweep['base']):.2f}× | |")
    print()


def print_profile(single: dict, race: dict, top: int = 30) -> None:
    """Print where the window's thread spent each frame: the race beside one run."""
    import pstats

    def per_frame(result: dict) -> dict[tuple, tuple[float, float, int]]:
        stats = pstats.Stats(result["profiler"]).stats  # type: ignore[attr-defined]
        frames = result["frames"]
        return {
            func: (1000 * tt / frames, 1000 * ct / frames, nc)
            for func, (_, nc, tt, ct, _) in stats.items()
        }

    ones, fours = per_frame(single), per_frame(race)

    def name(func: tuple) -> str:
        path, line, function = func
        short = "/".join(Path(path).parts[-2:]) if path != "~" else ""
        return f"{short}:{line}({function})" if short else function

    for column, title in ((1, "cumulative (with what it calls)"), (0, "own time")):
        print(f"The window's thread, ms per frame drawn, by {title}; profiled, so slower:")
        print()
        print("| function | one run | four runs | four / one |")
        print("|---|---:|---:|---:|")
        ranked = sorted(fours, key=lambda f: fours[f][column], reverse=True)[:top]
        for func in ranked:
            four = fours[func][column]
            one = ones.get(func, (0.0, 0.0, 0))[column]
            ratio = f"{four / one:.2f}×" if one > 0 else "–"
            print(f"| `{name(func)}` | {one:.2f} | {four:.2f} | {ratio} |")
        print()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each run")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated parts to measure, of {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of floor, one run and race to time"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the window's thread in one more race"
    )
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if parts - set(PARTS):
        parser.error(f"unknown parts {sorted(parts - set(PARTS))}; the parts: {', '.join(PARTS)}")
    app = QApplication(sys.argv[:1])
    ours = floor = launch = None
    if "window" in parts:
        ours = measure_ours(app, args.seconds)
        floor = measure_floor(app, args.seconds)
    if "launch" in parts:
        launch = measure_launch()
    edits = {rows: measure_edits(app, rows) for rows in (10**3, 10**5)} if "edits" in parts else {}
    trios = []
    if "race" in parts:
        for _ in range(args.rounds):
            trios.append(
                (
                    measure_floor(app, args.seconds),
                    measure_race(app, args.seconds, four=False),
                    measure_race(app, args.seconds, four=True),
                )
            )
    sweep = measure_sweep(app) if "sweep" in parts else None
    profiled = None
    if args.profile:
        profiled = (
            measure_race(app, args.seconds, four=False, profile=True),
            measure_race(app, args.seconds, four=True, profile=True),
        )
    print("## Window benchmark")
    print()
    print(f"{SIZE[0]}×{SIZE[1]}, {os.cpu_count()} cores, Qt platform {app.platformName()}.")
    print()
    if ours is not None or launch is not None:
        print_window(app, ours, floor, launch)
    if edits:
        print("Adding a point to logistic data, 6 edits 300 ms apart (window thread):")
        print()
        print("| rows | median edit (ms) | longest edit (ms) | longest stall (ms) |")
        print("|---:|---:|---:|---:|")
        for rows, e in edits.items():
            print(
                f"| {rows:,} | {e['median_ms']:.0f} | {e['longest_ms']:.0f} | {e['stall']:.0f} |"
            )
        print()
    if trios:
        print_race(trios)
    if sweep is not None:
        print_sweep(sweep)
    if profiled is not None:
        print_profile(*profiled)


if __name__ == "__main__":
    main()
