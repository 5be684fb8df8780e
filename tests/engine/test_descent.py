"""The descent loop: variants, seeds, chunking, stopping rules, bad settings."""

import numpy as np
import pytest

from gd_explorer.engine import (
    Dataset,
    Descent,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    reference_fit,
    stability,
)


@pytest.fixture(scope="module")
def line():
    return LinearRegression(article_dataset())


def assert_same(a, b):
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.cost, b.cost)
    np.testing.assert_array_equal(a.grad, b.grad)
    assert a.status == b.status


def test_trajectory_shapes(line):
    run = descend(line, DescentConfig(0.01, 25))
    assert run.params.shape == (26, 2)
    assert run.cost.shape == (26,)
    assert run.grad.shape == (25, 2)
    assert run.steps == 25
    np.testing.assert_array_equal(run.params[0], [0.0, 0.0])
    # Each step moved by exactly learning rate × the gradient it recorded.
    np.testing.assert_allclose(np.diff(run.params, axis=0), -0.01 * run.grad, rtol=1e-12)
    np.testing.assert_allclose(run.cost, [line.cost(p) for p in run.params], rtol=1e-12)


@pytest.mark.parametrize("variant", ["stochastic", "minibatch"])
def test_same_seed_same_trajectory(line, variant):
    config = DescentConfig(0.002, 500, variant=variant, batch_size=3, seed=11)
    assert_same(descend(line, config), descend(line, config))
    other = descend(line, config.replace(seed=12))
    assert not np.array_equal(other.params, descend(line, config).params)


def test_unseeded_run_records_a_seed_that_reproduces_it(line):
    first = descend(line, DescentConfig(0.002, 300, variant="stochastic"))
    again = descend(line, DescentConfig(0.002, 300, variant="stochastic", seed=first.seed))
    assert_same(first, again)


@pytest.mark.parametrize("variant", ["batch", "stochastic", "minibatch"])
def test_chunked_run_equals_descend(line, variant):
    config = DescentConfig(0.003, 5000, variant=variant, batch_size=3, seed=5)
    whole = descend(line, config)
    run = Descent(line, config)
    sizes = iter([1, 7, 4095, 2, 333] * 100)
    pieces = []
    while not run.done:
        pieces.append(run.advance(next(sizes)))
    assert_same(run.trajectory(), whole)
    # The chunks, laid end to end, are the trajectory.
    np.testing.assert_array_equal(np.vstack([p.params for p in pieces]), whole.params[1:])
    np.testing.assert_array_equal(np.vstack([p.grad for p in pieces]), whole.grad)
    assert pieces[0].first == 1


def test_stochastic_step_uses_one_rows_gradient():
    data = Dataset([1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 4.0, 3.0])
    problem = LinearRegression(data)
    run = descend(problem, DescentConfig(0.01, 50, variant="stochastic", seed=3))
    row_grads = np.array([problem.gradient(run.params[0], rows=[i]) for i in range(4)])
    # The first step's gradient is exactly one row's gradient, not a mix of rows.
    assert any(np.array_equal(run.grad[0], g) for g in row_grads)
    for k in range(50):
        candidates = [problem.gradient(run.params[k], rows=[i]) for i in range(4)]
        assert any(np.allclose(run.grad[k], g, rtol=1e-14) for g in candidates)


def test_minibatch_rows_are_distinct_and_cover_the_data():
    from gd_explorer.engine.samplers import MiniBatchSampler

    sampler = MiniBatchSampler(10, 4, np.random.default_rng(0))
    seen = np.zeros(10)
    for _ in range(5000):
        rows = sampler.next()
        assert len(set(rows.tolist())) == 4
        seen[rows] += 1
    # Uniform: each row picked about 4/10 of the time.
    np.testing.assert_allclose(seen / 5000, 0.4, atol=0.03)


@pytest.mark.parametrize("model", [LinearRegression, LogisticRegression])
def test_minibatch_gradient_averages_to_full_gradient(model):
    rng = np.random.default_rng(1)
    x = rng.normal(size=30)
    y = (rng.random(30) < 0.5).astype(float)
    problem = model(Dataset(x, y), l2=0.1)
    theta = (0.4, -0.3)
    from gd_explorer.engine.samplers import MiniBatchSampler

    sampler = MiniBatchSampler(30, 5, np.random.default_rng(2))
    draws = np.array([problem.gradient(theta, rows=sampler.next()) for _ in range(20000)])
    full = problem.gradient(theta)
    spread = draws.std(axis=0) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - full) < 5 * spread)


def test_fixed_parameter_never_moves(line):
    run = descend(line, DescentConfig(0.01, 200, fixed={"intercept": 1.5}, init=(3.0, 9.0)))
    assert np.all(run.params[:, 1] == 1.5)
    assert np.all(run.grad[:, 1] == 0.0)
    assert run.params[0, 0] == 3.0
    run = descend(line, DescentConfig(0.5, 200, fixed={"m": 0.5}))
    assert np.all(run.params[:, 0] == 0.5)
    assert run.final[1] == pytest.approx(reference_fit(line, {"m": 0.5}).theta[1])


def test_tolerance_stops_when_the_gradient_is_small(line):
    run = descend(line, DescentConfig(0.05, 100_000, tolerance=1e-6))
    assert run.status == "converged"
    assert run.steps < 100_000
    assert np.linalg.norm(line.gradient(run.params[-1])) <= 1e-6
    assert np.linalg.norm(line.gradient(run.params[-2])) > 1e-6
    assert "converged after" in run.message


