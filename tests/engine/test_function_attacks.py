"""Typed functions under attack: hostile text, numbers at the edge, runs on every surface.

Every hostile text is refused with a message a person can act on, or accepted and
evaluated quietly; either way within a bounded amount of memory (measured with
tracemalloc over the whole build: parse, gradient, Hessian, compiled programs).
"""

from __future__ import annotations

import math
import os
import pickle
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gd_explorer.engine import (
    SURFACE_INFO,
    SURFACES,
    DescentConfig,
    FunctionProblem,
    descend,
    function_problem,
    reference_fit,
)
from gd_explorer.engine.functions import find_stationary_points
from gd_explorer.engine.optimizers import OPTIMIZERS
from gd_explorer.engine.schedules import SCHEDULES
from gd_explorer.engine.symbolic import MAX_SIZE, ExpressionError

#: Generous: the largest formula allowed takes a few MB; a blow-up would take gigabytes.
MEMORY_BOUND = 64 * 1024 * 1024


def _build(text: str) -> tuple[FunctionProblem | ExpressionError, int]:
    """Build the problem of ``text`` (or its refusal) and the peak memory it took."""
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                result: FunctionProblem | ExpressionError = function_problem(text)
            except ExpressionError as error:
                result = error
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def _refused(text: str) -> ExpressionError:
    result, peak = _build(text)
    assert peak < MEMORY_BOUND, f"{peak / 1e6:.0f} MB"
    assert isinstance(result, ExpressionError), f"{text[:60]!r} was accepted"
    message = str(result)
    assert 10 < len(message) < 300, message
    if result.column is not None:
        assert message.startswith(f"Column {result.column}:")
        assert 1 <= result.column <= len(text)
    return result


HOSTILE = [
    # The list.
    ("__import__('os')", "unknown function '__import__'", 1),
    ("__import__('os').system('ls')", "a dot (attribute) cannot be called", 1),
    ("x.__class__.__bases__", "a dot (attribute) is not allowed", 1),
    ("(lambda: x)()", "lambda cannot be called", 1),
    ("lambda x: x", "lambda is not allowed", 1),
    ("[x for x in (1, 2)]", "a loop (for ... in ...) is not allowed", 1),
    ("sin(y for y in (1, 2))", "a loop (for ... in ...) is not allowed", 4),
    ("9**9**9", "the power 3.8742e+08 is too large", 4),
    ("(" * 10_000 + "x" + ")" * 10_000, "too long", None),
    ("x+" * 500_000 + "y", "too long", None),
    # Ours.
    ("x" + "**x" * 130, "too complicated", None),
    ("x" + "**y" * 130, "too complicated", None),
    ("sin(" * 200 + "x" + ")" * 200, "too long", None),
    ("sin(" * 66 + "x*y" + ")" * 66, "too complicated", None),
    ("*".join(f"(x+{i}*y)" for i in range(1, 101)), "too long", None),
    ("*".join(f"(x+{i}*y)" for i in range(1, 40)), "too complicated", None),
    ("x" + "/x" * 190, "too complicated", None),
    ("\u0445**2 + y", "'х' looks like x but is another character: type x", 1),  # Cyrillic
    ("ｘ + y", "'ｘ' looks like x but is another character: type x", 1),  # full width
    ("x + \u0443", "'у' looks like y but is another character: type y", 5),  # Cyrillic
    ("x*\u0435", "'е' looks like e but is another character: type e", 3),
    ("ｓｉｎ(x)", "'ｓ' looks like s but is another character: type s", 1),
    ("x + ９", "'９' looks like 9 but is another character: type 9", 5),
    ("x\u200b + y", "the character '\\u200b' cannot be used", 2),
    ("x + y\x00", "the character '\\x00' cannot be used", 6),
    ("x²+y²", "write powers with ** (x**2), not ²", 2),
    ("x**-1e308", "the number 1e308 is too large", 5),
    ("1e308*x*1e308", "the number 1e308 is too large", 1),
    ("x" + "*1e12" * 26, "too large to compute", 1),
    ("exp(700)*x*exp(700)", "too large to compute", 1),
    ("0**-1 + x", "0**-1 has no value", 1),
    ("x + 1/0", "1/0 has no value", 5),
    ("x/0 + y", "x/0 divides by 0", 1),
    ("sin(x)/(2 - 2) + y", "sin(x)/(2 - 2) divides by 0", 1),
    ("log(0)*y", "log(0) has no value", 1),
    ("sqrt(-1) + x", "sqrt(-1) has no value", 1),
    ("(-8)**(1/3)*x", "(-8)**(1/3) has no value", 1),
    ("x**2 # + y**2", "comment", 6),
    ("log((y - tan(x))*(0/(0*x)))", "no value anywhere", None),
    ("x; y", "not a formula", 2),
    ("1" * 300 + "*x", "too large", 1),
]


