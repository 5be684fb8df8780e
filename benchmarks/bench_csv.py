"""Benchmark reading CSV files against ``numpy.loadtxt`` and print Markdown tables.

Usage: ``python benchmarks/bench_csv.py [--rows N ...] [--repeats 5] [--window]``
(rows 10^5, 10^6 and 10^7 by default).

What is measured, for each number of rows, on one file written the way
``Dataset.to_csv`` writes (an ``x,y`` header, then full-precision ``repr``
numbers; x ~ N(0, 1), y = 2x + 1 + N(0, 1) noise from a seeded generator):

* **Time**: ``Dataset.from_csv(path)`` (the whole API: reading, parsing,
  checking, the dataset's own validation) beside the baseline
  ``np.loadtxt(path, delimiter=",", skiprows=1)`` on the same file, in one
  interpreter, alternating which goes first, best of ``--repeats`` each.
* **Peak memory**: the most memory numpy and Python held at once during the
  call, by ``tracemalloc`` (numpy reports its allocations to it), in a separate
  fresh interpreter, for ours and for the baseline, as a multiple of the data's
  own size (two float64 columns: 16 bytes a row). Beside it, the growth of the
  process's peak resident size during the call (Linux ``VmHWM`` less the
  ``VmRSS`` before it), in another fresh interpreter without ``tracemalloc``.
* **The window while reading** (with ``--window``): the longest gap between
  ticks of a 5 ms timer on the GUI thread while ``gd_explorer.ui.loading``
  reads the largest file of at most 10^6 rows on its own thread, beside the
  old way (``Dataset.from_csv`` called on the GUI thread), in the same run.

Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

TIMES = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, {root!r})
from gd_explorer.engine import Dataset

path, repeats = sys.argv[1], int(sys.argv[2])
reads = dict(
    ours=lambda: Dataset.from_csv(path),
    numpy=lambda: np.loadtxt(path, delimiter=",", skiprows=1),
)
best = dict(ours=float("inf"), numpy=float("inf"))
for round in range(repeats):
    for who in sorted(reads, reverse=round % 2 == 1):  # alternate who goes first
        start = time.perf_counter()
        rows = len(reads[who]())
        best[who] = min(best[who], time.perf_counter() - start)
print(json.dumps(dict(best, rows=rows)))
"""

MEMORY = r"""
import json, resource, sys, tracemalloc

def resident(field):
    # Linux's per-process figures; ru_maxrss would carry the parent's peak across exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

import numpy as np
sys.path.insert(0, {root!r})
from gd_explorer.engine import Dataset

path, who, traced = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
read = (
    (lambda: Dataset.from_csv(path))
    if who == "ours"
    else (lambda: np.loadtxt(path, delimiter=",", skiprows=1))
)
before = resident("VmRSS")
if traced:
    tracemalloc.start()
result = read()
peak = tracemalloc.get_traced_memory()[1] if traced else 0
after = resident("VmHWM")
print(json.dumps(dict(peak=peak, rss=after - before, rows=len(result))))
"""

WINDOW = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gd_explorer.engine import Dataset
from gd_explorer.ui import loading

path, how = sys.argv[1], sys.argv[2]
app = QApplication([])
ticks = []
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
timer.start()
result = {{}}

def read():
    start = time.perf_counter()
    data = loading.read_dataset(path) if how == "thread" else Dataset.from_csv(path)
    result.update(start=start, seconds=time.perf_counter() - start, rows=len(data))
    # Quit later, so that the heartbeat ticks once more and a stall is seen.
    QTimer.singleShot(100, app.quit)

QTimer.singleShot(100, read)
app.exec()
gaps = sorted(b - a for a, b in zip(ticks, ticks[1:]))
end = result["start"] + result["seconds"]
during = sum(result["start"] < tick < end for tick in ticks)
result.update(longest=gaps[-1], during=during)
print(json.dumps(result))
"""


def write_file(path: Path, rows: int, seed: int = 0) -> None:
    """Write ``rows`` rows as ``Dataset.to_csv`` does, a million at a time."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("x,y\n")
        for start in range(0, rows, 1_000_000):
            k = min(1_000_000, rows - start)
            x = rng.normal(size=k)
            y = 2 * x + 1 + rng.normal(size=k)
            lines = [f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist(), strict=True)]
            handle.write("".join(lines))


def child(script: str, *args: str, env: dict[str, str] | None = None) -> dict[str, float]:
    code = script.format(root=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(path: Path, rows: int, repeats: int) -> dict[str, dict[str, float]]:
    times = child(TIMES, str(path), str(repeats))
    assert times["rows"] == rows, times
    figures = {}
    for who in ("ours", "numpy"):
        peak = child(MEMORY, str(path), who, "1")["peak"]
        rss = child(MEMORY, str(path), who, "0")["rss"]
        figures[who] = dict(seconds=times[who], peak=peak, rss=rss)
    return figures


def window(path: Path) -> dict[str, dict[str, float]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return {how: child(WINDOW, str(path), how, env=env) for how in ("thread", "gui")}


def fmt(value: float) -> str:
    return f"{value:.3g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--window", action="store_true", help="also measure the window")
    parser.add_argument("--folder", type=Path, help="where to write the files (a temporary one)")
    args = parser.parse_args()

    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs\n"
    )
    print(
        "| rows | file MB | ours s | np.loadtxt s | ours/loadtxt | ours peak MB | "
        "loadtxt peak MB | ours peak / data | loadtxt peak / data | "
        "RSS growth MB (ours, loadtxt) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        windowed = None
        for rows in args.rows:
            path = Path(folder) / f"rows-{rows}.csv"
            write_file(path, rows)
            figures = measure(path, rows, args.repeats)
            ours, base = figures["ours"], figures["numpy"]
            data = 16 * rows
            print(
                f"| {rows:,} | {path.stat().st_size / 1e6:.0f} | {fmt(ours['seconds'])} | "
                f"{fmt(base['seconds'])} | {ours['seconds'] / base['seconds']:.2f}× | "
                f"{ours['peak'] / 1e6:.0f} | {base['peak'] / 1e6:.0f} | "
                f"{ours['peak'] / data:.2f}× | {base['peak'] / data:.2f}× | "
                f"{ours['rss'] / 1e6:.0f}, {base['rss'] / 1e6:.0f} |",
                flush=True,
            )
            if args.window and rows <= 1_000_000:
                windowed = (rows, window(path))
            path.unlink()
    if windowed is not None:
        rows, result = windowed
        print(f"\nThe window while reading {rows:,} rows (5 ms heartbeat on the GUI thread):\n")
        print("| how | read s | longest gap ms | ticks during the read |")
        print("|---|---:|---:|---:|")
        names = {"thread": "on its own thread (now)", "gui": "on the GUI thread (before)"}
        for how, figures in result.items():
            print(
                f"| {names[how]} | {fmt(figures['seconds'])} | {figures['longest'] * 1e3:.0f} | "
                f"{figures['during']} |"
            )


if __name__ == "__main__":
    main()
