"""Benchmark the learning-rate sweep and print a Markdown table for the README.

Usage: ``python benchmarks/bench_sweep.py [--quick]``.

What is measured (``time.perf_counter``, best of 5 repeats, 3 with ``--quick``):
``learning_rate_sweep`` of 50 log-spaced rates × 1,000 steps on the article's data
(rates from 2/L ÷ 1000 to 3 · 2/L, so the top ones diverge and end early, as in the
window), for plain, slope-only and Adam descent and for the logistic classes.
**Baseline**, timed alternately in the same run: 50 separate ``descend`` calls with
the same configurations, which is what the sweep's runs are; the ratio shows what
the sweep adds. The target is an absolute one: ≤ 1 s for the 50 × 1,000 sweep.
Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gd_explorer.engine import (  # noqa: E402
    ARTICLE_CLASSES,
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    learning_rate_sweep,
)
from gd_explorer.engine.sweep import suggested_rates  # noqa: E402

RATES = 50
STEPS = 1000
TARGET_S = 1.0


def cases():
    data = article_dataset()
    line = LinearRegression(data)
    classes = LogisticRegression(Dataset(data.x, ARTICLE_CLASSES))
    return [
        ("linear, slope and intercept", line, DescentConfig(0.01, STEPS)),
        ("linear, slope only (b = 2.6)", line, DescentConfig(0.01, STEPS, fixed={"b": 2.6})),
        ("linear, Adam", line, DescentConfig(0.01, STEPS, optimizer="adam")),
        ("linear, stochastic", line, DescentConfig(0.01, STEPS, variant="stochastic", seed=1)),
        ("logistic, slope and intercept", classes, DescentConfig(0.1, STEPS)),
    ]


def timed(work):
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 5
    print("## Learning-rate sweep benchmark" + (" (--quick)" if args.quick else ""))
    print()
    print(
        f"{RATES} rates × {STEPS:,} steps on the article's data, best of {repeats}; "
        "baseline: the same runs as separate `descend` calls, timed alternately."
    )
    print()
    print("| case | diverged runs | sweep s | 50 × descend s | sweep/baseline | target | met |")
    print("|---|---:|---:|---:|---:|---|---|")
    for name, problem, config in cases():
        rates = suggested_rates(problem, config, RATES)
        configs = [config.replace(learning_rate=float(r)) for r in rates]
        sweep_s = base_s = math.inf
        result = None
        for _ in range(repeats):
            start = time.perf_counter()
            result = learning_rate_sweep(problem, config, rates)
            sweep_s = min(sweep_s, time.perf_counter() - start)
            base_s = min(base_s, timed(lambda p=problem, cs=configs: [descend(p, c) for c in cs]))
        diverged = result.status.count("diverged") if result else 0
        met = "met" if sweep_s <= TARGET_S else "**NOT met**"
        print(
            f"| {name} | {diverged} | {sweep_s:.3f} | {base_s:.3f} | "
            f"{sweep_s / base_s:.2f}× | ≤ {TARGET_S:g} s | {met} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
