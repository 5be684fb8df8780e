"""Reference fits, stability figures and their edge cases."""

import math

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    Dataset,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    cost_grid,
    reference_fit,
    stability,
)


def test_linear_fit_gradient_is_zero_with_and_without_penalty():
    for l2 in (0.0, 2.0):
        problem = LinearRegression(article_dataset(), l2=l2)
        fit = reference_fit(problem)
        assert fit.exists and fit.unique
        np.testing.assert_allclose(problem.gradient(fit.theta), 0.0, atol=1e-12)
        assert fit.cost == pytest.approx(problem.cost(fit.theta))


def test_linear_fit_with_equal_x_is_not_unique():
    problem = LinearRegression(Dataset([2, 2, 2], [1, 2, 6]))
    fit = reference_fit(problem)
    assert fit.exists and not fit.unique
    assert "every x is the same" in fit.message
    np.testing.assert_allclose(problem.gradient(fit.theta), 0.0, atol=1e-12)


def test_stability_of_the_article_data_is_exact():
    problem = LinearRegression(article_dataset())
    figures = stability(problem)
    x = article_dataset().x
    hessian = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    expected = np.linalg.eigvalsh(hessian)
    np.testing.assert_allclose(figures.eigenvalues, expected, rtol=1e-12)
    assert figures.L == pytest.approx(expected[1])
    assert figures.mu == pytest.approx(expected[0])
    assert figures.condition == pytest.approx(expected[1] / expected[0])
    assert figures.best_lr == pytest.approx(2 / (expected[0] + expected[1]))
    intercept_only = stability(problem, fixed={"m": 0.8})
    assert intercept_only.L == pytest.approx(1.0)


def test_separable_logistic_data_has_no_finite_optimum():
    problem = LogisticRegression(article_dataset(ARTICLE_CLASSES))
    fit = reference_fit(problem)
    assert not fit.exists
    assert fit.theta is None and fit.cost is None
    assert "perfectly separated" in fit.message
    assert "x ≤ 4 is class 0" in fit.message


def test_touching_classes_also_have_no_finite_optimum():
    problem = LogisticRegression(Dataset([1, 2, 2, 3], [0, 0, 1, 1]))
    assert not reference_fit(problem).exists


def test_single_class_has_no_finite_optimum():
    fit = reference_fit(LogisticRegression(Dataset([1, 2, 3], [1, 1, 1])))
    assert not fit.exists
    assert "every point is class 1" in fit.message


def test_penalty_or_overlap_gives_a_finite_logistic_optimum():
    separable = article_dataset(ARTICLE_CLASSES)
    overlapping = Dataset([1, 3, 4, 5, 6, 7, 8, 10], [0, 0, 1, 0, 1, 1, 1, 1])
    for problem in (LogisticRegression(separable, l2=0.01), LogisticRegression(overlapping)):
        fit = reference_fit(problem)
        assert fit.exists and fit.unique
        np.testing.assert_allclose(problem.gradient(fit.theta), 0.0, atol=1e-10)


def test_logistic_slope_only_optimum_near_the_article_run():
    problem = LogisticRegression(article_dataset(ARTICLE_CLASSES))
    fit = reference_fit(problem, fixed={"b": -67.57})
    assert fit.exists
    m, b = fit.theta
    assert b == -67.57
    assert problem.gradient(fit.theta)[0] == pytest.approx(0.0, abs=1e-12)
    assert 15.0 < m < 15.1


def test_logistic_slope_only_without_bound():
    # All class 1 at positive x: raising the slope always helps.
    problem = LogisticRegression(Dataset([1, 2, 3], [1, 1, 1]))
    fit = reference_fit(problem, fixed={"b": 0.0})
    assert not fit.exists
    assert "no finite best slope" in fit.message


def test_logistic_stability_is_local():
    problem = LogisticRegression(Dataset([1, 3, 4, 5, 6, 7, 8, 10], [0, 0, 1, 0, 1, 1, 1, 1]))
    at_start = stability(problem, theta=(0.0, 0.0))
    far = stability(problem, theta=(50.0, 0.0))
    assert at_start.theta == (0.0, 0.0)
    # At the start every p is 1/2, where σ′ is largest.
    x = problem.data.x
    expected = np.linalg.eigvalsh(0.25 * np.array([[np.mean(x * x), x.mean()], [x.mean(), 1]]))
    np.testing.assert_allclose(at_start.eigenvalues, expected, rtol=1e-12)
    assert far.max_stable_lr > at_start.max_stable_lr


def test_stability_with_a_flat_direction():
    figures = stability(LinearRegression(Dataset([2, 2, 2], [1, 2, 3])))
    assert figures.mu == 0.0
    assert math.isinf(figures.condition)


def test_cost_grid_rejects_bad_axes():
    problem = LinearRegression(article_dataset())
    with pytest.raises(ValueError, match="slope values must be a non-empty 1-D array"):
        cost_grid(problem, [], [1.0])
    with pytest.raises(ValueError, match="intercept values must all be finite"):
        cost_grid(problem, [1.0], [np.nan])