@pytest.mark.parametrize(("text", "words", "column"), HOSTILE, ids=lambda v: str(v)[:24])
def test_hostile_text_is_refused_with_a_message(text: str, words: str, column: int | None) -> None:
    error = _refused(text)
    assert words in str(error)
    assert error.column == column


def test_a_refusal_for_size_names_the_limit_and_what_to_do() -> None:
    error = _refused("sin(" * 66 + "x*y" + ")" * 66)
    assert f"{MAX_SIZE:,}" in str(error) and "Simplify" in str(error)


ACCEPTED = [
    "-" * 390 + "x",  # 390 nested negations: -x
    "exp(exp(exp(exp(x))))",  # derivatives grow, but stay small
    "exp(" * 8 + "x*y" + ")" * 8,
    "tan(x)**100*tan(y)**100",
    "(x + y)**(x + y)**(x + y)**(x + y)**(x + y)**(x + y)",
    "(((x**2)**2)**2)**2 + y",
    "0**0 + x",  # 1, as numpy computes it
]


@pytest.mark.parametrize("text", ACCEPTED, ids=lambda v: v[:24])
def test_deep_but_legal_formulas_are_built_in_bounded_memory_and_evaluate_quietly(
    text: str,
) -> None:
    problem, peak = _build(text)
    assert peak < MEMORY_BOUND, f"{peak / 1e6:.0f} MB"
    assert isinstance(problem, FunctionProblem)
    grid = np.linspace(-3.0, 3.0, 31)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = problem.cost_grid(grid, grid)
        first = problem.derivatives(grid[:, None], grid[None, :])
        second = problem.second_derivatives(grid[:, None], grid[None, :])
        problem.gradient((1e6, -1e6))
        problem.hessian((-1e300, 1e300))
        assert problem.formula and all(problem.gradient_text())
        problem.hessian_text()
    assert values.shape == (31, 31) and not np.isinf(values).any()
    assert all(v.shape == (31, 31) for v in (*first, *second))


def test_nested_minus_signs_cancel() -> None:
    assert function_problem("-" * 390 + "x").formula == "x"
    assert function_problem("-" * 391 + "x").formula == "−x"


# --------------------------------------------------------------------------- numbers


