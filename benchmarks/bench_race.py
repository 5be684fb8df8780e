"""Benchmark races in the engine's process against a single run, and the sweep there.

Usage (no display needed)::

    python benchmarks/bench_race.py [--seconds 3]

What is measured, in the same run, through ``DescentController`` (the real process):

* **Single run** (the baseline): steps per second and frames per second of one long
  linear descent on the article's data at unlimited speed, for ``--seconds``.
* **Four-run race**: the same with four such runs racing; steps per second of each
  run and of all four, and frames per second, as ratios to the single run.
* **Slow beside fast**: a stochastic run on a million logistic rows alone, then racing
  a batch run on the same rows (a step of milliseconds): the fast run's steps per
  second and the frames per second, as ratios to the fast run alone.
* **Sweep**: seconds for a 50-rate sweep of 1,000 steps each on the article's data,
  from the request to ``sweepDone``, beside 50 × ``descend`` in this process.

Figures are printed as ratios to the baseline of the same run, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

from gd_explorer.engine import (  # noqa: E402
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
)
from gd_explorer.worker import DescentController  # noqa: E402

LINE = LinearRegression(article_dataset())


def wait_for(signal_instance, trigger, timeout_s: float = 120.0) -> list:
    """Run the event loop until ``signal_instance`` fires after ``trigger()``."""
    loop = QEventLoop()
    got: list = []

    def done(*args: object) -> None:
        got.extend(args)
        loop.quit()

    signal_instance.connect(done)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    trigger()
    loop.exec()
    signal_instance.disconnect(done)
    return got


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def race(controller: DescentController, problem, configs, seconds: float) -> dict:
    """Run ``configs`` for ``seconds`` after the first frame; steps/s of each, frames/s."""
    frames = [0]
    counter = lambda frame: frames.__setitem__(0, frames[0] + 1)  # noqa: E731
    wait_for(controller.frame, lambda: controller.start(problem, configs))
    controller.frame.connect(counter)
    before = [r.steps for r in controller.records]
    start = time.perf_counter()
    spin(seconds)
    elapsed = time.perf_counter() - start
    after = [r.steps for r in controller.records]
    controller.frame.disconnect(counter)
    controller.discard()
    rates = [(a - b) / elapsed for a, b in zip(after, before, strict=True)]
    return {"steps": rates, "frames": frames[0] / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    seconds = parser.parse_args().seconds
    QCoreApplication.instance() or QCoreApplication(sys.argv)
    controller = DescentController()
    controller.set_speed(0)
    wait_for(controller.probed, controller.probe)  # the process is up

    long_run = DescentConfig(1e-7, 10**7)
    one = race(controller, LINE, long_run, seconds)
    four = race(controller, LINE, [long_run] * 4, seconds)
    print("| race | steps/s of each run | all runs | frames/s |")
    print("|---|---|---|---|")
    print(f"| one run (baseline) | {one['steps'][0]:,.0f} | 1.00× | {one['frames']:.1f} |")
    each = ", ".join(f"{s / one['steps'][0]:.2f}×" for s in four["steps"])
    total = sum(four["steps"]) / one["steps"][0]
    frames = four["frames"] / one["frames"]
    print(f"| four runs | {each} | {total:.2f}× | {four['frames']:.1f} ({frames:.2f}×) |")

    rng = np.random.default_rng(3)
    x = rng.normal(size=10**6)
    big = LogisticRegression(Dataset(x, (x + rng.normal(size=x.size) > 0).astype(float)))
    fast = DescentConfig(1e-3, 10**7, variant="stochastic", seed=1)
    slow = DescentConfig(0.1, 10**6)
    alone = race(controller, big, fast, seconds)
    beside = race(controller, big, [slow, fast], seconds)
    print()
    print("| 10^6 logistic rows | fast run steps/s | slow run steps/s | frames/s |")
    print("|---|---|---|---|")
    print(f"| fast alone (baseline) | {alone['steps'][0]:,.0f} | – | {alone['frames']:.1f} |")
    ratio = beside["steps"][1] / alone["steps"][0]
    frames = beside["frames"] / alone["frames"]
    print(
        f"| fast beside slow | {beside['steps'][1]:,.0f} ({ratio:.2f}×) | "
        f"{beside['steps'][0]:,.1f} | {beside['frames']:.1f} ({frames:.2f}×) |"
    )

    rates = np.geomspace(1e-4, 0.06, 50)
    config = DescentConfig(0.01, 1000, seed=1)
    start = time.perf_counter()
    for rate in rates:
        descend(LINE, config.replace(learning_rate=float(rate)))
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    result = wait_for(controller.sweepDone, lambda: controller.sweep(LINE, config, rates))
    swept = time.perf_counter() - start
    assert result and result[1] is not None and result[1].complete
    print()
    print("| 50 rates × 1,000 steps | seconds | ratio |")
    print("|---|---|---|")
    print(f"| 50 × descend here (baseline) | {baseline:.3f} | 1.00× |")
    print(f"| sweep in the engine's process | {swept:.3f} | {swept / baseline:.2f}× |")
    controller.shutdown()


if __name__ == "__main__":
    main()
