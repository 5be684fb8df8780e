"""What a step's rows say, computed once for every view: their gradients and their costs."""

from __future__ import annotations

import numpy as np
import pytest

from gd_explorer.engine import (
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    function_problem,
    reference_fit,
)
from gd_explorer.engine.samplers import ReplayedRows
from gd_explorer.engine.scaling import standardise
from gd_explorer.scene import Scene, gradient_spread, row_losses, trajectory_trace

X = np.array([1.0, 3, 4, 5, 6, 7, 8, 10])
Y = np.array([4.0, 3, 7, 7, 8, 10, 8, 11])
CLASSES = np.array([0.0, 0, 0, 1, 1, 1, 1, 1])


def scene_at(problem, config, step):
    run = descend(problem, config)
    rows = ReplayedRows(
        config.variant, problem.n, config.batch_size, config.seed, config.steps
    ).at(step)
    trace = trajectory_trace(run, step, "replay", rows=rows)
    return (
        run,
        rows,
        Scene(problem.kind, problem.data, reference_fit(problem), (trace,), problem=problem),
    )


def numpy_row_gradients(kind, x, y, m, b):
    """Each row's gradient from the cost's formula, written out independently."""
    if kind == "linear":
        r = y - (m * x + b)
        return np.column_stack([-r * x, -r])
    p = 1.0 / (1.0 + np.exp(-(m * x + b)))
    return np.column_stack([(p - y) * x, p - y])


@pytest.mark.parametrize(
    ("kind", "variant", "rate"),
    [
        ("linear", "stochastic", 0.01),
        ("linear", "minibatch", 0.01),
        ("logistic", "stochastic", 0.5),
        ("logistic", "minibatch", 0.5),
    ],
)
def test_the_rows_gradients_are_each_rows_own_and_their_mean_is_the_step(kind, variant, rate):
    data = article_dataset() if kind == "linear" else Dataset(X, CLASSES)
    problem = LinearRegression(data) if kind == "linear" else LogisticRegression(data)
    config = DescentConfig(rate, 40, variant=variant, batch_size=3, seed=11)
    run, rows, scene = scene_at(problem, config, 17)
    spread = gradient_spread(scene)
    assert spread is not None
    m, b = run.params[16]  # the step was taken from the point before
    assert spread.origin == pytest.approx((m, b), abs=0)
    used = np.atleast_1d(rows)
    assert list(spread.rows) == list(used)
    expected = numpy_row_gradients(kind, X[used], data.y[used], m, b)
    assert spread.row_gradients == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert spread.step_gradient == pytest.approx(run.grad[16], rel=1e-12, abs=1e-15)
    full = numpy_row_gradients(kind, X, data.y, m, b).mean(axis=0)
    assert spread.full_gradient == pytest.approx(full, rel=1e-12, abs=1e-15)
    assert spread.rate == rate
    off = expected - full
    assert spread.spread == pytest.approx(
        np.sqrt(np.mean(np.sum(off**2, axis=1))) / np.hypot(*full), rel=1e-12
    )
    assert spread.against == int(np.sum(expected @ full < 0))


def test_a_held_intercept_stays_out_of_every_rows_gradient():
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.001, 20, variant="stochastic", seed=3, fixed={"b": 2.6})
    run, rows, scene = scene_at(problem, config, 5)
    spread = gradient_spread(scene)
    assert np.all(spread.row_gradients[:, 1] == 0.0) and spread.full_gradient[1] == 0.0
    assert spread.step_gradient == pytest.approx(run.grad[4], rel=1e-12)


def test_the_rate_is_the_schedules_at_that_step():
    problem = LinearRegression(article_dataset())
    config = DescentConfig(
        0.01,
        50,
        variant="stochastic",
        seed=3,
        schedule="exponential",
        schedule_options={"factor": 0.9},
    )
    _, _, scene = scene_at(problem, config, 10)
    assert gradient_spread(scene).rate == pytest.approx(0.01 * 0.9**9, rel=1e-12)


def test_standardised_x_gives_the_gradients_of_the_standardised_problem():
    plain = LinearRegression(article_dataset())
    scaled = standardise(plain.data).problem(plain)
    config = DescentConfig(0.1, 30, variant="minibatch", batch_size=4, seed=9)
    run, rows, scene = scene_at(scaled, config, 12)
    spread = gradient_spread(scene)
    m, b = run.params[11]
    x = scaled.data.x
    expected = numpy_row_gradients("linear", x[rows], Y[rows], m, b)
    assert spread.row_gradients == pytest.approx(expected, rel=1e-12)
    assert spread.step_gradient == pytest.approx(run.grad[11], rel=1e-12)


def test_batch_the_start_and_functions_have_no_spread():
    problem = LinearRegression(article_dataset())
    _, _, batch = scene_at(problem, DescentConfig(0.01, 10, seed=1), 5)
    assert gradient_spread(batch) is None
    _, _, start = scene_at(problem, DescentConfig(0.01, 10, variant="stochastic", seed=1), 0)
    assert gradient_spread(start) is None
    bowl = function_problem("x**2 + 3*y**2")
    run = descend(bowl, DescentConfig(0.1, 10, noise=0.5, seed=1))
    trace = trajectory_trace(run, 5, "replay")
    assert (
        gradient_spread(
            Scene("function", problem.data, reference_fit(bowl), (trace,), problem=bowl)
        )
        is None
    )


def test_rows_unknown_draw_no_spread():
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.01, 10, variant="stochastic", seed=1)
    run = descend(problem, config)
    trace = trajectory_trace(run, 5, "replay", rows=None)
    assert (
        gradient_spread(
            Scene("linear", problem.data, reference_fit(problem), (trace,), problem=problem)
        )
        is None
    )


def test_row_losses_are_squared_errors_and_log_losses_whose_mean_is_the_cost():
    linear = LinearRegression(article_dataset())
    fitted, squares = row_losses("linear", X, Y, (0.5, 1.0))
    assert fitted == pytest.approx(0.5 * X + 1.0)
    assert squares == pytest.approx((Y - 0.5 * X - 1.0) ** 2)
    assert squares.mean() / 2 == pytest.approx(linear.cost((0.5, 1.0)), rel=1e-12)
    logistic = LogisticRegression(Dataset(X, CLASSES))
    p, loss = row_losses("logistic", X, CLASSES, (1.0, -4.0))
    expected_p = 1.0 / (1.0 + np.exp(-(X - 4.0)))
    assert p == pytest.approx(expected_p, rel=1e-12)
    expected = -(CLASSES * np.log(expected_p) + (1 - CLASSES) * np.log(1 - expected_p))
    assert loss == pytest.approx(expected, rel=1e-12)
    assert loss.mean() == pytest.approx(logistic.cost((1.0, -4.0)), rel=1e-12)
    # A row far on the wrong side costs its margin, not infinity.
    _, far = row_losses("logistic", [1000.0], [0.0], (1.0, 0.0))
    assert far[0] == pytest.approx(1000.0)
