"""Which costs a run records exactly: stochastic steps on large data cost O(batch)."""

import math

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    Dataset,
    Descent,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
)
from gd_explorer.engine.descent import EXACT_BUDGET
from gd_explorer.engine.samplers import make_sampler


@pytest.fixture(scope="module")
def big_classes():
    rng = np.random.default_rng(7)
    x = rng.normal(0.0, 1.0, 100_000)
    y = (rng.random(x.size) < 1.0 / (1.0 + np.exp(-(2.0 * x + 0.5)))).astype(float)
    return LogisticRegression(Dataset(x, y))


def count_full_passes(monkeypatch, problem):
    """Record each pass over all rows (a logistic cost or full gradient is one)."""
    calls = []
    for name in ("_cost", "_evaluate"):  # on large data neither calls the other
        real = getattr(problem, name)

        def counted(*args, real=real):
            calls.append(args)
            return real(*args)

        monkeypatch.setattr(problem, name, counted)
    return calls


@pytest.mark.parametrize(("variant", "batch"), [("stochastic", 1), ("minibatch", 16)])
def test_stochastic_logistic_steps_on_large_data_make_no_full_pass(
    monkeypatch, big_classes, variant, batch
):
    steps = 2000
    assert big_classes.n * steps > EXACT_BUDGET
    run = Descent(big_classes, DescentConfig(0.5, steps, variant, batch_size=batch, seed=3))
    calls = count_full_passes(monkeypatch, big_classes)
    run.advance(steps - 1)
    assert calls == []  # O(batch) per step: no pass over the 100,000 rows
    run.advance(10)  # the last step, and the run's end: its cost is made exact
    assert len(calls) == 1 and run.done


def test_the_record_says_which_costs_are_exact(big_classes):
    config = DescentConfig(0.5, 500, "minibatch", batch_size=16, seed=11)
    run = descend(big_classes, config)
    exact = run.cost_exact
    assert exact.dtype == bool and exact.shape == run.cost.shape
    assert not exact.flags.writeable
    assert exact[0] and exact[-1] and not exact[1:-1].any()
    for k in (0, len(exact) - 1):
        assert run.cost[k] == pytest.approx(big_classes.cost(run.params[k]), rel=1e-12)
    # The others are the loss on the rows each step used, at the point it reached.
    sampler = make_sampler("minibatch", big_classes.n, 16, np.random.default_rng(11))
    x, y = big_classes.data.x, big_classes.data.y
    for k in range(1, 40):
        rows = sampler.next()
        u = run.params[k, 0] * x[rows] + run.params[k, 1]
        loss = np.mean(np.logaddexp(0.0, np.where(y[rows] == 1.0, -u, u)))
        assert run.cost[k] == pytest.approx(loss, rel=1e-12)


def test_settle_makes_the_current_cost_exact(big_classes):
    run = Descent(big_classes, DescentConfig(0.5, 1000, "stochastic", seed=2))
    run.advance(30)
    assert not run.since(30).cost_exact[0]
    run.settle()
    chunk = run.since(30)
    assert chunk.cost_exact[0]
    assert chunk.cost[0] == pytest.approx(big_classes.cost(chunk.params[0]), rel=1e-12)
    assert run.trajectory().cost_exact.sum() == 2  # the start and step 30


@pytest.mark.parametrize(
    ("problem", "config"),
    [
        (LinearRegression(article_dataset()), DescentConfig(0.01, 300, "stochastic", seed=1)),
        (
            LogisticRegression(article_dataset(ARTICLE_CLASSES)),
            DescentConfig(0.1, 300, "minibatch", batch_size=3, seed=1),
        ),
        (
            LogisticRegression(article_dataset(ARTICLE_CLASSES)),
            DescentConfig(0.1, 300, "batch", fixed={"b": -5.0}),
        ),
    ],
)
def test_cheap_exact_costs_are_recorded_at_every_step(problem, config):
    run = descend(problem, config)
    assert run.cost_exact.all()
    np.testing.assert_allclose(run.cost, [problem.cost(p) for p in run.params], rtol=1e-12)


def test_large_linear_data_keeps_exact_costs_at_every_step():
    rng = np.random.default_rng(0)
    x = rng.normal(size=100_000)
    problem = LinearRegression(Dataset(x, 2.0 * x + rng.normal(size=x.size)))
    run = descend(problem, DescentConfig(0.01, 1000, "stochastic", seed=4))
    assert run.cost_exact.all()


def test_divergence_is_still_caught_from_the_batch_loss(big_classes):
    run = descend(big_classes, DescentConfig(1e12, 200, "stochastic", seed=5))
    assert run.status == "diverged"
    assert run.message.startswith(f"diverged at step {run.diverged_at}: learning rate 1e+12")
    k = run.diverged_at
    # The step that crossed the line had its exact cost computed to say so.
    assert run.cost_exact[k]
    assert run.cost[k] > 1e10 * math.log(2.0)
    assert np.all(np.isfinite(run.cost)) and np.all(np.isfinite(run.params))
