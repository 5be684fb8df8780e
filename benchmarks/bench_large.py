"""Benchmark the window on large data: showing 10⁶ rows, and drawing while a run goes on.

Usage (needs a display; on a server run it under Xvfb)::

    xvfb-run -s "-screen 0 1280x800x24" python benchmarks/bench_large.py [--seconds 5]

For each size, in the same run, a fresh ``MainWindow`` at 1280×800:

* **Show**: the time from handing the window a new ``Dataset`` of that many rows (the
  path a file takes once read: an undoable change of state) until the window has been
  painted with it: data plot, table, cost curve, contour, surface.
* **Run**: a stochastic linear descent at unlimited speed, the sampled row highlighted
  every frame. Frames/s counts redraws that showed new steps; the frame time is the
  time the window's thread spends in one redraw (median and 99th percentile); a 5 ms
  heartbeat timer gives the longest stall.

10³ rows is the baseline; figures for 10⁶ rows are printed beside it and as ratios.
Figures are printed, never asserted.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

from bench_window import SIZE, Heartbeat, run_for  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def dataset(rows: int):  # noqa: ANN201
    """Return a noisy line of ``rows`` points, the same at every run."""
    from gd_explorer.engine import Dataset

    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 10.0, rows)
    return Dataset(x, 0.85 * x + 2.6 + rng.normal(0.0, 1.0, rows), name=f"{rows} rows")


def measure(app: QApplication, rows: int, seconds: float) -> dict[str, float]:
    from gd_explorer.ui import MainWindow

    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store=store)
    window.confirm_unsaved = False  # a question about unsaved data would wait for ever
    window.resize(*SIZE)
    window.show()
    window.grab()
    app.processEvents()
    data = dataset(rows)

    start = time.perf_counter()
    window.explorer.change("Open data", window.explorer.state.edit_data(data)[0])
    app.processEvents()
    window.grab()  # painted with the new data
    shown = time.perf_counter() - start
    assert len(window.dataset) == rows

    heartbeat = Heartbeat()
    draw = window.explorer._draw
    frames: list[float] = []

    def timed_draw() -> None:
        fresh = window.explorer._stale is not None
        t0 = time.perf_counter()
        draw()
        if fresh:
            frames.append(time.perf_counter() - t0)

    window.explorer._draw_timer.timeout.disconnect()
    window.explorer._draw_timer.timeout.connect(timed_draw)
    window.explorer._draw = timed_draw  # type: ignore[method-assign]
    clock = {"t0": 0.0, "t1": 0.0}

    def begin() -> None:
        settings = window.settings.replace(
            speed=0.0, steps=10**7, learning_rate=1e-3, variant="stochastic"
        )
        window.explorer.set_settings(settings, from_panel=False)
        clock["t0"] = time.perf_counter()
        heartbeat.start()
        window.toggle_run()

    def end() -> None:
        clock["t1"] = time.perf_counter()
        heartbeat.stop()

    run_for(app, seconds, begin, end)
    window.controller.shutdown()
    window.close()
    # Now, while the application exists: an OpenGL view destroyed after it crashes.
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    worst, _ = heartbeat.summary()
    times = np.array(frames) * 1000
    return {
        "show_s": shown,
        "fps": len(frames) / (clock["t1"] - clock["t0"]),
        "frame_ms": float(np.median(times)),
        "frame_p99_ms": float(np.percentile(times, 99)),
        "stall_ms": worst,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    base, large = (measure(app, rows, args.seconds) for rows in (10**3, 10**6))
    print("## Large data")
    print()
    print(f"{SIZE[0]}×{SIZE[1]}, {os.cpu_count()} cores, Qt platform {app.platformName()}.")
    print()
    print("| measure | 10³ rows (baseline) | 10⁶ rows | 10⁶ / 10³ |")
    print("|---|---:|---:|---:|")
    rows = (
        ("time to show the data (s)", "show_s", ".3f"),
        ("frames/s while running", "fps", ".1f"),
        ("median frame (ms)", "frame_ms", ".1f"),
        ("99th percentile frame (ms)", "frame_p99_ms", ".1f"),
        ("longest GUI stall (ms)", "stall_ms", ".0f"),
    )
    for label, key, form in rows:
        ratio = large[key] / base[key] if base[key] else float("nan")
        print(f"| {label} | {base[key]:{form}} | {large[key]:{form}} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