def test_undefined_points_give_nan_without_warnings_or_exceptions() -> None:
    problem = function_problem("log(x) + sqrt(y) + 1/(x - y) + tan(x)")
    x = np.array([-1.0, 0.0, 2.0, 1.0, np.nan, np.inf, -np.inf, 1e308])
    y = np.array([1.0, 1.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = problem.values(x, y)
        f, fx, fy = problem.derivatives(x, y)
        a, b, c = problem.second_derivatives(x, y)
        scalar = problem.cost((-1.0, 1.0))
        gradient = problem.gradient((-1.0, 1.0))
    assert np.isnan(values[[0, 1, 2, 3, 4, 5, 6, 7]]).all()
    # f decides where it is defined: its derivatives may have a value where it has
    # none (∂/∂x of log(x) + sqrt(y) is 1/x), and runs stop on f.
    assert math.isnan(scalar) and gradient.shape == (2,)
    assert f.shape == fx.shape == fy.shape == a.shape == b.shape == c.shape == x.shape


def test_values_cleans_overflow_to_nan_but_derivatives_are_raw() -> None:
    problem = function_problem("exp(x) + y")
    values = problem.values([1000.0, -1000.0, 0.0], 0.0)
    assert np.isnan(values[0]) and values[1] == 0.0 and values[2] == 1.0
    f, fx, _ = problem.derivatives([1000.0], [0.0])
    assert np.isinf(f[0]) and np.isinf(fx[0])


def test_derivatives_on_arrays_with_nan_entries() -> None:
    problem = SURFACES["rosenbrock"]
    x = np.array([[np.nan, 1.0], [0.5, np.nan]])
    y = np.array([[0.0, np.nan], [0.25, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f, fx, fy = problem.derivatives(x, y)
        fxx, fxy, fyy = problem.second_derivatives(x, y)
    finite = np.isfinite(x) & np.isfinite(y)
    assert np.array_equal(np.isfinite(f), finite)
    assert np.array_equal(np.isfinite(fx), finite) and np.array_equal(np.isfinite(fxx), finite)
    assert np.isfinite(fxy[1, 0]) and np.isfinite(fyy[1, 0])
    assert f[1, 0] == problem.cost((0.5, 0.25))


def test_a_constant_function_broadcasts_to_the_points_shape() -> None:
    problem = function_problem("3")
    assert problem.values(np.zeros((4, 5)), 0.0).shape == (4, 5)
    assert all(v.shape == (7,) for v in problem.derivatives(np.zeros(7), np.zeros(7)))
    assert all(v.shape == (7,) for v in problem.second_derivatives(np.zeros(7), 1.0))


SCHEDULE_OPTIONS = {"step": {"every": 50, "factor": 0.5}}


@pytest.mark.parametrize("name", list(SURFACE_INFO))
def test_every_rule_and_schedule_runs_on_every_surface_without_warnings(name: str) -> None:
    problem, info = SURFACES[name], SURFACE_INFO[name]
    for optimizer in OPTIMIZERS:
        for schedule in SCHEDULES:
            config = DescentConfig(
                info.learning_rate,
                200,
                init=info.start,
                optimizer=optimizer,
                schedule=schedule,
                schedule_options=SCHEDULE_OPTIONS.get(schedule),
                seed=3,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                trajectory = descend(problem, config)
            assert np.isfinite(trajectory.params).all(), (optimizer, schedule)
            assert np.isfinite(trajectory.cost).all(), (optimizer, schedule)
            assert np.isfinite(trajectory.grad).all(), (optimizer, schedule)
            assert trajectory.status in ("max_steps", "converged", "diverged")
            assert trajectory.message


@pytest.mark.parametrize("name", list(SURFACE_INFO))
def test_noise_with_a_seed_repeats_on_every_surface(name: str) -> None:
    problem, info = SURFACES[name], SURFACE_INFO[name]
    config = DescentConfig(info.learning_rate, 100, init=info.start, noise=0.5, seed=11)
    first, again = descend(problem, config), descend(problem, config)
    assert np.array_equal(first.params, again.params)
    other = descend(problem, config.replace(seed=12))
    assert not np.array_equal(first.params, other.params)


# --------------------------------------------------------------------------- stationary points


def _points(problem: FunctionProblem) -> tuple[list, list]:
    return np.round(problem.minima, 6).tolist(), np.round(problem.saddles, 6).tolist()


def test_an_inflection_is_not_a_minimum() -> None:
    assert function_problem("x**3").minima == []
    assert function_problem("x**3 + y**2").minima == []


def test_a_flat_bottom_that_is_a_minimum_is_found_once() -> None:
    # Newton converges slowly to minima whose Hessian vanishes: each start stops
    # somewhere else near the bottom, and the points are one minimum, not many.
    for text in ("x**4 + y**4", "x**8 + y**8", "x**2 + y**6", "x**6"):
        minima = function_problem(text).minima
        assert len(minima) == 1, (text, minima)
        assert np.hypot(*minima[0]) < 0.05, (text, minima)


def test_a_valley_of_minima_is_not_a_saddle_and_not_hundreds_of_minima() -> None:
    for text in ("x**2*y**2", "(x**2 + y**2 - 4)**2", "(x - y)**2"):
        problem = function_problem(text)
        assert problem.saddles == [], text
        assert 1 <= len(problem.minima) <= 4, (text, len(problem.minima))
        assert reference_fit(problem).cost == pytest.approx(0.0, abs=1e-9)


def test_stationary_points_outside_the_domain_are_not_reported() -> None:
    problem = function_problem("(x - 7)**2 + y**2")
    assert problem.minima == []
    inside = function_problem("(x - 4.9)**2 + (y + 4.95)**2")
    assert _points(inside)[0] == [[4.9, -4.95]]


def test_functions_without_minima() -> None:
    for text in ("x + y", "-(x**2 + y**2)", "x**2 - y**2", "3", "x", "x**2 + y"):
        problem = function_problem(text)
        assert problem.minima == [], text
        assert not reference_fit(problem).exists, text
    assert _points(function_problem("x**2 - y**2"))[1] == [[0.0, 0.0]]


def test_a_monkey_saddle_is_found_though_its_hessian_vanishes() -> None:
    minima, saddles = find_stationary_points(function_problem("x**3 - 3*x*y**2"))
    assert minima == []
    assert len(saddles) == 1 and np.hypot(*saddles[0]) < 0.05


def test_a_one_variable_function_reports_points_on_y_zero() -> None:
    problem = function_problem("(x**2 - 1)**2 + 0.3*x")
    assert problem.dimension == 1
    assert [round(y, 12) for _, y in problem.minima] == [0.0, 0.0]
    assert problem.minima[0][0] < 0 < problem.minima[1][0]
    assert problem.saddles == []


def test_a_typed_problem_keeps_what_it_found_through_pickling() -> None:
    problem = function_problem("sin(x)*sin(y)")
    minima = problem.minima
    copy = pickle.loads(pickle.dumps(problem))
    assert copy._points is not None and copy.minima == minima
    assert copy.saddles == problem.saddles
    assert copy.hessian_text() == problem.hessian_text()
    assert copy.domain == problem.domain and copy.dimension == problem.dimension


@pytest.mark.parametrize("text", ["(y + y)**1.5", "log(y - cos(y))", "sqrt(x)*y**2", "1/x**2"])
def test_the_search_is_quiet_where_the_hessian_or_f_has_no_value(text: str) -> None:
    problem = function_problem(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minima, saddles = find_stationary_points(problem)
    for x, y in minima + saddles:
        assert math.isfinite(problem.cost((x, y)))


def test_a_step_onto_a_pole_going_down_says_f_is_unbounded_below() -> None:
    # The line search halves its step from (0.5, 1) until f is low enough: at (0, 0.5)
    # f is log(0) = −∞, lower than anything, and the run must not say f "grew".
    problem = function_problem("log(x) + y**2")
    trajectory = descend(problem, DescentConfig(1.0, 50, init=(0.5, 1.0), optimizer="linesearch"))
    assert trajectory.status == "diverged"
    assert "grew" not in trajectory.message
    assert "unbounded below" in trajectory.message
    assert "(0, 0.5)" in trajectory.message
    assert np.isfinite(trajectory.cost).all()


def test_no_stationary_point_is_reported_where_f_has_no_value() -> None:
    # 0·log(x) has no value at x ≤ 0, but its derivative (0) has one: the gradient of
    # f vanishes at (−1, 0), where f itself is not defined.
    problem = function_problem("0*log(x) + (x + 1)**2 + y**2")
    assert problem.minima == [] and problem.saddles == []
    assert not reference_fit(problem).exists


# Fuzzing the whole build: any text is a problem whose values are quiet, or a refusal
# with a message that fits a status line and a column inside the text.
_pieces = st.sampled_from(
    list("xy0123456789.e+-*/() ^%,[]'_:=<>!#²\t")
    + ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "pi", "**", "lambda", "for"]
    + ["__import__", "1e308", "9**9", "0/0", "x**x", "(x+y)", "\x00", "х", "ｘ"]
)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(_pieces, max_size=60).map("".join))
def test_fuzz_any_formula_like_text_builds_quietly_or_is_refused_well(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            problem = function_problem(text)
        except ExpressionError as error:
            message = str(error)
            assert 10 < len(message) < 300, message
            if error.column is not None:
                assert 1 <= error.column <= len(text) + 1
                assert message.startswith(f"Column {error.column}:")
            return
        grid = np.linspace(-4.0, 4.0, 9)
        values = problem.cost_grid(grid, grid)
        problem.derivatives(grid[:, None], grid[None, :])
        problem.second_derivatives(grid[:, None], grid[None, :])
        problem.formula, problem.gradient_text(), problem.hessian_text()
    assert not np.isinf(values).any()


@pytest.mark.parametrize("optimizer", ["gd", "adam", "newton"])
def test_a_run_from_a_point_without_a_gradient_says_so(optimizer: str) -> None:
    # The tip of a cone: f is 0 there, its gradient x/sqrt(x² + y²) is 0/0.
    problem = function_problem("sqrt(x**2 + y**2)")
    trajectory = descend(problem, DescentConfig(0.1, 20, init=(0.0, 0.0), optimizer=optimizer))
    assert trajectory.status == "diverged"
    assert "grew" not in trajectory.message and "nan" not in trajectory.message
    assert "gradient of f has no value at (0, 0)" in trajectory.message
    assert np.isfinite(trajectory.params).all() and np.isfinite(trajectory.cost).all()
