"""Costs and gradients: finite differences, sufficient statistics, grids, overflow."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gd_explorer.engine import (
    Dataset,
    DatasetError,
    LinearRegression,
    LogisticRegression,
    cost_grid,
)

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
sizes = st.integers(2, 40)


@st.composite
def datasets(draw, labels=False):
    n = draw(sizes)
    x = draw(arrays(np.float64, n, elements=finite))
    if labels:
        y = draw(arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])))
    else:
        y = draw(arrays(np.float64, n, elements=finite))
    return Dataset(x, y)


thetas = st.tuples(st.floats(-3, 3), st.floats(-3, 3))
penalties = st.sampled_from([0.0, 0.5])


def central_difference(problem, theta, h=1e-6):
    theta = np.asarray(theta, dtype=float)
    out = np.empty(2)
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        out[i] = (problem.cost(theta + step) - problem.cost(theta - step)) / (2 * h)
    return out


@settings(max_examples=60, deadline=None)
@given(datasets(), thetas, penalties)
def test_linear_gradient_matches_finite_differences(data, theta, l2):
    problem = LinearRegression(data, l2=l2)
    scale = 1.0 + np.abs(data.x).max() ** 2 + np.abs(data.y).max() ** 2
    np.testing.assert_allclose(
        problem.gradient(theta), central_difference(problem, theta), rtol=1e-6, atol=1e-6 * scale
    )


@settings(max_examples=60, deadline=None)
@given(datasets(labels=True), thetas, penalties)
def test_logistic_gradient_matches_finite_differences(data, theta, l2):
    problem = LogisticRegression(data, l2=l2)
    np.testing.assert_allclose(
        problem.gradient(theta), central_difference(problem, theta), rtol=1e-6, atol=1e-6
    )


@settings(max_examples=60, deadline=None)
@given(datasets(), thetas, penalties)
def test_sufficient_statistics_gradient_equals_direct_sum(data, theta, l2):
    problem = LinearRegression(data, l2=l2)
    scale = 1.0 + np.abs(data.x).max() * (np.abs(data.y).max() + 10 * np.abs(data.x).max())
    np.testing.assert_allclose(
        problem.gradient(theta), problem.direct_gradient(theta), rtol=1e-12, atol=1e-13 * scale
    )


def test_sufficient_statistics_keep_precision_far_from_the_origin():
    # Raw sums Σx² would cancel catastrophically here; centred statistics do not.
    x = 1e6 + np.arange(10.0)
    data = Dataset(x, 3.0 * (x - 1e6) + 1.0)
    problem = LinearRegression(data)
    theta = (2.5, -2.5e6)
    np.testing.assert_allclose(
        problem.gradient(theta), problem.direct_gradient(theta), rtol=1e-9, atol=1e-3
    )


def test_row_gradients_are_the_mean_over_those_rows():
    data = Dataset([1.0, 2.0, 4.0, 7.0], [1.0, 3.0, 2.0, 5.0])
    problem = LinearRegression(data, l2=0.25)
    theta = (0.3, -0.2)
    m, b = theta
    rows = [0, 3]
    r = data.y[rows] - (m * data.x[rows] + b)
    expected = [-np.mean(r * data.x[rows]) + 0.25 * m, -np.mean(r)]
    np.testing.assert_allclose(problem.gradient(theta, rows=rows), expected, rtol=1e-14)


@pytest.mark.parametrize("model", [LinearRegression, LogisticRegression])
def test_cost_grid_equals_cost_pointwise(model):
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    y = (rng.random(50) < 0.5).astype(float)
    problem = model(Dataset(x, y), l2=0.3)
    ms = np.linspace(-4, 4, 7)
    bs = np.linspace(-2, 3, 5)
    grid = cost_grid(problem, ms, bs)
    assert grid.shape == (7, 5)
    expected = [[problem.cost((m, b)) for b in bs] for m in ms]
    np.testing.assert_allclose(grid, expected, rtol=1e-12)


def test_linear_cost_matches_the_textbook_formula():
    data = Dataset([1, 3, 4, 5, 6, 7, 8, 10], [4, 3, 7, 7, 8, 10, 8, 11])
    problem = LinearRegression(data, l2=0.5)
    m, b = 0.7, 1.9
    textbook = np.sum((data.y - (m * data.x + b)) ** 2) / (2 * len(data)) + 0.25 * m * m
    assert problem.cost((m, b)) == pytest.approx(textbook, rel=1e-13)


def test_logistic_cost_is_stable_for_huge_parameters():
    data = Dataset([1, 3, 4, 5, 6, 7, 8, 10], [0, 0, 0, 1, 1, 1, 1, 1])
    problem = LogisticRegression(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far_wrong = problem.cost((-1e6, 0.0))
        far_right = problem.cost((1e6, -4.5e6))
        grad = problem.gradient((1e6, 0.0))
    # Class-1 points at x = 5 … 10 are wrong by margins up to 1e7: the cost is their mean.
    assert far_wrong == pytest.approx((5 + 6 + 7 + 8 + 10) * 1e6 / 8, rel=1e-12)
    assert far_right == pytest.approx(0.0, abs=1e-300)
    assert np.all(np.isfinite(grad))
    # With m = 1e6, b = 0 every point is predicted class 1: class-0 rows pull the slope down.
    assert grad == pytest.approx([(1 + 3 + 4) / 8, 3 / 8])


def test_logistic_cost_matches_cross_entropy():
    data = Dataset([0.5, 1.0, 2.0, 3.0], [0, 1, 0, 1])
    problem = LogisticRegression(data, l2=0.2)
    m, b = 0.8, -1.1
    p = 1 / (1 + np.exp(-(m * data.x + b)))
    y = data.y
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + 0.1 * m * m
    assert problem.cost((m, b)) == pytest.approx(expected, rel=1e-13)


def test_logistic_rejects_labels_that_are_not_classes():
    with pytest.raises(DatasetError, match=r"row 2 has y = 0\.5"):
        LogisticRegression(Dataset([1, 2, 3], [0, 0.5, 1]))


@pytest.mark.parametrize("l2", [-1.0, float("nan"), float("inf")])
def test_bad_penalty_is_refused(l2):
    with pytest.raises(ValueError, match="L2 penalty"):
        LinearRegression(Dataset([1, 2], [1, 2]), l2=l2)


def test_bad_rows_are_refused():
    problem = LinearRegression(Dataset([1, 2, 3], [1, 2, 3]))
    with pytest.raises(ValueError, match=r"rows must lie in 0 … 2"):
        problem.gradient((0, 0), rows=[5])


def test_logistic_large_data_sums_agree_with_direct_formula():
    # More rows than one chunk, so the chunked sums are exercised.
    rng = np.random.default_rng(5)
    x = rng.normal(size=40_000) * 3
    y = (rng.random(x.size) < 1 / (1 + np.exp(-x))).astype(float)
    problem = LogisticRegression(Dataset(x, y))
    m, b = 0.9, 0.2
    p = 1 / (1 + np.exp(-(m * x + b)))
    expected = [np.mean((p - y) * x), np.mean(p - y)]
    np.testing.assert_allclose(problem.gradient((m, b)), expected, rtol=1e-10)
    cost = -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))
    assert problem.cost((m, b)) == pytest.approx(cost, rel=1e-12)


@pytest.mark.parametrize("theta", [(0.7, 0.1), (-3.0, 2.0), (900.0, -10.0), (-5e4, 3e3)])
def test_logistic_row_loop_and_chunked_numpy_sums_agree(theta):
    # Small datasets take a pure-Python loop, large ones chunked numpy passes (with a
    # fallback when exp would overflow): both must give the same cost and gradient.
    rng = np.random.default_rng(9)
    x = rng.normal(size=20_000) * 2
    y = (rng.random(x.size) < 0.5).astype(float)
    problem = LogisticRegression(Dataset(x, y))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for sign, column in ((1.0, problem._x0), (-1.0, problem._x1)):
            fast = problem._numpy_sums(*theta, sign, column)
            slow = problem._python_sums(*theta, sign, column)
            np.testing.assert_allclose(fast, slow, rtol=1e-11)


def test_the_logistic_cost_alone_equals_the_cost_of_the_full_evaluation():
    rng = np.random.default_rng(8)
    x = rng.normal(0.0, 3.0, 20_000)
    problem = LogisticRegression(Dataset(x, (rng.random(x.size) < 0.5).astype(float)))
    for m, b in [(0.0, 0.0), (2.5, -1.0), (400.0, 3.0), (-1e5, 7.0)]:
        assert problem._cost(m, b) == problem._evaluate(m, b)[0]
