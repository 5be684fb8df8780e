"""Benchmark the exported NumPy scripts against the engine that made their runs.

Usage: ``python benchmarks/bench_run_script.py [--quick]``.

Each figure is a ratio against a baseline timed in the same run (best of 3,
``time.perf_counter``):

* **A script's loop** (its ``descend()``, the file already loaded) against the
  engine's ``descend`` of the same run: what a student waits for at home compared
  with the explorer, for batch, stochastic and mini-batch runs, linear and logistic.
* **Writing the script** (``run_script``) against the engine's run it describes.
* **The script's size** per 1,000 rows of data.

Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import runpy
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gd_explorer.engine import (  # noqa: E402
    ARTICLE_CLASSES,
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
)
from gd_explorer.run_script import run_script  # noqa: E402


def best(work: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def cases(quick: bool) -> dict[str, tuple[object, DescentConfig]]:
    steps = 1000 if quick else 4000
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 2.0, 2000)
    many = LogisticRegression(Dataset(x, (x + rng.normal(0, 1, x.size) > 0).astype(float)))
    return {
        "article line, batch": (LinearRegression(article_dataset()), DescentConfig(0.01, steps)),
        "article line, stochastic": (
            LinearRegression(article_dataset()),
            DescentConfig(0.01, steps, variant="stochastic", seed=1),
        ),
        "article line, mini-batch of 3, Adam": (
            LinearRegression(article_dataset()),
            DescentConfig(
                0.05, steps, variant="minibatch", batch_size=3, seed=1, optimizer="adam"
            ),
        ),
        "article classes, batch": (
            LogisticRegression(article_dataset(ARTICLE_CLASSES)),
            DescentConfig(0.5, steps),
        ),
        "2,000-row logistic, mini-batch of 32": (
            many,
            DescentConfig(0.5, steps // 4, variant="minibatch", batch_size=32, seed=1),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    print(f"{'run':40} {'engine s':>9} {'script ×':>9} {'writing ×':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for name, (problem, config) in cases(quick).items():
            engine = best(lambda p=problem, c=config: descend(p, c))
            text = run_script(problem, config)
            writing = best(lambda p=problem, c=config: run_script(p, c))
            path = Path(folder) / "run.py"
            path.write_text(text, encoding="utf-8")
            names = runpy.run_path(str(path), run_name="script")
            script = best(names["descend"])
            print(f"{name:40} {engine:9.4f} {script / engine:9.2f} {writing / engine:9.3f}")
        x = np.random.default_rng(2).normal(0.0, 1.0, 10_000)
        big = LinearRegression(Dataset(x, 3.0 * x + 1.0))
        size = len(run_script(big, DescentConfig(0.01, 10)).encode("utf-8"))
        print(f"script size: {size / 10:,.0f} bytes per 1,000 rows (10,000 rows: {size:,} bytes)")


if __name__ == "__main__":
    main()
