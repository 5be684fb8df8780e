"""Every number DESIGN's table fixes, to 1e-9 relative."""

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    reference_fit,
    stability,
)

REL = 1e-9


@pytest.fixture(scope="module")
def line():
    return LinearRegression(article_dataset())


@pytest.fixture(scope="module")
def classes():
    return LogisticRegression(article_dataset(ARTICLE_CLASSES))


def test_least_squares(line):
    fit = reference_fit(line)
    assert fit.theta == pytest.approx((0.844827586206896, 2.603448275862069), rel=REL)


def test_slope_only_learning_rate_one_diverges(line):
    run = descend(line, DescentConfig(1.0, 5, fixed={"b": 2.6}))
    expected = [31.7, -1125.35, 41106.975, -1500372.8875, 54763642.09375]
    np.testing.assert_allclose(run.params[1:, 0], expected, rtol=REL)
    assert run.params[0, 0] == 0.0
    assert np.all(run.params[:, 1] == 2.6)
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.cost))


def test_slope_only_small_learning_rate(line):
    run = descend(line, DescentConfig(0.001, 1000, fixed={"b": 2.6}))
    assert run.final[0] == pytest.approx(0.8453333333333318, rel=REL)
    assert run.status == "max_steps"


def test_slope_only_overshoots_then_settles(line):
    run = descend(line, DescentConfig(0.05, 100, fixed={"b": 2.6}))
    best = reference_fit(line, fixed={"b": 2.6}).theta[0]
    offsets = run.params[1:, 0] - best
    # Every step lands on the other side of the minimum …
    assert np.all(np.sign(offsets[1:]) != np.sign(offsets[:-1]))
    # … closer than before, and it settles.
    assert np.all(np.abs(offsets[1:]) < np.abs(offsets[:-1]))
    assert abs(offsets[-1]) < 1e-5
    assert run.status == "max_steps"


def test_slope_and_intercept(line):
    run = descend(line, DescentConfig(0.01, 4000, init=(0.0, 0.0)))
    m, b = run.final
    assert m == pytest.approx(0.8450107631510549, rel=REL)
    assert b == pytest.approx(2.6022056448336817, rel=REL)


def test_logistic_slope_only(classes):
    run = descend(classes, DescentConfig(1.0, 1000, fixed={"b": -67.57}))
    assert run.final[0] == pytest.approx(15.017184591647284, rel=REL)


def test_slope_only_stability_limit(line):
    figures = stability(line, fixed={"b": 2.6})
    assert figures.L == pytest.approx(37.5, rel=REL)
    assert figures.max_stable_lr == pytest.approx(2 / 37.5, rel=REL)


def test_divergence_message_names_step_and_limit(line):
    run = descend(line, DescentConfig(1.0, 5, fixed={"b": 2.6}))
    assert run.message.startswith("diverged at step 4: learning rate 1.0 is above")
    assert "stability limit 0.0533" in run.message
    assert run.diverged_at == 4
