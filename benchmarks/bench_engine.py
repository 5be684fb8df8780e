"""Benchmark the pure-numpy engine and print Markdown tables for the README.

Usage: ``python benchmarks/bench_engine.py [--quick]``.

What is measured (``time.perf_counter``, best of 3 repeats, step counts chosen
automatically so each repeat takes about 0.25 s):

* **Descent steps/s**: ``Descent(problem, config).advance(k)`` for batch,
  stochastic and mini-batch (32 rows) descent on linear and logistic costs,
  on synthetic data from a seeded ``np.random.default_rng`` (x ~ N(0, 1);
  logistic labels are drawn from a sigmoid, so the classes overlap). Building the problem and
  the ``Descent`` is not timed; recording every step (as the app does) is.
* **Naive baseline**, timed in the same run, in the style of the original
  article: a Python loop whose gradient uses the built-in ``sum`` over numpy
  arrays, on all rows (batch), one random row (stochastic) or
  ``np.random.choice(n, 32, replace=False)`` rows (mini-batch; the legacy
  sampler permutes all n rows each call, as the article's code would).
* **Row loss vs. exact cost**: stochastic and mini-batch logistic steps recording the
  loss of their rows (as a long run does), against every step recording the exact
  full-data cost (the baseline, as every step did before), and as the engine's process
  runs them for the window (an exact cost for each frame, about 60 a second).
* **Floor** for a logistic batch step: one ``np.exp`` over the n rows into a
  preallocated array plus two ``np.dot`` over n rows (the target's yardstick
  for the unavoidable work of an exact full-data logistic step).
* **Update rules and schedules**: each rule of ``OPTIMIZERS`` and each schedule of
  ``SCHEDULES`` on linear batch and stochastic descent, as a ratio against plain
  gradient descent at a constant rate timed in the same run.
* **cost_grid**: a 200×200 linear cost surface, and (separately) the
  ``LinearRegression`` constructor that computes its sufficient statistics.

Targets are checked at the largest n (10^6 rows; 10^5 with ``--quick``).
Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gd_explorer.engine import (  # noqa: E402
    OPTIMIZERS,
    SCHEDULES,
    Dataset,
    Descent,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    cost_grid,
)
from gd_explorer.runner import BUSY_SHARE, TICK_S  # noqa: E402

MODELS = {"linear": LinearRegression, "logistic": LogisticRegression}
RATES = {"linear": 0.1, "logistic": 0.5}
CASES = [(v, kind) for kind in MODELS for v in ("batch", "stochastic", "minibatch")]
BATCH = 32


def make_data(n, kind, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    if kind == "linear":
        y = 2.0 * x + 1.0 + rng.normal(0.0, 0.5, n)
    else:
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(2.0 * x + 0.5)))).astype(np.float64)
    return x, y


def best_time(setup, k, repeats):
    """Return the best of ``repeats`` timings of ``setup(k)()`` (setup not timed)."""
    best = math.inf
    for _ in range(repeats):
        run = setup(k)
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def calibrate(setup, budget):
    """Return k such that ``setup(k)()`` takes about ``budget`` seconds.

    Each probe keeps the faster of two runs, so that a noisy neighbour cannot shrink k.
    """
    k = 1
    while (elapsed := best_time(setup, k, 2)) < budget / 10:
        k *= 10
    return max(1, round(k * budget / elapsed))


def rates(setups, budget, repeats=3):
    """Return (step counts, best seconds per step) for each setup, timed in turn.

    ``setup(k)`` builds a callable doing k steps. The setups alternate within
    each repeat, so that they see the same machine load.
    """
    ks = [calibrate(setup, budget) for setup in setups]
    best = [math.inf] * len(setups)
    for _ in range(repeats):
        for i, (setup, k) in enumerate(zip(setups, ks, strict=True)):
            best[i] = min(best[i], best_time(setup, k, 1) / k)
    return ks, best


#: The length of run the main table's steps belong to: which costs a run records
#: exactly depends on its rows × steps (``EXACT_BUDGET``), so every k is timed as part
#: of a run this long, as in the window.
RUN_STEPS = 10**6


def ours(problem, variant, exact_costs=None):
    def setup(k):
        config = DescentConfig(
            RATES[problem.kind], steps=max(k, RUN_STEPS), variant=variant, batch_size=BATCH
        )
        descent = Descent(problem, config, exact_costs=exact_costs)

        def run():
            chunk = descent.advance(k)
            if len(chunk.cost) != k:
                raise RuntimeError(f"{variant} {problem.kind} ended early: {descent.message}")

        return run

    return setup


def rule_setup(problem, variant, optimizer="gd", schedule="constant"):
    """Ours with an update rule and a schedule, on a run too slow to end early."""

    def setup(k):
        config = DescentConfig(
            0.001,
            steps=max(k, RUN_STEPS),
            variant=variant,
            seed=0,
            optimizer=optimizer,
            schedule=schedule,
        )
        descent = Descent(problem, config)

        def run():
            descent.advance(k)

        return run

    return setup


def ours_framed(problem, variant):
    """Ours as the engine's process runs it at unlimited speed: steps for 85 % of each
    sixtieth of a second, then the exact cost of the point the window draws."""

    def setup(k):
        config = DescentConfig(
            RATES[problem.kind], steps=max(k, RUN_STEPS), variant=variant, batch_size=BATCH
        )
        descent = Descent(problem, config)

        def run():
            done, chunk = 0, 64
            busy = BUSY_SHARE * TICK_S
            frame = time.perf_counter()
            while done < k:
                step = min(chunk, k - done)
                descent.advance(step)
                done += step
                if time.perf_counter() - frame >= busy:
                    descent.settle()
                    frame = time.perf_counter()
            descent.settle()

        return run

    return setup


def naive(x, y, kind, variant):
    """The article's loop: Python's built-in sum over numpy arrays."""
    n, lr = len(x), RATES[kind]
    legacy = np.random.RandomState(0)

    def setup(k):
        def run():
            m = b = 0.0
            for _ in range(k):
                if variant == "batch":
                    xs, ys = x, y
                elif variant == "stochastic":
                    i = legacy.randint(n)
                    xs, ys = x[i : i + 1], y[i : i + 1]
                else:
                    rows = legacy.choice(n, min(BATCH, n), replace=False)
                    xs, ys = x[rows], y[rows]
                size = len(xs)
                if kind == "linear":
                    y_pred = m * xs + b
                    m_der = (-1 / size) * sum((ys - y_pred) * xs)
                    b_der = (-1 / size) * sum(ys - y_pred)
                else:
                    p = 1 / (1 + np.exp(-(m * xs + b)))
                    m_der = (1 / size) * sum((p - ys) * xs)
                    b_der = (1 / size) * sum(p - ys)
                m, b = m - lr * m_der, b - lr * b_der

        return run

    return setup


def repeat(step):
    """Return a ``setup`` for ``rate`` that calls ``step()`` k times."""

    def setup(k):
        def run():
            for _ in range(k):
                step()

        return run

    return setup


def floor(x, y):
    """One exp into a preallocated array and two dot products over all rows."""
    out = np.empty_like(x)
    return repeat(lambda: (np.exp(x, out=out), np.dot(out, x), np.dot(out, y)))


def floor_with_cost(x, y):
    """The floor plus what an exact cost adds at the least: one ``np.log1p`` over the rows.

    Every step records the exact full-data cost (DESIGN), and the exact loss of a row
    needs a logarithm besides the exponential; this is the floor of such a step.
    """
    out, loss = np.empty_like(x), np.empty_like(x)
    return repeat(
        lambda: (np.exp(x, out=out), np.log1p(out, out=loss), np.dot(out, x), np.dot(out, y))
    )


def fmt(value):
    return f"{value:.3g}" if value < 1e4 else f"{value:.2e}"


def verdict(target, ok):
    return ("met" if ok else "**NOT met**") if target else ""


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas['name']} {blas['version']}"
    except (KeyError, TypeError, ValueError):
        blas = "unknown BLAS"
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    return (
        f"CPU: {cpu} ({platform.machine()}, {os.cpu_count()} logical cores) · "
        f"numpy {np.__version__} ({blas}, OPENBLAS_NUM_THREADS={threads}) · "
        f"Python {platform.python_version()} · {platform.system()}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args(argv)
    sizes = (8, 10**4, 10**5) if args.quick else (8, 10**4, 10**6)
    budget = 0.02 if args.quick else 0.25
    big = sizes[-1]
    started = time.perf_counter()

    print("## Engine benchmark" + (" (--quick)" if args.quick else ""))
    print()
    print(machine())
    print()
    print(
        f"Best of 3 repeats (5 against the floor) of ≈ {budget:g} s each; the two sides of a "
        f"ratio are timed alternately. Targets are checked at n = {big:,}."
    )
    print()
    print("| case | n | steps timed | ours steps/s | naive steps/s | ours/naive | target | met |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    logistic_batch = {}
    for variant, kind in CASES:
        for n in sizes:
            x, y = make_data(n, kind)
            problem = MODELS[kind](Dataset(x, y))
            (k, _), (ours_s, naive_s) = rates(
                [ours(problem, variant), naive(x, y, kind, variant)], budget
            )
            speedup = naive_s / ours_s
            target, ok = "", False
            if variant == "batch" and kind == "linear":
                target, ok = "≥ 1e5 steps/s", 1 / ours_s >= 1e5
                if n == big:
                    target, ok = target + ", ≥ 1e4× naive", ok and speedup >= 1e4
            elif variant == "stochastic":
                # A long logistic run records each step's row loss: O(1) per step.
                target, ok = "≥ 1e5 steps/s", 1 / ours_s >= 1e5
            elif variant == "batch":
                logistic_batch[n] = (problem, x, y)
            speeds = fmt(1 / ours_s), fmt(1 / naive_s), f"{fmt(speedup)}×"
            row(f"{variant} {kind}", f"{n:,}", f"{k:,}", *speeds, target, verdict(target, ok))

    print()
    print("### Logistic batch step vs. the floor (1 exp + 2 dot over n rows)")
    print()
    print(
        "| n | ours µs/step | floor µs/step | floor steps/s | ours/floor "
        "| floor + exact cost (1 log1p more) / floor | target | met |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---|")
    for n, (problem, x, y) in logistic_batch.items():
        setups = [ours(problem, "batch"), floor(x, y), floor_with_cost(x, y)]
        _, (ours_s, floor_s, costed_s) = rates(setups, budget, repeats=5)
        ratio = ours_s / floor_s
        target = "≤ 1.5× floor" if n == big else ""
        times = fmt(ours_s * 1e6), fmt(floor_s * 1e6), fmt(1 / floor_s), f"{ratio:.2f}×"
        costed = f"{costed_s / floor_s:.2f}×"
        row(f"{n:,}", *times, costed, target, verdict(target, ratio <= 1.5))

    print()
    print("### Stochastic and mini-batch logistic: each step's row loss vs. the exact cost")
    print()
    print(
        "Baseline: every step records the exact full-data cost (`exact_costs=True`, what "
        "every step did before). Ours: each step records the loss of its rows; framed: "
        f"as the engine's process runs it, {BUSY_SHARE:.0%} of every {TICK_S * 1e3:g} ms "
        "stepping, then the exact cost of the point the window draws."
    )
    print()
    print(
        "| case | n | every step exact steps/s | ours steps/s | ours, framed steps/s "
        "| framed/exact | target | met |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for variant in ("stochastic", "minibatch"):
        for n in sizes:
            x, y = make_data(n, "logistic")
            problem = LogisticRegression(Dataset(x, y))
            setups = [
                ours(problem, variant, exact_costs=True),
                ours(problem, variant),
                ours_framed(problem, variant),
            ]
            _, (exact_s, ours_s, framed_s) = rates(setups, budget)
            target, ok = "", False
            if variant == "stochastic" and n == big:
                target, ok = "≥ 1e5 steps/s, framed", 1 / framed_s >= 1e5
            speeds = fmt(1 / exact_s), fmt(1 / ours_s), fmt(1 / framed_s)
            ratio = f"{fmt(exact_s / framed_s)}×"
            row(f"{variant} logistic", f"{n:,}", *speeds, ratio, target, verdict(target, ok))

    print()
    print("### Update rules and schedules vs. plain gradient descent")
    print()
    print(
        "Each rule (default options) and each schedule (with plain gradient descent) "
        "against plain gradient descent at a constant rate, timed alternately; linear "
        "cost, rate 0.001 so that no run ends early."
    )
    print()
    print("| rule / schedule | variant | n | steps/s | plain gd steps/s | ours/plain |")
    print("|---|---|---:|---:|---:|---:|")
    kinds = [(rule, "constant") for rule in OPTIMIZERS if rule != "gd"]
    kinds += [("gd", name) for name in SCHEDULES if name != "constant"]
    for variant in ("batch", "stochastic"):
        for n in (8, 10**4):
            problem = LinearRegression(Dataset(*make_data(n, "linear")))
            for rule, schedule in kinds:
                setups = [
                    rule_setup(problem, variant),
                    rule_setup(problem, variant, rule, schedule),
                ]
                _, (plain_s, ours_s) = rates(setups, budget)
                name = rule if schedule == "constant" else f"gd, {schedule}"
                speeds = fmt(1 / ours_s), fmt(1 / plain_s), f"{plain_s / ours_s:.2f}×"
                row(name, variant, f"{n:,}", *speeds)

    print()
    print("### Linear `cost_grid`, 200 × 200")
    print()
    print("| n | constructor ms (not in grid time) | cost_grid ms | target | met |")
    print("|---:|---:|---:|---|---|")
    grid = np.linspace(-5.0, 5.0, 200)
    for n in sizes:
        data = Dataset(*make_data(n, "linear"))
        build = best_time(repeat(lambda data=data: LinearRegression(data)), 1, 3)
        problem = LinearRegression(data)
        _, (grid_s,) = rates([repeat(lambda p=problem: cost_grid(p, grid, grid))], budget)
        target = "≤ 5 ms" if n == big else ""
        times = f"{build * 1e3:.3g}", f"{grid_s * 1e3:.3g}"
        row(f"{n:,}", *times, target, verdict(target, grid_s <= 5e-3))

    print()
    print(f"_Benchmark ran in {time.perf_counter() - started:.0f} s._")


if __name__ == "__main__":
    main()
