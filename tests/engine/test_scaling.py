"""Feature scaling: standardised x, exact maps back, and the valley made round."""

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    Dataset,
    DatasetError,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    Scaling,
    article_dataset,
    compare_scaling,
    descend,
    reference_fit,
    stability,
    standardise,
)
from gd_explorer.engine.scaling import SCALING_MAX_STEPS

M_STAR, B_STAR = 0.844827586206896551, 2.603448275862068965  # 49/58, 151/58


@pytest.fixture(scope="module")
def data():
    return article_dataset()


def test_standardised_x_has_mean_0_and_deviation_1(data):
    scaling = standardise(data)
    assert scaling == Scaling(5.5, np.sqrt(7.25))
    scaled = scaling.data(data)
    assert abs(scaled.x.mean()) < 1e-15
    assert scaled.x.std() == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_array_equal(scaled.y, data.y)
    assert scaled.name == data.name


def test_the_valley_becomes_a_round_bowl(data):
    line = LinearRegression(data)
    scaled = standardise(data).problem(line)
    assert stability(line).condition == pytest.approx(202.44333620824426, rel=1e-9)
    assert stability(scaled).condition == pytest.approx(1.0, abs=1e-9)


def test_the_optimum_on_scaled_data_maps_back_to_least_squares(data):
    scaling = standardise(data)
    scaled = scaling.problem(LinearRegression(data))
    found = descend(scaled, DescentConfig(0.5, 200)).final
    np.testing.assert_allclose(scaling.to_original(found), (M_STAR, B_STAR), rtol=1e-9)
    np.testing.assert_allclose(
        scaling.to_original(reference_fit(scaled).theta), (M_STAR, B_STAR), rtol=1e-12
    )


@pytest.mark.parametrize("theta", [(0.0, 0.0), (M_STAR, B_STAR), (-3.5, 120.0), (1e6, -1e-6)])
def test_round_trips_and_the_same_cost(data, theta):
    scaling = standardise(data)
    # b' = b + m·mean: a huge slope leaves rounding of its own size in the intercept.
    size = 1e-12 * max(1.0, *map(abs, theta))
    back = scaling.to_original(scaling.from_original(theta))
    np.testing.assert_allclose(back, theta, rtol=1e-12, atol=size)
    there = scaling.from_original(scaling.to_original(theta))
    np.testing.assert_allclose(there, theta, rtol=1e-12, atol=size)
    line = LinearRegression(data, l2=0.3)
    scaled = scaling.problem(line)
    assert scaled.l2 == pytest.approx(0.3 / 7.25)
    assert scaled.cost(scaling.from_original(theta)) == pytest.approx(line.cost(theta), rel=1e-12)
    # Both lines predict the same y at every x.
    m, b = theta
    ms, bs = scaling.from_original(theta)
    np.testing.assert_allclose(ms * scaling.data(data).x + bs, m * data.x + b, rtol=1e-12)


def test_constant_x_is_refused_with_a_message():
    with pytest.raises(DatasetError, match="x cannot be standardised: every x is"):
        standardise(Dataset([3.0, 3.0, 3.0], [1.0, 2.0, 4.0]))


def test_scaling_report_on_the_articles_data(data):
    report = compare_scaling(LinearRegression(data), DescentConfig(0.01, 100))
    assert report.condition_before == pytest.approx(202.44333620824426, rel=1e-9)
    assert report.condition_after == pytest.approx(1.0, abs=1e-9)
    assert report.best_rate_before == pytest.approx(2 / (38.5 - 0.0), rel=1e-12)
    assert report.best_rate_after == pytest.approx(1.0, rel=1e-12)
    # Measured: 870 steps at 2/(L + μ) through the valley, one step in the round bowl.
    assert report.steps_before == 870
    assert report.steps_after == 1
    assert report.max_steps == SCALING_MAX_STEPS
    assert "870 steps before and 1 step after" in report.message
    # The count is the sweep's: the first step within 1e-6 of the optimal cost.
    run = descend(LinearRegression(data), DescentConfig(report.best_rate_before, 870))
    assert run.cost[-1] - report.optimum <= 1e-6 < run.cost[-2] - report.optimum


def test_scaling_report_caps_the_steps_and_says_so(data):
    report = compare_scaling(LinearRegression(data), DescentConfig(0.01, 100), max_steps=100)
    assert report.steps_before == -1 and report.steps_after == 1
    assert "more than 100 steps before" in report.message


def test_scaling_report_on_the_article_classes(data):
    classes = LogisticRegression(Dataset(data.x, [0, 0, 1, 0, 1, 1, 0, 1]))
    report = compare_scaling(classes, DescentConfig(0.1, 100))
    # Measured: local curvature at each side's optimum.
    assert report.condition_before == pytest.approx(251.418, rel=1e-5)
    assert report.condition_after == pytest.approx(1.37836, rel=1e-5)
    assert report.steps_before == 897 and report.steps_after == 4
    separable = LogisticRegression(Dataset(data.x, ARTICLE_CLASSES))
    none = compare_scaling(separable, DescentConfig(0.1, 100))
    assert none.optimum is None and none.steps_before == none.steps_after == -1
    assert "no finite" in none.message or "separat" in none.message


def test_a_held_slope_maps_and_a_held_intercept_is_refused(data):
    scaling = standardise(data)
    assert scaling.fixed({"slope": 2.0}) == {"m": 2.0 * np.sqrt(7.25)}
    assert scaling.fixed(None) is None
    with pytest.raises(ValueError, match="a held intercept cannot be kept"):
        compare_scaling(LinearRegression(data), DescentConfig(0.01, 10, fixed={"b": 2.6}))
    report = compare_scaling(LinearRegression(data), DescentConfig(0.01, 10, fixed={"m": 0.5}))
    assert report.condition_before == report.condition_after == 1.0