@pytest.mark.parametrize("fixed", [None, {"b": 2.6}])
def test_divergence_boundary_is_two_over_L(line, fixed):
    limit = stability(line, fixed=fixed).max_stable_lr
    above = descend(line, DescentConfig(limit * 1.01, 20_000, fixed=fixed))
    below = descend(line, DescentConfig(limit * 0.99, 20_000, fixed=fixed))
    assert above.status == "diverged"
    assert f"stability limit {limit:.3g}" in above.message
    assert below.status == "max_steps"
    best = reference_fit(line, fixed=fixed).theta
    np.testing.assert_allclose(below.final, best, rtol=1e-6)


def test_absurd_learning_rate_keeps_every_value_finite(line):
    run = descend(line, DescentConfig(1e300, 1000))
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.params))
    assert np.all(np.isfinite(run.cost))
    assert np.all(np.isfinite(run.grad))
    assert run.message.startswith("diverged at step")


def test_logistic_descent_never_produces_nan():
    problem = LogisticRegression(Dataset([1, 2, 3, 4], [0, 0, 1, 1]))
    run = descend(problem, DescentConfig(1000.0, 500))
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.cost))


def test_oversized_batch_is_clamped_and_said(line):
    run = descend(line, DescentConfig(0.01, 10, variant="minibatch", batch_size=50, seed=1))
    assert run.config.batch_size == 8
    assert "batch size 50 is larger than the 8 rows" in run.message
    assert run.notes
    # All rows every step: identical to batch descent.
    np.testing.assert_allclose(run.params, descend(line, DescentConfig(0.01, 10)).params)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"learning_rate": 0.0}, r"learning rate must be a positive finite number, got 0"),
        ({"learning_rate": -1.0}, r"learning rate must be a positive finite number"),
        ({"learning_rate": float("nan")}, r"learning rate must be a positive finite number"),
        ({"learning_rate": float("inf")}, r"learning rate must be a positive finite number"),
        ({"learning_rate": "fast"}, r"learning rate must be a number"),
        ({"steps": 0}, r"steps must be ≥ 1, got 0"),
        ({"steps": 2.5}, r"steps must be a whole number"),
        ({"batch_size": 0}, r"batch size must be ≥ 1"),
        ({"variant": "sgd"}, r"variant must be one of batch, stochastic, minibatch"),
        ({"seed": -3}, r"seed must be ≥ 0"),
        ({"init": (0.0, float("nan"))}, r"starting intercept must be a finite number"),
        ({"init": 5}, r"init must be a \(slope, intercept\) pair"),
        ({"fixed": {"c": 1}}, r"only the slope \(m\) or intercept \(b\) can be fixed"),
        ({"fixed": {"m": 1, "b": 2}}, r"both fixed"),
        ({"optimizer": "lbfgs"}, r"unknown optimizer 'lbfgs'; available: gd, momentum"),
        ({"tolerance": -1e-3}, r"tolerance must be ≥ 0"),
    ],
)
def test_invalid_settings_are_explained(kwargs, message):
    settings = {"learning_rate": 0.1, "steps": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        DescentConfig(**settings)


def test_config_is_frozen():
    config = DescentConfig(0.1, 10)
    with pytest.raises(AttributeError):
        config.steps = 20  # type: ignore[misc]
    assert config.replace(steps=20).steps == 20


def test_since_returns_everything_after_an_index(line):
    run = Descent(line, DescentConfig(0.01, 100))
    run.advance(30)
    run.advance(20)
    whole = run.trajectory()
    chunk = run.since(11)
    assert chunk.first == 11
    np.testing.assert_array_equal(chunk.params, whole.params[11:])
    np.testing.assert_array_equal(chunk.cost, whole.cost[11:])
    np.testing.assert_array_equal(chunk.grad, whole.grad[10:])


def test_long_runs_are_stored_compactly(line):
    run = Descent(line, DescentConfig(1e-4, 200_000))
    run.advance(200_000)
    stored = run._params.nbytes + run._costs.nbytes + run._grads.nbytes
    assert stored < 2 * 200_001 * 40  # 40 bytes a step, at most doubled by growth


def test_editing_the_data_mid_run_continues_from_the_current_point(line):
    config = DescentConfig(0.01, 400)
    run = Descent(line, config)
    run.advance(200)
    here = run.point
    edited = LinearRegression(line.data.with_point(12.0, 20.0))
    run.set_problem(edited)
    run.advance(200)
    trajectory = run.trajectory()
    np.testing.assert_array_equal(trajectory.params[200], here)
    # After the edit every step follows the new cost's gradient.
    np.testing.assert_allclose(trajectory.grad[200], edited.gradient(here), rtol=1e-12)
    np.testing.assert_allclose(
        trajectory.cost[201:], [edited.cost(p) for p in trajectory.params[201:]]
    )
    assert run.status == "max_steps"


def test_editing_mid_run_resamples_over_the_new_rows(line):
    run = Descent(line, DescentConfig(0.001, 3000, variant="minibatch", batch_size=8, seed=1))
    run.advance(10)
    smaller = LinearRegression(line.data.without(0).without(0))
    run.set_problem(smaller)
    run.advance(2000)
    assert run.last_rows.max() < 6
    assert "the data now has 6 rows" in run.trajectory().notes[-1]


def test_a_run_cannot_switch_model(line):
    from gd_explorer.engine import ARTICLE_CLASSES

    run = Descent(line, DescentConfig(0.01, 10))
    with pytest.raises(ValueError, match="cannot change its model"):
        run.set_problem(LogisticRegression(article_dataset(ARTICLE_CLASSES)))


def test_divergence_is_reported_as_soon_as_it_is_detected(line):
    run = Descent(line, DescentConfig(0.06, 100, fixed={"b": 2.6}))
    run.advance(60)  # detected at step 52, the run goes on
    assert not run.done
    assert run.diverged_at == 52
    assert run.message.startswith("diverged at step 52: learning rate 0.06 is above")