def test_linear_cost_grid_does_not_depend_on_row_count():
    rng = np.random.default_rng(0)
    x = rng.normal(size=8)
    y = rng.normal(size=8)
    small = LinearRegression(Dataset(x, y))
    big = LinearRegression(Dataset(np.tile(x, 1000), np.tile(y, 1000)))
    ms, bs = np.linspace(-2, 2, 9), np.linspace(-1, 1, 5)
    np.testing.assert_allclose(cost_grid(small, ms, bs), cost_grid(big, ms, bs), rtol=1e-10)


def test_a_logistic_fit_is_found_once_per_model_and_held_value(monkeypatch):
    from gd_explorer.engine import analysis

    calls = []
    newton = analysis._logistic_fit
    monkeypatch.setattr(
        analysis,
        "_logistic_fit",
        lambda problem, held: calls.append(held) or newton(problem, held),
    )
    data = article_dataset(ARTICLE_CLASSES)
    model = LogisticRegression(data)
    first = reference_fit(model)
    assert reference_fit(model) is first and reference_fit(model, {}) is first
    held = reference_fit(model, {"b": 0.5})
    assert reference_fit(model, {"intercept": 0.5}) is held and held.theta[1] == 0.5
    assert len(calls) == 2
    # Another model on the same data (an edit makes a new one) has its own fits.
    assert reference_fit(LogisticRegression(data)) == first and len(calls) == 3
    # A penalised model's optimum differs.
    assert reference_fit(LogisticRegression(data, l2=1.0)).theta != first.theta


def test_a_million_equal_x_leave_the_slope_undetermined():
    # Rounding in the mean leaves a variance of about 1e-31 · x², once read as a slope.
    rng = np.random.default_rng(3)
    data = Dataset(np.full(10**6, 0.1), rng.normal(5.0, 1.0, 10**6))
    fit = reference_fit(LinearRegression(data))
    assert fit.exists and not fit.unique
    assert "rank-deficient" in fit.message and "slope is undetermined" in fit.message
    assert "1e-12" in fit.message  # the tolerance used
    assert fit.theta[0] == 0.0
    assert fit.theta[1] == pytest.approx(data.y.mean())


@pytest.mark.parametrize("spread", [0.0, 1e-14, 1e-13])
def test_near_constant_x_is_rank_deficient_below_the_tolerance(spread):
    x = 3.7 * (1.0 + spread * np.array([-1.0, 0.0, 1.0, 0.5]))
    fit = reference_fit(LinearRegression(Dataset(x, [1.0, 2.0, 6.0, 3.0])))
    assert not fit.unique and "slope is undetermined" in fit.message


def test_a_small_but_real_spread_of_x_still_gives_the_unique_fit():
    x = 1e8 + np.array([0.0, 1.0, 2.0, 3.0])
    fit = reference_fit(LinearRegression(Dataset(x, [1.0, 3.0, 5.0, 7.0])))
    assert fit.unique
    assert fit.theta[0] == pytest.approx(2.0)


def test_a_penalty_fixes_the_slope_of_equal_x():
    fit = reference_fit(LinearRegression(Dataset([2.0, 2.0, 2.0], [1.0, 2.0, 6.0]), l2=0.5))
    assert fit.unique


def test_logistic_with_equal_x_leaves_the_slope_undetermined():
    problem = LogisticRegression(Dataset([2.0, 2.0, 2.0, 2.0], [0.0, 1.0, 1.0, 0.0]))
    fit = reference_fit(problem)
    assert fit.exists and not fit.unique
    assert "slope is undetermined" in fit.message
    assert fit.cost == pytest.approx(math.log(2.0))


def test_a_fit_beyond_the_range_of_doubles_says_so():
    # Slope 1e199: its cost needs m² = 1e398 on the way, and must not come back nan or inf.
    problem = LinearRegression(Dataset([0.0, 1e-100, 2e-100], [0.0, 1e99, 2e99 + 1e90]))
    fit = reference_fit(problem)
    if fit.exists:
        assert all(math.isfinite(v) for v in (*fit.theta, fit.cost))
    else:
        assert fit.theta is None and "floating-point" in fit.message


def test_stability_of_near_constant_x_has_a_flat_direction():
    x = 3.7 * (1.0 + 1e-15 * np.array([-1.0, 0.0, 1.0, 0.5]))
    figures = stability(LinearRegression(Dataset(x, [1.0, 2.0, 6.0, 3.0])))
    assert figures.mu == 0.0
    assert math.isinf(figures.condition)


@pytest.mark.parametrize("model", [LinearRegression, LogisticRegression])
def test_cost_grid_far_out_is_infinite_or_finite_never_nan(model):
    problem = model(Dataset([1.0, 3.0, -2.0, 5.0], [0.0, 1.0, 0.0, 1.0]))
    z = cost_grid(problem, [-1e300, 0.0, 1e300], [-1e308, 0.0, 1e308])
    assert not np.isnan(z).any()
    assert np.isfinite(z[1, 1])


@pytest.mark.parametrize("theta", [(math.nan, 0.0), (0.0, math.inf)])
def test_stability_refuses_a_point_that_is_not_finite(theta):
    problem = LogisticRegression(article_dataset(ARTICLE_CLASSES))
    with pytest.raises(ValueError, match="must be finite"):
        stability(problem, theta)
