"""Function problems: built-in surfaces and typed functions, with exact derivatives."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gd_explorer.engine import (
    SURFACE_INFO,
    SURFACES,
    DescentConfig,
    FunctionProblem,
    bowl,
    descend,
    function_problem,
    reference_fit,
    stability,
)
from gd_explorer.engine.symbolic import ExpressionError


def _central_gradient(problem: FunctionProblem, x: float, y: float) -> np.ndarray:
    h = 1e-6 * max(1.0, abs(x), abs(y))
    fx = (problem.cost((x + h, y)) - problem.cost((x - h, y))) / (2 * h)
    fy = (problem.cost((x, y + h)) - problem.cost((x, y - h))) / (2 * h)
    return np.array([fx, fy])


def _central_hessian(problem: FunctionProblem, x: float, y: float) -> np.ndarray:
    h = 1e-5 * max(1.0, abs(x), abs(y))
    gxp, gxm = problem.gradient((x + h, y)), problem.gradient((x - h, y))
    gyp, gym = problem.gradient((x, y + h)), problem.gradient((x, y - h))
    return np.column_stack([(gxp - gxm) / (2 * h), (gyp - gym) / (2 * h)])


@pytest.mark.parametrize("name", list(SURFACE_INFO))
def test_every_surface_has_exact_derivatives(name: str) -> None:
    problem = SURFACES[name]
    x0, x1, y0, y1 = problem.domain
    rng = np.random.default_rng(7)
    for x, y in zip(rng.uniform(x0, x1, 25), rng.uniform(y0, y1, 25), strict=True):
        exact = problem.gradient((x, y))
        scale = 1.0 + np.abs(exact).max()
        np.testing.assert_allclose(exact, _central_gradient(problem, x, y), atol=1e-5 * scale)
        hessian = problem.hessian((x, y))
        assert np.array_equal(hessian, hessian.T)
        big = 1.0 + np.abs(hessian).max()
        np.testing.assert_allclose(hessian, _central_hessian(problem, x, y), atol=1e-4 * big)


@pytest.mark.parametrize("name", list(SURFACE_INFO))
def test_every_known_minimum_is_a_minimum_found_from_nearby(name: str) -> None:
    problem = SURFACES[name]
    for index, point in enumerate(problem.minima):
        assert np.hypot(*problem.gradient(point)) < 1e-8 * (1 + problem.cost_scale())
        eigenvalues = np.linalg.eigvalsh(problem.hessian(point))
        if problem.dimension == 2:
            assert eigenvalues.min() > 0
        nearby = (point[0] + 0.02, point[1] - 0.015 if problem.dimension == 2 else 0.0)
        trajectory = descend(
            problem, DescentConfig(1.0, 50, init=nearby, optimizer="newton", seed=1)
        )
        assert problem.reached(trajectory.final) == index
    for x, y in problem.saddles:
        assert np.hypot(*problem.gradient((x, y))) < 1e-8 * (1 + problem.cost_scale())
        # Around a saddle f is both above and below its value (the monkey saddle's
        # Hessian is zero there, so its eigenvalues cannot tell).
        angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        around = problem.values(x + 1e-3 * np.cos(angles), y + 1e-3 * np.sin(angles))
        centre = problem.cost((x, y))
        assert around.min() < centre < around.max()


def test_himmelblau_reports_which_of_its_four_minima_a_run_reached() -> None:
    problem = SURFACES["himmelblau"]
    assert len(problem.minima) == 4
    trajectory = descend(problem, DescentConfig(0.01, 2000, init=(3.0, -3.0), seed=1))
    index = problem.reached(trajectory.final)
    assert index is not None
    assert problem.minima[index] == pytest.approx((3.584428, -1.848126), abs=1e-6)
    assert problem.describe_reached(trajectory.final) == (
        f"reached minimum {index + 1} of 4 at (3.58, −1.85)"
    )


def test_the_rosenbrock_formulas_are_the_textbook_ones() -> None:
    problem = SURFACES["rosenbrock"]
    assert problem.formula == "(1 − x)² + 100·(y − x²)²"
    assert problem.gradient_text() == ("−2·(1 − x) − 400·x·(y − x²)", "200·(y − x²)")
    (fxx, fxy), (_, fyy) = problem.hessian_text()
    assert (fxy, fyy) == ("−400·x", "200")
    np.testing.assert_allclose(problem.hessian((1.0, 1.0)), [[802.0, -400.0], [-400.0, 200.0]])


def test_a_typed_function_finds_its_minima_and_saddles() -> None:
    problem = function_problem("(x**2 - 1)**2 + y**2")
    assert sorted(np.round(problem.minima, 9).tolist()) == [[-1.0, 0.0], [1.0, 0.0]]
    assert np.allclose(problem.saddles, [(0.0, 0.0)])
    assert reference_fit(problem).cost == pytest.approx(0.0, abs=1e-15)


def test_a_function_of_x_alone_never_moves_y() -> None:
    problem = SURFACES["double-well"]
    assert problem.dimension == 1
    trajectory = descend(problem, DescentConfig(0.02, 500, init=(1.6, 0.3), noise=0.5, seed=2))
    assert np.all(trajectory.params[:, 1] == 0.3)


def test_stochastic_variants_are_refused_on_a_function() -> None:
    for variant in ("stochastic", "minibatch"):
        with pytest.raises(ValueError, match="no data rows"):
            descend(SURFACES["booth"], DescentConfig(0.01, 10, variant=variant))


def test_gradient_noise_is_seeded_and_changes_the_path() -> None:
    problem = SURFACES["booth"]
    config = DescentConfig(0.01, 200, init=(-8.0, -6.0), noise=2.0, seed=5)
    first, again = descend(problem, config), descend(problem, config)
    assert np.array_equal(first.params, again.params)
    plain = descend(problem, config.replace(noise=0.0))
    assert not np.allclose(first.params, plain.params)
    # The noise is the difference between the gradient used and the exact one.
    used = first.grad[0]
    exact = problem.gradient(first.params[0])
    assert 0 < np.hypot(*(used - exact)) < 20


def test_a_saddle_without_a_minimum_says_the_function_falls_without_bound() -> None:
    problem = SURFACES["saddle"]
    assert problem.minima == []
    assert not reference_fit(problem).exists
    trajectory = descend(problem, DescentConfig(0.05, 2000, init=(-1.8, 0.001), seed=1))
    assert trajectory.status == "diverged"
    assert "unbounded below" in trajectory.message
    assert np.all(np.isfinite(trajectory.params))


def test_leaving_the_domain_stops_the_run_and_says_where() -> None:
    problem = function_problem("log(x) + y**2")
    trajectory = descend(problem, DescentConfig(0.5, 100, init=(0.5, 1.0)))
    assert trajectory.status == "diverged"
    assert trajectory.message.startswith(
        "left the domain at step 1: f is not defined at (-0.5, 0)"
    )
    assert np.all(np.isfinite(trajectory.cost))


def test_the_bowl_has_the_condition_number_it_is_given() -> None:
    for condition in (1.0, 10.0, 1000.0):
        figures = stability(bowl(condition, rotation=25.0), (0.3, -0.2))
        assert figures.condition == pytest.approx(condition, rel=1e-9)
    with pytest.raises(ValueError, match="1 … 1000"):
        bowl(1e6)


def test_a_function_problem_survives_pickling_for_the_engine_process() -> None:
    problem = SURFACES["himmelblau"]
    copy = pickle.loads(pickle.dumps(problem))
    assert copy.minima == problem.minima
    assert copy.cost((1.0, 2.0)) == problem.cost((1.0, 2.0))
    assert copy.name == "himmelblau"


def test_surfaces_name_the_unknown_and_typed_text_names_the_column() -> None:
    with pytest.raises(KeyError, match="rosenbrock"):
        SURFACES["nonesuch"]
    with pytest.raises(ExpressionError) as caught:
        function_problem("x**2 + z")
    assert caught.value.column == 8
    assert "the variables are x and y" in str(caught.value)


def test_a_run_that_stops_on_a_saddle_is_told_apart_from_one_at_a_minimum() -> None:
    problem = SURFACES["saddle"]
    # Exactly on the axis the gradient never leaves it: descent ends at the saddle.
    trajectory = descend(problem, DescentConfig(0.05, 500, init=(-1.8, 0.0), tolerance=1e-6))
    assert trajectory.status == "converged"
    assert problem.describe_stop(trajectory.final) == (
        "stopped at the saddle at (0, 0), which is not a minimum"
    )
    himmelblau = SURFACES["himmelblau"]
    assert himmelblau.describe_stop((3.0, 2.0)) == "reached minimum 1 of 4 at (3, 2)"
    assert himmelblau.describe_stop((1.0, 1.0)) is None
