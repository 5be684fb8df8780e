"""Benchmark function problems: the scalar step of the built-in surfaces and the cost of
turning the longest typed formulas into problems.

Usage: ``python benchmarks/bench_functions.py [--quick]``.

What is measured (``time.perf_counter``, best of 5 repeats):

* **Evaluation per step**: ``problem._evaluate(x, y)`` — f and its gradient at one point,
  the call a batch descent step makes — for Rosenbrock, Beale and Rastrigin, against the
  same call of ``LinearRegression`` on the article's eight points, timed in the same run
  (the baseline, ratio 1). Also a whole descent step, ``Descent.advance(k)``, plain
  gradient descent at each surface's own rate from its own start, against batch descent
  on the article's data.
* **Typed formulas**: parse + gradient + Hessian (``symbolic.parse``, ``gradient``,
  ``hessian``, the three compiled programs: what ``function_problem`` does) for the
  longest accepted formulas of several shapes — near 400 characters, or as deep as the
  size limit on derivatives lets them be — and the time to refuse the first shapes
  past that limit; and the search for minima and saddles (``find_stationary_points``:
  Newton's method from a 24 × 24 grid). The baseline is building Rosenbrock's problem.

Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gd_explorer.engine import (  # noqa: E402
    SURFACE_INFO,
    SURFACES,
    Dataset,
    Descent,
    DescentConfig,
    LinearRegression,
    function_problem,
    symbolic,
)
from gd_explorer.engine.functions import find_stationary_points  # noqa: E402

ARTICLE_X = [1, 3, 4, 5, 6, 7, 8, 10]
ARTICLE_Y = [4, 3, 7, 7, 8, 10, 8, 11]
SURFACE_NAMES = ("rosenbrock", "beale", "rastrigin")

# The longest typed formulas the parser accepts, by shape, and the first refused.
TYPED = {
    "sum of 20 squares": " + ".join(f"(x - {i}*y + {i % 3})**2" for i in range(1, 21)),
    "product of 21 brackets": "*".join(f"(x + {i}*y)" for i in range(1, 22)),
    "sin nested 31 deep": "sin(" * 31 + "x*y" + ")" * 31,
    "x/x/…, 24 divisions": "x" + "/x" * 24,
    "(x + y)**(x + y)**…, 14 high": "**".join(["(x + y)"] * 14),
    "x**x**…, 17 high": "x" + "**x" * 17,
    "mixed, every function": (
        "exp(-(x**2 + y**2)/8)*sin(3*x)*cos(2*y) + log(1 + x**2*y**2) - sqrt(abs(x*y) + 1)"
        " + tan(x/5)*y + (x - 1)**4/(1 + y**2) + x**3*y - 2*x*y**3 + exp(sin(x*y))"
        " + cos(x + y)**3 - sin(x - y)**2 + (x*y - 1)**2*exp(-x**2)"
        " + 1/(1 + exp(-x - y)) + x**5/100 - y**4/50 + abs(x - y)**3 + sqrt(1 + (x + y)**2)"
    ),
}
REFUSED = {
    "sin nested 32 deep": "sin(" * 32 + "x*y" + ")" * 32,
    "product of 22 brackets": "*".join(f"(x + {i}*y)" for i in range(1, 23)),
    "product of 40 brackets": "*".join(f"(x+{i}*y)" for i in range(1, 41)),
    "x/x/…, 25 divisions": "x" + "/x" * 25,
    "x/x/…, 190 divisions": "x" + "/x" * 190,
    "x**x**…, 18 high": "x" + "**x" * 18,
    "x**x**…, 130 high": "x" + "**x" * 130,
    "10,000 nested brackets": "(" * 10_000 + "x" + ")" * 10_000,
}


def best_of(function, repeats: int) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def per_call(function, calls: int, repeats: int) -> float:
    """Return the best time of one call of ``function()``, from ``calls`` in a loop."""

    def loop() -> None:
        for _ in range(calls):
            function()

    return best_of(loop, repeats) / calls


def build(text: str) -> symbolic.Program:
    formula = symbolic.parse(text)
    (fx, fy) = symbolic.gradient(formula, ("x", "y"))
    (fxx, fxy), (_, fyy) = symbolic.hessian(formula, ("x", "y"))
    symbolic.compile([formula], ("x", "y"))
    symbolic.compile([formula, fx, fy], ("x", "y"))
    return symbolic.compile([fxx, fxy, fyy], ("x", "y"))


def evaluation_table(calls: int, steps: int, repeats: int) -> None:
    linear = LinearRegression(Dataset(np.array(ARTICLE_X, float), np.array(ARTICLE_Y, float)))
    # (label, one evaluation, one run of `steps` descent steps); the baseline first.
    cases = [
        (
            "linear regression, 8 points (baseline)",
            lambda: linear._evaluate(0.5, 1.5),
            lambda: Descent(linear, DescentConfig(0.01, steps, init=(0.0, 0.0))).advance(steps),
        )
    ]
    for name in SURFACE_NAMES:
        problem, info = SURFACES[name], SURFACE_INFO[name]
        config = DescentConfig(info.learning_rate, steps, init=info.start)
        cases.append(
            (
                info.title,
                lambda p=problem, s=info.start: p._evaluate(*s),
                lambda p=problem, c=config: Descent(p, c).advance(steps),
            )
        )
    # Interleaved, so that a change in the machine's load between them touches the
    # baseline and the surfaces alike: the best of the repeats of each.
    evaluation = [math.inf] * len(cases)
    step = [math.inf] * len(cases)
    for _ in range(repeats):
        for i, (_, one, run) in enumerate(cases):
            evaluation[i] = min(evaluation[i], per_call(one, calls, 1))
            step[i] = min(step[i], best_of(run, 1) / steps)
    print("| problem | f and gradient, µs | ratio | descent step, µs | ratio |")
    print("|---|---:|---:|---:|---:|")
    for (label, _, _), seconds, stepping in zip(cases, evaluation, step, strict=True):
        print(
            f"| {label} | {seconds * 1e6:.2f} | {seconds / evaluation[0]:.1f} | "
            f"{stepping * 1e6:.2f} | {stepping / step[0]:.1f} |"
        )


def typed_table(repeats: int) -> None:
    rosenbrock = SURFACE_INFO["rosenbrock"].expression
    base = best_of(lambda: build(rosenbrock), repeats)
    base_search = best_of(lambda: find_stationary_points(function_problem(rosenbrock)), 1)
    print("| typed formula | chars | Hessian parts | ops | build, ms | ratio | search, ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| Rosenbrock (baseline) | {len(rosenbrock)} | – | – | {base * 1e3:.1f} | 1.0 | "
        f"{base_search * 1e3:.0f} |"
    )
    for label, text in TYPED.items():
        assert len(text) <= symbolic.MAX_LENGTH, (label, len(text))
        program = build(text)
        formula = symbolic.parse(text)
        parts = max(h.size for row in symbolic.hessian(formula, ("x", "y")) for h in row)
        seconds = best_of(lambda t=text: build(t), repeats)
        problem = function_problem(text)
        search = best_of(lambda p=problem: find_stationary_points(p), 1)
        print(
            f"| {label} | {len(text)} | {parts:,} | {len(program.code):,} | "
            f"{seconds * 1e3:.1f} | {seconds / base:.0f} | {search * 1e3:.0f} |"
        )
    print()
    print("| refused formula | chars | time to refuse, ms | ratio | message |")
    print("|---|---:|---:|---:|---|")
    for label, text in REFUSED.items():
        message = ""

        def attempt(t: str = text, what: str = label) -> None:
            nonlocal message
            try:
                build(t)
            except symbolic.ExpressionError as error:
                message = str(error)
            else:
                raise AssertionError(f"{what} was accepted")

        seconds = best_of(attempt, repeats)
        print(
            f"| {label} | {len(text):,} | {seconds * 1e3:.1f} | {seconds / base:.0f} | "
            f"{message[:60]}… |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls and repeats")
    args = parser.parse_args()
    calls, steps, repeats = (2_000, 2_000, 3) if args.quick else (20_000, 20_000, 5)
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print()
    evaluation_table(calls, steps, repeats)
    print()
    typed_table(repeats)


if __name__ == "__main__":
    main()
